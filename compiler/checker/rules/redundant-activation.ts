/**
 * W404: a model is suspicious if it applies the same activation twice in a row (`dense(…, activation:
 * relu) -> relu`), or a softmax anywhere but at an output: softmax turns scores into probabilities,
 * which only the loss should see.
 */
import { diagnostic } from "../../diagnostics/diagnostic.js";
import { activationOf, consumers, type ModelRule } from "./rule.js";

export const redundantActivation: ModelRule = (graph, ctx) => {
  const outputs = new Set(graph.outputs.flatMap((o) => (o.tensor.source.kind === "layer" ? [o.tensor.source.layerId] : [])));
  const usedBy = consumers(graph);
  for (const layer of graph.layers) {
    const activation = activationOf(layer);
    if (!activation) continue;
    const input = layer.inputs[0];
    const producer = layer.def.category === "activation" && input?.source.kind === "layer" ? graph.layers[input.source.layerId] : undefined;
    if (producer && activationOf(producer) === activation) {
      ctx.report(
        diagnostic({
          code: "W404",
          file: layer.definedAt.file,
          range: layer.definedAt.range,
          message: `\`${activation}\` is applied twice in a row`,
          labels: [{ ...producer.definedAt, message: `\`${producer.name}\` already applies ${activation}` }],
          help: "remove one of the two",
        }),
      );
      continue;
    }
    if (activation === "softmax" && !outputs.has(layer.id) && usedBy[layer.id].length > 0) {
      ctx.report(
        diagnostic({
          code: "W404",
          file: layer.definedAt.file,
          range: layer.definedAt.range,
          message: "softmax before the last layer",
          label: `its probabilities feed \`${usedBy[layer.id][0].name}\``,
          help: "use softmax only on the output layer; hidden layers want relu, tanh or sigmoid",
        }),
      );
    }
  }
};
