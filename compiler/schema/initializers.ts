/**
 * Weight initializers, usable as a layer's `init:` / `bias_init:` and as the training key `init`.
 * Names follow Keras; `lecun_normal` is the lectures' N(0, 1/√n_in) choice.
 */
import { FLOAT, POSITIVE_FLOAT, type Signature, type ValueType } from "./types.js";
import { num } from "./values.js";

const bare = (name: string, doc: string): Signature => ({ name, doc, params: [] });

export const INITIALIZERS: readonly Signature[] = [
  bare("zeros", "Every weight 0."),
  bare("ones", "Every weight 1."),
  { name: "constant", doc: "Every weight the same value.", params: [{ name: "value", type: FLOAT, required: true }] },
  {
    name: "normal",
    doc: "Gaussian weights N(mean, std²).",
    params: [
      { name: "mean", type: FLOAT, default: num(0) },
      { name: "std", type: POSITIVE_FLOAT, default: num(1) },
    ],
  },
  {
    name: "uniform",
    doc: "Uniform weights in [low, high).",
    params: [
      { name: "low", type: FLOAT, default: num(-0.05) },
      { name: "high", type: FLOAT, default: num(0.05) },
    ],
  },
  bare("lecun_normal", "Normal with standard deviation 1/√n_in: the lectures' scaled initialization."),
  bare("lecun_uniform", "Uniform in ±√(3/n_in)."),
  bare("glorot_normal", "Xavier: truncated normal with standard deviation √(2/(n_in + n_out))."),
  bare("glorot_uniform", "Xavier: uniform in ±√(6/(n_in + n_out)); the Keras default."),
  bare("he_normal", "Truncated normal with standard deviation √(2/n_in), for ReLU layers."),
  bare("he_uniform", "Uniform in ±√(6/n_in), for ReLU layers."),
  bare("orthogonal", "A random orthogonal matrix (recurrent weights)."),
];

export const INITIALIZER: ValueType = { kind: "ctor", what: "initializer", ctors: INITIALIZERS };
