import type { Value } from "./values.js";

/**
 * The types of argument values. One vocabulary describes the arguments of layers, initializers,
 * optimizers, losses, datasets, schedules and every training key, so that one binder checks them all
 * (E101–E105, E100 for unknown enum names) and editors can complete them.
 */

/** Bounds of a numeric argument; a value outside them is E105. */
export interface NumericRange {
  readonly min?: number;
  readonly max?: number;
  /** When true the bound itself is excluded (`rate < 1`, `lr > 0`). */
  readonly minExclusive?: boolean;
  readonly maxExclusive?: boolean;
}

export type ValueType =
  /** An integer; may be a symbolic dimension where `symbolic` is true (filters, units). */
  | { readonly kind: "int"; readonly range?: NumericRange; readonly symbolic?: boolean }
  | { readonly kind: "float"; readonly range?: NumericRange }
  | { readonly kind: "bool" }
  | { readonly kind: "string" }
  /** A bare name out of a fixed set: `relu`, `same`, `majority`. `what` names the set in messages. */
  | { readonly kind: "enum"; readonly what: string; readonly values: readonly string[] }
  /**
   * One of several constructors: `sgd(lr: 0.1)`, `normal(std: 1)`, `cross_entropy`. A constructor
   * whose parameters are all optional may be written without parentheses.
   */
  | { readonly kind: "ctor"; readonly what: string; readonly ctors: readonly Signature[] }
  | { readonly kind: "list"; readonly of: ValueType; readonly minItems?: number }
  /** Any of several types, tried in order (`validation`: a fraction or a dataset). */
  | { readonly kind: "union"; readonly what: string; readonly of: readonly ValueType[] }
  /** A per-example tensor (layer inputs, merge operands). */
  | { readonly kind: "tensor" }
  /** A layer given as a value, not applied (`bidirectional(lstm(32))`); `what` filters the family. */
  | { readonly kind: "layer"; readonly what: "recurrent" | "any" }
  /** A string naming a file; checked for existence only where the brief says so. */
  | { readonly kind: "path" };

/** One parameter of a signature. A parameter without `default` and with `required` must be given. */
export interface ParamSpec {
  readonly name: string;
  readonly type: ValueType;
  readonly required?: boolean;
  /** The value used when the argument is not given; shown by hover and docs. */
  readonly default?: Value;
  /** May be given positionally (true unless a parameter is keyword-only). */
  readonly positional?: boolean;
  /** Takes every remaining positional argument (the operands of `concat`, the options of `choice`). */
  readonly variadic?: boolean;
  readonly doc?: string;
}

/** A callable thing's parameters, in positional order. */
export interface Signature {
  readonly name: string;
  readonly params: readonly ParamSpec[];
  readonly doc: string;
}

export const INT: ValueType = { kind: "int" };
export const POSITIVE_INT: ValueType = { kind: "int", range: { min: 1 } };
export const POSITIVE_DIM: ValueType = { kind: "int", range: { min: 1 }, symbolic: true };
export const NON_NEGATIVE_INT: ValueType = { kind: "int", range: { min: 0 } };
export const FLOAT: ValueType = { kind: "float" };
export const POSITIVE_FLOAT: ValueType = { kind: "float", range: { min: 0, minExclusive: true } };
export const NON_NEGATIVE_FLOAT: ValueType = { kind: "float", range: { min: 0 } };
export const FRACTION: ValueType = { kind: "float", range: { min: 0, max: 1, maxExclusive: true } };
export const BOOL: ValueType = { kind: "bool" };
export const STRING: ValueType = { kind: "string" };
export const TENSOR: ValueType = { kind: "tensor" };

/** Describes a type in a message: "an integer", "an activation", "a list of metrics". */
export function describeType(type: ValueType): string {
  switch (type.kind) {
    case "int":
      return "an integer";
    case "float":
      return "a number";
    case "bool":
      return "`true` or `false`";
    case "string":
    case "path":
      return "a string";
    case "enum":
      return `${article(type.what)} ${type.what}`;
    case "ctor":
      return `${article(type.what)} ${type.what}`;
    case "list":
      return `a list of ${plural(describeType(type.of))}`;
    case "union":
      return `${article(type.what)} ${type.what}`;
    case "tensor":
      return "a tensor";
    case "layer":
      return type.what === "recurrent" ? "a recurrent layer (rnn, lstm or gru)" : "a layer";
  }
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? "an" : "a";
}

function plural(description: string): string {
  const bare = description.replace(/^(an?|the) /, "");
  return bare.endsWith("s") ? bare : `${bare}s`;
}
