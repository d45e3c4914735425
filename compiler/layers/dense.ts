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
};
