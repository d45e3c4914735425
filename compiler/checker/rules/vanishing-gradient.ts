/**
 * W402: a model risks vanishing gradients if four or more sigmoid/tanh layers are stacked with no
 * normalization between them: each saturating layer multiplies the backpropagated gradient by
 * σ'(z) ≤ 1/4, so the first layers learn far more slowly than the last (the lectures' [784, 30, 30,
 * 30, 30, 10] experiment). Reported on the layer that makes the stack four long.
 */
import { diagnostic } from "../../diagnostics/diagnostic.js";
import { activationOf, type ModelRule } from "./rule.js";

const SATURATING = new Set(["sigmoid", "tanh"]);
const NON_SATURATING = new Set(["relu", "leaky_relu", "elu", "softplus"]);
const STACK = 4;

export const vanishingGradient: ModelRule = (graph, ctx) => {
  const depth: number[] = [];
  for (const layer of graph.layers) {
    const below = layer.inputs.reduce((deepest, t) => Math.max(deepest, t.source.kind === "layer" ? (depth[t.source.layerId] ?? 0) : 0), 0);
    const activation = activationOf(layer);
    let d = below;
    if (layer.def.category === "normalization" || (activation && NON_SATURATING.has(activation))) d = 0;
    else if (activation && SATURATING.has(activation)) d = below + 1;
    depth[layer.id] = d;
    if (d !== STACK || !activation || !SATURATING.has(activation)) continue;
    ctx.report(
      diagnostic({
        code: "W402",
        file: layer.definedAt.file,
        range: layer.definedAt.range,
        message: `${STACK} sigmoid/tanh layers are stacked here without normalization: gradients may vanish in the first ones`,
        help: "use `activation: relu`, put `-> batchnorm` between the layers, or watch the gradients with `monitor: [gradient_norms]`",
      }),
    );
  }
};
