/**
 * Normalization over the last axis (the channels or features), same shape in and out.
 * `batchnorm` normalizes each channel with the batch's statistics while training and with moving
 * averages at inference; it has 4·C parameters as tfjs-layers counts them (γ and β trained, the
 * moving mean and variance not). `layernorm` normalizes each example over its last axis and has
 * 2·C parameters (γ and β).
 */
import { dimConst, mul } from "../shapes/dim.js";
import { FRACTION, POSITIVE_FLOAT } from "../schema/types.js";
import { num } from "../schema/values.js";
import type { LayerDef } from "./layer.js";
import { signature } from "./common.js";
import { numArg } from "./common.js";
import { notCompiled, props, sizes, valueCount } from "./tfjs-code.js";

const epsilonParam = { name: "epsilon", type: POSITIVE_FLOAT, default: num(0.001), doc: "added to the variance to avoid dividing by zero" };

function normalization(
  name: string,
  doc: string,
  perChannel: number,
  extra: LayerDef["signature"]["params"],
  code: Pick<LayerDef, "tfjs" | "native">,
): LayerDef {
  return {
    name,
    category: "normalization",
    arity: "one",
    signature: signature(name, doc, [...extra, epsilonParam]),
    infer({ inputs, report }) {
      const input = inputs[0].shape;
      if (input.length === 0) {
        report({ code: "E200", message: `${name} needs an input with a channel axis, found a scalar` });
        return undefined;
      }
      return input;
    },
    countParams(inputs) {
      const channels = inputs[0][inputs[0].length - 1];
      return channels ? mul(dimConst(perChannel), channels) : dimConst(0);
    },
    ...code,
  };
}

export const batchnorm = normalization(
  "batchnorm",
  "Batch normalization over the last axis: same shape; 4·C parameters (γ, β, moving mean and variance).",
  4,
  [{ name: "momentum", type: FRACTION, default: num(0.99), doc: "weight of the old value in the moving averages" }],
  {
    tfjs: ({ args, name }) => ({
      construct: `tf.layers.batchNormalization(${props({ momentum: String(numArg(args, "momentum") ?? 0.99), epsilon: String(numArg(args, "epsilon") ?? 0.001), name })})`,
    }),
    native({ args, inputs, name }) {
      const input = sizes(inputs[0]);
      const channels = input[input.length - 1];
      if (typeof channels !== "number") return { notCompiled: `batch norm layer "${name}" has no fixed channel count` };
      const count = valueCount(inputs[0]);
      const positions = count === null ? null : count / channels;
      return { run: { kind: "batchnorm", positions, channels, momentum: numArg(args, "momentum") ?? 0.99, epsilon: numArg(args, "epsilon") ?? 0.001, center: true, scale: true } };
    },
  },
);

export const layernorm = normalization("layernorm", "Layer normalization over the last axis: same shape; 2·C parameters (γ, β).", 2, [], {
  tfjs: ({ args, name }) => ({ construct: `tf.layers.layerNormalization(${props({ epsilon: String(numArg(args, "epsilon") ?? 0.001), name })})` }),
  native: ({ name }) => notCompiled(name, "layernorm"),
});
