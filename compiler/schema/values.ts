/**
 * The values that argument expressions evaluate to while a program is checked. Values carry the
 * expression they came from, so a later rule can point at it.
 */
import type { Expr, Range } from "../../grammar/ast.js";
import { type Dim, dimToString } from "../shapes/dim.js";
import type { Shape } from "../shapes/shape.js";
import type { Signature } from "./types.js";

export type DType = "float32" | "int32";

/** Where a tensor comes from: a model input or the output of a layer. */
export type TensorSource =
  | { readonly kind: "input"; readonly name: string; readonly file: string; readonly range: Range }
  | { readonly kind: "layer"; readonly layerId: number };

/** A per-example tensor flowing through a model; the batch axis is implicit. */
export interface TensorValue {
  readonly kind: "tensor";
  readonly shape: Shape;
  readonly dtype: DType;
  readonly source: TensorSource;
}

/** The bound arguments of a call: parameter name → value, defaults filled in. */
export type BoundArgs = ReadonlyMap<string, BoundArg>;

export interface BoundArg {
  readonly value: Value;
  /** The expression the user wrote; absent when the default was used. */
  readonly node?: Expr;
}

/** A hyper-parameter search space written where a value goes: `choice(30, 100)`, `log_uniform(1e-3, 1)`. */
export interface SearchSpace {
  readonly kind: "choice" | "uniform" | "log_uniform" | "int_uniform";
  /** The options of `choice`, or the two bounds of a range. */
  readonly options: readonly Value[];
  /** The value used to check shapes and show the model: the first option or the lower bound. */
  readonly representative: Value;
  /** Where it is written: the file and range name the space (a layer's space is a dimension of the search). */
  readonly file: string;
  readonly range: Range;
}

export type Value =
  | { readonly kind: "number"; readonly value: number; readonly integer: boolean }
  /** An integer known only symbolically (`C`, `T - 2`); constant dims are numbers. */
  | { readonly kind: "dim"; readonly dim: Dim }
  | { readonly kind: "bool"; readonly value: boolean }
  | { readonly kind: "string"; readonly value: string }
  /** A bare name accepted by an enum or constructor type: `relu`, `same`, `he_normal`. */
  | { readonly kind: "enum"; readonly name: string }
  /** A constructor applied to arguments: `sgd(lr: 0.1)`, `normal(std: 1)`. */
  | { readonly kind: "ctor"; readonly signature: Signature; readonly args: BoundArgs }
  | { readonly kind: "list"; readonly items: readonly Value[] }
  | TensorValue
  /** A layer given as a value and not applied: the argument of `bidirectional`, `time_distributed`. */
  | { readonly kind: "layer"; readonly layer: string; readonly args: BoundArgs; readonly range: Range }
  | { readonly kind: "search"; readonly space: SearchSpace }
  /** The value of something already reported as wrong; checks stay silent about it. */
  | { readonly kind: "unknown" };

export const UNKNOWN: Value = { kind: "unknown" };

/** What names one written search space, wherever its value flows (`file:offset` of the call). */
export function searchSpaceKey(file: string, range: Range): string {
  return `${file}:${range.start.offset}`;
}

/** Replaces a search space by its representative, recursively through lists. */
export function concrete(value: Value): Value {
  if (value.kind === "search") return concrete(value.space.representative);
  if (value.kind === "list") return { kind: "list", items: value.items.map(concrete) };
  return value;
}

/** The number a value holds, when it is a concrete number (search spaces give their representative). */
export function numberOf(value: Value | undefined): number | undefined {
  if (!value) return undefined;
  const v = concrete(value);
  return v.kind === "number" ? v.value : undefined;
}

/** The name of an enum value or of a constructor value (`relu`, `sgd`). */
export function nameOf(value: Value | undefined): string | undefined {
  if (!value) return undefined;
  const v = concrete(value);
  if (v.kind === "enum") return v.name;
  if (v.kind === "ctor") return v.signature.name;
  return undefined;
}

export function boolOf(value: Value | undefined): boolean | undefined {
  if (!value) return undefined;
  const v = concrete(value);
  return v.kind === "bool" ? v.value : undefined;
}

/** Reads a bound argument by name. */
export function arg(args: BoundArgs, name: string): Value | undefined {
  return args.get(name)?.value;
}

/** Renders a value as source text, for messages and hover. */
export function valueToString(value: Value): string {
  switch (value.kind) {
    case "number":
      return String(value.value);
    case "dim":
      return dimToString(value.dim);
    case "bool":
      return String(value.value);
    case "string":
      return JSON.stringify(value.value);
    case "enum":
      return value.name;
    case "ctor":
      return `${value.signature.name}(${argsToString(value.args)})`;
    case "list":
      return `[${value.items.map(valueToString).join(", ")}]`;
    case "tensor":
      return "tensor";
    case "layer":
      return `${value.layer}(${argsToString(value.args)})`;
    case "search":
      return `${value.space.kind}(${value.space.options.map(valueToString).join(", ")})`;
    case "unknown":
      return "?";
  }
}

function argsToString(args: BoundArgs): string {
  return [...args].map(([name, a]) => `${name}: ${valueToString(a.value)}`).join(", ");
}

/** Shorthands for defaults in signatures. */
export const num = (value: number): Value => ({ kind: "number", value, integer: Number.isInteger(value) });
export const flag = (value: boolean): Value => ({ kind: "bool", value });
export const named = (name: string): Value => ({ kind: "enum", name });
