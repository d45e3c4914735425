/**
 * `dense(units)`: a fully connected layer. Like Keras it acts on the last axis, so `[…, d] → […, units]`;
 * on an input of rank > 1 that is usually a forgotten `flatten` (W400, reported by its own rule).
 */
import { add, dimConst, mul } from "../shapes/dim.js";
import { POSITIVE_DIM } from "../schema/types.js";
import type { LayerDef } from "./layer.js";
import {
  activationParam,
  biasInitParam,
  boolArg,
  dimArg,
  enumArg,
  initParam,
  l1Param,
  l2Param,
  signature,
  useBiasParam,
} from "./common.js";
import { known, lastDim, nativeActivation, penaltyOf, props, sizes, tfjsActivation, weightInit } from "./tfjs-code.js";

export const dense: LayerDef = {
  name: "dense",
  category: "core",
  arity: "one",
  signature: signature("dense", "A fully connected layer: `[…, d] → […, units]`.", [
    { name: "units", type: POSITIVE_DIM, required: true, doc: "number of neurons" },
    activationParam,
    initParam,
    biasInitParam,
    useBiasParam,
    l1Param,
    l2Param,
  ]),
  infer({ inputs, args, report }) {
    const input = inputs[0].shape;
    const units = dimArg(args, "units");
    if (!units) return undefined;
    if (input.length === 0) {
      report({ code: "E200", message: "dense needs an input of rank 1 or more, found a scalar" });
      return undefined;
    }
    return [...input.slice(0, -1), units];
  },
  countParams(inputs, args) {
    const units = dimArg(args, "units") ?? dimConst(0);
    const fanIn = inputs[0][inputs[0].length - 1] ?? dimConst(0);
    const weights = mul(fanIn, units);
    return boolArg(args, "use_bias") === false ? weights : add(weights, units);
  },
  activation: (args) => enumArg(args, "activation"),
  tfjs({ args, inputs, name, owner }) {
    const activation = tfjsActivation(args, owner);
    const fanIn = lastDim(inputs[0] ?? [], "dense input width");
    return {
      construct: `tf.layers.dense(${props({
        units: String(known(dimArg(args, "units"), "dense units")),
        activation: activation.name,
        useBias: String(boolArg(args, "use_bias") ?? true),
        kernelInitializer: weightInit(args, "init", fanIn),
        biasInitializer: weightInit(args, "bias_init", fanIn),
        name,
      })})`,
      then: activation.then,
      penalty: penaltyOf(args),
    };
  },
  native({ args, inputs, name }) {
    const input = inputs[0];
    if (input.length !== 1) return { notCompiled: `dense layer "${name}" has a rank-${input.length} input` };
    const activation = nativeActivation(name, enumArg(args, "activation") ?? "linear");
    if ("notCompiled" in activation) return activation;
    const [width] = sizes(input);
    return { run: { kind: "dense", inputs: width!, units: known(dimArg(args, "units"), "dense units"), ...activation, bias: boolArg(args, "use_bias") ?? true } };
  },
};
