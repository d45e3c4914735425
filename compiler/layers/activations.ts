/**
 * Activation functions as layers of their own (`-> relu`, `relu(h + x)`): `relu`, `sigmoid`,
 * `tanh`, `softmax` (over the last axis), `leaky_relu(alpha = 0.01)`, `elu`, `softplus` and
 * `linear`. Each keeps the shape of its input and has no parameters.
 */
import { dimConst } from "../shapes/dim.js";
import { NON_NEGATIVE_FLOAT, type ParamSpec } from "../schema/types.js";
import { num } from "../schema/values.js";
import type { LayerDef } from "./layer.js";
import { signature } from "./common.js";
import { ACTIVATION_TABLE, numArg, type ActivationName } from "./common.js";
import { nativeActivation, notCompiled, props, valueCount } from "./tfjs-code.js";
import { literal } from "../schema/literal.js";

function activationLayer(name: string, doc: string, params: readonly ParamSpec[] = []): LayerDef {
  return {
    name,
    category: "activation",
    arity: "one",
    signature: signature(name, `${doc} Same shape.`, params),
    infer: ({ inputs }) => inputs[0].shape,
    countParams: () => dimConst(0),
    activation: () => name,
    tfjs({ args, name: layerName }) {
      if (name === "leaky_relu") return { construct: `tf.layers.leakyReLU(${props({ alpha: String(numArg(args, "alpha") ?? 0.01), name: layerName })})` };
      return { construct: `tf.layers.activation(${props({ activation: literal(ACTIVATION_TABLE[name as ActivationName].tfjs ?? name), name: layerName })})` };
    },
    native({ inputs, name: layerName }) {
      if (name === "leaky_relu") return notCompiled(layerName, "leaky_relu");
      const activation = nativeActivation(layerName, name);
      return "notCompiled" in activation ? activation : { run: { kind: "activation", size: valueCount(inputs[0]), ...activation } };
    },
  };
}

export const relu = activationLayer("relu", "max(0, x).");
export const sigmoid = activationLayer("sigmoid", "1 / (1 + e^(−x)).");
export const tanh = activationLayer("tanh", "The hyperbolic tangent.");
export const softmax = activationLayer("softmax", "e^(x_i) / Σ_j e^(x_j) over the last axis: probabilities that sum to 1.");
export const leakyRelu = activationLayer("leaky_relu", "x for x > 0, alpha·x otherwise.", [
  // Keras and TensorFlow.js default to 0.3; the language follows the lectures' 0.01.
  { name: "alpha", type: NON_NEGATIVE_FLOAT, default: num(0.01), doc: "slope for negative inputs" },
]);
export const elu = activationLayer("elu", "x for x > 0, e^x − 1 otherwise.");
export const softplus = activationLayer("softplus", "log(1 + e^x).");
export const linear = activationLayer("linear", "The identity.");
