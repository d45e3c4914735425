/**
 * Shapes written in the source (`input image: [28, 28, 1]`, `x: [H, W, C]`, `-> [H, W, C]`) and their
 * unification with inferred shapes. A name that is not bound yet is a dimension symbol: in a model
 * input it stays symbolic, in a block signature it is bound by the call (generic dimensions).
 */
import type { Expr, ShapeType } from "../../grammar/ast.js";
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic.js";
import type { DType, Value } from "../schema/values.js";
import { describeValue, numberText } from "../schema/bind.js";
import type { ValueType } from "../schema/types.js";
import { constValue, dimConst, dimEquals, dimSymbol, dimToString, type Dim } from "../shapes/dim.js";
import { MAX_TENSOR_VALUES, MAX_TENSOR_VALUES_TEXT, TENSOR_LIMIT_HELP } from "../shapes/limits.js";
import type { Shape } from "../shapes/shape.js";
import type { Frame } from "./frame.js";

/**
 * What a declared dimension is expected to be. Passed down through its operands, it makes every
 * operation in it dimension arithmetic: `/` rounds down (`[H / 2]` is 4 when `H` is 9), as it does
 * for a symbol that stays symbolic (docs/language.md §1). Recognised by identity: a layer's integer
 * argument of the same form divides as numbers do.
 */
export const DIMENSION: ValueType = { kind: "int", range: { min: 1 }, symbolic: true };

export interface ShapeContext {
  readonly file: string;
  report(d: Diagnostic): void;
  evaluate(expr: Expr): Value;
}

/** One declared dimension: a value known now, or a symbol to bind. */
type PatternDim = { readonly kind: "fixed"; readonly dim: Dim } | { readonly kind: "free"; readonly name: string };

/** The outcome of matching a declared shape against an actual one. */
export type Unification =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: "rank" }
  | { readonly ok: false; readonly reason: "dim"; readonly index: number; readonly expected: Dim }
  | { readonly ok: false; readonly reason: "symbol"; readonly index: number; readonly name: string; readonly bound: Dim };

export interface DeclaredShape {
  readonly dtype: DType;
  /** The shape as written (`[H, W, C]`). */
  readonly text: string;
  /** The shape with every symbol resolved as far as it is bound now. */
  readonly shape: Shape;
  /** Unifies with `actual`, binding free symbols in the frame; `matches` is the boolean form. */
  unify(actual: Shape): Unification;
  matches(actual: Shape): boolean;
}

/**
 * Evaluates a declared shape in `frame`. In "declare" mode (model inputs) unbound names become
 * symbols at once; in "match" mode they are bound by `unify`.
 */
export function evaluateShape(type: ShapeType, frame: Frame, ctx: ShapeContext, mode: "declare" | "match"): DeclaredShape | undefined {
  let dtype: DType = "float32";
  if (type.dtype) {
    const name = type.dtype.name;
    if (name === "int32" || name === "float32") dtype = name;
    else {
      ctx.report(diagnostic({ code: "E100", file: ctx.file, range: type.dtype.range, message: `unknown element type \`${name}\``, help: "use `int32[…]` for token ids; plain `[…]` is float32" }));
      return undefined;
    }
  }
  const pattern: PatternDim[] = [];
  let ok = true;
  for (const expr of type.dims) {
    const bound = expr.kind === "Name" ? frame.env.get(expr.name.name) : undefined;
    if (mode === "match" && expr.kind === "Name" && bound?.kind === "dim") {
      // A symbol already bound in this call (by an earlier parameter): a clash is E205, not E204.
      pattern.push({ kind: "free", name: expr.name.name });
      continue;
    }
    if (expr.kind === "Name" && expr.name.name && !bound) {
      if (mode === "declare") {
        frame.env.set(expr.name.name, { kind: "dim", value: { kind: "dim", dim: dimSymbol(expr.name.name) }, declaredAt: expr.range, used: true });
        pattern.push({ kind: "fixed", dim: dimSymbol(expr.name.name) });
      } else pattern.push({ kind: "free", name: expr.name.name });
      continue;
    }
    const dim = dimOf(expr, ctx);
    if (!dim) ok = false;
    else pattern.push({ kind: "fixed", dim });
  }
  if (!ok) return undefined;
  const text = `${type.dtype ? type.dtype.name : ""}[${pattern.map((p) => (p.kind === "free" ? p.name : dimToString(p.dim))).join(", ")}]`;
  const current = (): Shape =>
    pattern.map((p) => {
      if (p.kind === "fixed") return p.dim;
      const bound = frame.env.get(p.name)?.value;
      return bound?.kind === "dim" ? bound.dim : bound?.kind === "number" ? dimConst(bound.value) : dimSymbol(p.name);
    });
  const unify = (actual: Shape): Unification => {
    if (actual.length !== pattern.length) return { ok: false, reason: "rank" };
    for (const [index, p] of pattern.entries()) {
      if (p.kind === "fixed") {
        if (!dimEquals(p.dim, actual[index])) return { ok: false, reason: "dim", index, expected: p.dim };
        continue;
      }
      const binding = frame.env.get(p.name);
      if (!binding) {
        const c = constValue(actual[index]);
        const value: Value = c === undefined ? { kind: "dim", dim: actual[index] } : { kind: "number", value: c, integer: true };
        frame.env.set(p.name, { kind: "dim", value, declaredAt: type.range, used: true });
        continue;
      }
      const bound = binding.value.kind === "dim" ? binding.value.dim : binding.value.kind === "number" ? dimConst(binding.value.value) : undefined;
      if (bound && !dimEquals(bound, actual[index])) return { ok: false, reason: "symbol", index, name: p.name, bound };
    }
    return { ok: true };
  };
  return {
    dtype,
    text,
    get shape() {
      return current();
    },
    unify,
    matches: (actual) => unify(actual).ok,
  };
}

/** A declared dimension: a positive integer (at most 2^31 − 1), a bound symbol or arithmetic of them. */
function dimOf(expr: Expr, ctx: ShapeContext): Dim | undefined {
  const value = ctx.evaluate(expr);
  if (value.kind === "unknown") return undefined;
  if (value.kind === "dim") return value.dim;
  if (value.kind === "number" && Number.isInteger(value.value)) {
    if (value.value > MAX_TENSOR_VALUES) {
      ctx.report(
        diagnostic({
          code: "E105",
          file: ctx.file,
          range: expr.range,
          message: `the dimension ${numberText(value.value, expr)} is too large: a dimension is at most ${MAX_TENSOR_VALUES_TEXT}`,
          help: TENSOR_LIMIT_HELP,
        }),
      );
      return undefined;
    }
    if (value.value > 0) return dimConst(value.value);
    ctx.report(diagnostic({ code: "E105", file: ctx.file, range: expr.range, message: `a dimension must be a positive integer, found ${value.value}` }));
    return undefined;
  }
  ctx.report(
    diagnostic({
      code: "E104",
      file: ctx.file,
      range: expr.range,
      message:
        value.kind === "number"
          ? `a dimension must be a whole number, but this is ${value.value}`
          : `a dimension must be a number, a dimension symbol such as \`T\` or arithmetic of them, but this is ${describeValue(value)}`,
      help: "write a positive integer, a symbol, or `+ - * /` of them (`/` rounds down): `[H / 2, W / 2, C * 2]`",
    }),
  );
  return undefined;
}
