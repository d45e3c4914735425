/**
 * W400: a model is suspicious if it applies `dense` to an input of rank > 1. Like Keras, dense then
 * acts on the last axis only, which is rarely what someone who forgot a `flatten` meant.
 */
import { diagnostic } from "../../diagnostics/diagnostic.js";
import { shapeToString } from "../../shapes/shape.js";
import type { ModelRule } from "./rule.js";

export const denseOnHighRank: ModelRule = (graph, ctx) => {
  for (const layer of graph.layers) {
    if (layer.def.name !== "dense" || !layer.output) continue;
    const input = layer.inputs[0]?.shape;
    if (!input || input.length <= 1) continue;
    ctx.report(
      diagnostic({
        code: "W400",
        file: layer.definedAt.file,
        range: layer.definedAt.range,
        message: `dense acts on the last axis of its ${shapeToString(input)} input, giving ${shapeToString(layer.output.shape)}`,
        label: `input has rank ${input.length}`,
        help: "add `-> flatten` before it to connect every input value, or wrap it as `time_distributed(dense(…))` if a per-position layer is meant",
      }),
    );
  }
};
