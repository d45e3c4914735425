/**
 * A training learns slowly if it puts a quadratic cost on a saturating output (W403, on the loss
 * value, or on the list item that is that output's loss): with `quadratic` or `mse` on a softmax or
 * sigmoid output, the gradient carries the factor σ′(z), which vanishes when an output unit
 * saturates at a wrong answer. The cross-entropy cost cancels that factor.
 */
import { diagnostic } from "../../diagnostics/diagnostic.js";
import { outputLosses } from "../bound.js";
import { QUADRATIC_LOSSES } from "../losses.js";
import { describeLayer, outputActivation } from "../model-facts.js";
import type { TrainingRule } from "./rule.js";

export const quadraticOnSaturating: TrainingRule = (training, ctx) => {
  const model = training.model;
  if (!model || model.incomplete) return;
  const several = model.outputs.length > 1;
  const losses = outputLosses(training);
  losses.forEach((loss, index) => {
    const output = outputActivation(model, index);
    if (!loss || !QUADRATIC_LOSSES.includes(loss.name) || !output) return;
    const { activation, layer } = output;
    if (activation !== "softmax" && activation !== "sigmoid") return;
    const better = activation === "softmax" ? "cross_entropy" : "binary_cross_entropy";
    const what = several ? `output \`${model.outputs[index].name}\`, a ${activation} output,` : `a ${activation} output`;
    // One loss written for several outputs: replacing it would change the others' loss too.
    const shared = losses.filter((l) => l?.at === loss.at).length > 1;
    const others = model.outputs.map((_, i) => (i === index ? better : loss.name)).join(", ");
    ctx.report(
      diagnostic({
        code: "W403",
        file: ctx.file,
        range: loss.at.range,
        message: `\`${loss.name}\` cost on ${what} learns slowly when the output saturates`,
        label: `its gradient shrinks with ${activation}′ of the output`,
        labels: [{ ...layer.definedAt, message: `the output layer ${describeLayer(layer)} applies ${activation}` }],
        help: shared
          ? `give each output its own loss, with \`${better}\` for this one, whose gradient does not shrink when the output saturates: \`loss: [${others}]\``
          : `use \`${better}\`, whose gradient does not shrink when the output saturates`,
        fixes: shared ? [] : [{ title: `Use \`${better}\``, edits: [{ file: ctx.file, range: loss.at.range, newText: better }] }],
      }),
    );
  });
};
