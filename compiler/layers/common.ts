/**
 * Argument types and helpers shared by the layer definitions.
 */
import { dimConst, type Dim } from "../shapes/dim.js";
import { shapeToString, type Shape } from "../shapes/shape.js";
import { type ParamSpec, type Signature, type ValueType, FLOAT, NON_NEGATIVE_FLOAT } from "../schema/types.js";
import { arg, concrete, named, type BoundArgs, type Value } from "../schema/values.js";
import { INITIALIZER } from "../schema/initializers.js";
import type { ShapeProblem } from "./layer.js";

/**
 * The activation functions of the language, in the order the reference lists them: tfjs-layers'
 * name for each (leaky_relu has none: it becomes a layer of its own) and whether the compiled
 * native step has it.
 */
export const ACTIVATION_TABLE = {
  linear: { tfjs: "linear", native: true },
  sigmoid: { tfjs: "sigmoid", native: true },
  tanh: { tfjs: "tanh", native: true },
  relu: { tfjs: "relu", native: true },
  leaky_relu: { tfjs: null, native: false },
  elu: { tfjs: "elu", native: false },
  softplus: { tfjs: "softplus", native: false },
  softmax: { tfjs: "softmax", native: true },
} as const satisfies Record<string, { tfjs: string | null; native: boolean }>;

export type ActivationName = keyof typeof ACTIVATION_TABLE;

export const ACTIVATIONS = Object.keys(ACTIVATION_TABLE) as readonly ActivationName[];

export const ACTIVATION: ValueType = { kind: "enum", what: "activation", values: ACTIVATIONS };
export const PADDING: ValueType = { kind: "enum", what: "padding", values: ["valid", "same"] };

export const activationParam: ParamSpec = { name: "activation", type: ACTIVATION, default: named("linear"), doc: "applied to the output" };
export const initParam: ParamSpec = { name: "init", type: INITIALIZER, default: named("glorot_uniform"), doc: "initializer of the weights" };
export const biasInitParam: ParamSpec = { name: "bias_init", type: INITIALIZER, default: named("zeros"), doc: "initializer of the biases" };
export const useBiasParam: ParamSpec = { name: "use_bias", type: { kind: "bool" }, default: { kind: "bool", value: true } };
export const l1Param: ParamSpec = { name: "l1", type: NON_NEGATIVE_FLOAT, doc: "L1 penalty on this layer's weights (overrides the training's)" };
export const l2Param: ParamSpec = { name: "l2", type: NON_NEGATIVE_FLOAT, doc: "L2 penalty on this layer's weights (overrides the training's)" };

/** A signature whose parameters are positional in the order given. */
export function signature(name: string, doc: string, params: readonly ParamSpec[]): Signature {
  return { name, doc, params };
}

/** An integer argument as a dimension (constant or symbolic), or undefined when it is unknown. */
export function dimArg(args: BoundArgs, name: string): Dim | undefined {
  const v = arg(args, name);
  if (!v) return undefined;
  const c = concrete(v);
  if (c.kind === "number") return dimConst(c.value);
  if (c.kind === "dim") return c.dim;
  return undefined;
}

/** A numeric argument's value, or undefined when it is symbolic or unknown. */
export function numArg(args: BoundArgs, name: string): number | undefined {
  const v = arg(args, name);
  const c = v && concrete(v);
  return c?.kind === "number" ? c.value : undefined;
}

/** The name of an enum argument (`padding`, `activation`). */
export function enumArg(args: BoundArgs, name: string): string | undefined {
  const v = arg(args, name);
  const c = v && concrete(v);
  return c?.kind === "enum" ? c.name : undefined;
}

export function boolArg(args: BoundArgs, name: string): boolean | undefined {
  const v = arg(args, name);
  const c = v && concrete(v);
  return c?.kind === "bool" ? c.value : undefined;
}

export { FLOAT };
export type { Value };

/**
 * The E200 problem for an input of the wrong rank: "conv2d needs an input of shape [height, width,
 * channels], found [2880]". `expected` names the axes the layer reads.
 */
export function wrongRank(layer: string, expected: string, input: Shape, help: string): ShapeProblem {
  return { code: "E200", message: `${layer} needs an input of shape ${expected}, found ${shapeToString(input)}`, help };
}

