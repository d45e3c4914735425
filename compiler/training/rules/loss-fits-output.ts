/**
 * A training is only valid if each output's loss fits what the output computes (E302, on the loss
 * value, or on the list item that is that output's loss):
 * `cross_entropy` and `sparse_cross_entropy` need a softmax output and `binary_cross_entropy` a sigmoid
 * output, unless `from_logits: true` says the output is raw scores — and then the output must not
 * apply that activation itself, or the loss would apply it twice.
 */
import type { LayerNode } from "../../checker/graph.js";
import { diagnostic, type Fix } from "../../diagnostics/diagnostic.js";
import { boolArg, outputLosses, type OutputLoss } from "../bound.js";
import { OUTPUT_ACTIVATION_FOR } from "../losses.js";
import { describeLayer, outputActivation } from "../model-facts.js";
import type { TrainingRule, TrainingRuleContext } from "./rule.js";

export const lossFitsOutput: TrainingRule = (training, ctx) => {
  const model = training.model;
  if (!model || model.incomplete) return;
  outputLosses(training).forEach((loss, index) => {
    const output = outputActivation(model, index);
    if (loss && output) checkOutput(loss, output, model.outputs.length > 1 ? model.outputs[index].name : undefined, ctx);
  });
};

/** Checks one output's loss; `outputName` is given when the model has several outputs. */
function checkOutput(loss: OutputLoss, output: { readonly activation: string; readonly layer: LayerNode }, outputName: string | undefined, ctx: TrainingRuleContext): void {
  const needed = OUTPUT_ACTIVATION_FOR[loss.name];
  if (!needed) return;
  const { activation, layer } = output;
  const fromLogits = boolArg(loss.args, "from_logits") ?? false;
  const at = loss.at;
  const theLayer = outputName ? `the layer of output \`${outputName}\`` : "the output layer";
  const where = { ...layer.definedAt, message: activation === "linear" ? `${theLayer} has no activation` : `${theLayer} applies ${activation}` };

  if (fromLogits) {
    if (activation !== needed) return;
    const node = loss.args.get("from_logits")?.node;
    ctx.report(
      diagnostic({
        code: "E302",
        file: ctx.file,
        range: (node ?? at).range,
        message: `\`from_logits: true\`, but ${theLayer} ${describeLayer(layer)} already applies ${needed}`,
        label: `\`${loss.name}\` would apply ${needed} a second time`,
        labels: [where],
        help: `remove \`from_logits: true\`, or remove the ${needed} from ${theLayer}`,
      }),
    );
    return;
  }
  if (activation === needed) return;

  const fixes: Fix[] = [];
  const replaced = setActivation(layer, needed);
  if (replaced) fixes.push(replaced);
  if (activation === "linear") fixes.push({ title: `Use \`${loss.name}(from_logits: true)\``, edits: [{ file: ctx.file, range: at.range, newText: `${loss.name}(from_logits: true)` }] });
  const alternative =
    loss.name !== "binary_cross_entropy" && activation === "sigmoid"
      ? "; for independent sigmoid outputs use `binary_cross_entropy`"
      : loss.name === "binary_cross_entropy" && activation === "softmax"
        ? "; for one class out of several use `cross_entropy`"
        : "";
  const lastLayer = outputName ? `the last layer of output \`${outputName}\`` : "the last layer";
  ctx.report(
    diagnostic({
      code: "E302",
      file: ctx.file,
      range: at.range,
      message: `\`${loss.name}\` needs a ${needed} output, but ${theLayer} ${describeLayer(layer)} ${activation === "linear" ? "has no activation" : `applies ${activation}`}`,
      label: needed === "softmax" ? "compares class probabilities that sum to 1" : "compares probabilities in (0, 1)",
      labels: [where],
      help:
        activation === "linear"
          ? `add \`activation: ${needed}\` to ${lastLayer}, or use \`${loss.name}(from_logits: true)\`${alternative}`
          : `use \`activation: ${needed}\` in ${lastLayer}${alternative}`,
      fixes,
    }),
  );
}

/** A fix that makes the output layer apply `activation`: replace its `activation:` or add one. */
function setActivation(layer: LayerNode, activation: string): Fix | undefined {
  if (!layer.def.signature.params.some((p) => p.name === "activation")) return undefined;
  const title = `Add \`activation: ${activation}\` to the last layer`;
  const given = layer.args.get("activation")?.node;
  if (given) return { title, edits: [{ file: layer.definedAt.file, range: given.range, newText: activation }] };
  const written = [...layer.args.values()].flatMap((a) => (a.node ? [a.node.range.end] : []));
  if (written.length === 0) return undefined;
  const end = written.reduce((a, b) => (b.offset > a.offset ? b : a));
  return { title, edits: [{ file: layer.definedAt.file, range: { start: end, end }, newText: `, activation: ${activation}` }] };
}
