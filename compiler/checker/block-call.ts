/**
 * Binding a block call: the piped value goes to the first tensor parameter, the other arguments bind
 * like a layer's, and every tensor argument is unified with its declared shape, which binds the
 * block's dimension symbols for this call (E204 when a shape does not fit, E205 when one symbol would
 * need two values).
 */
import type { BlockDecl, CallExpr, Param } from "../../grammar/ast.js";
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic.js";
import { ACTIVATION } from "../layers/common.js";
import { bindArgs, checkValue, type BindContext } from "../schema/bind.js";
import { INITIALIZER } from "../schema/initializers.js";
import { BOOL, FLOAT, STRING, TENSOR, type ParamSpec, type Signature, type ValueType } from "../schema/types.js";
import { UNKNOWN, type TensorValue, type Value } from "../schema/values.js";
import { dimToString } from "../shapes/dim.js";
import { shapeToString } from "../shapes/shape.js";
import type { Binding, Frame } from "./frame.js";
import { evaluateShape, type ShapeContext } from "./shape-decl.js";

/** The scalar types a parameter may declare. */
export const SCALAR_TYPES: ReadonlyMap<string, ValueType> = new Map<string, ValueType>([
  ["int", { kind: "int", symbolic: true }],
  ["float", FLOAT],
  ["bool", BOOL],
  ["string", STRING],
  ["activation", ACTIVATION],
  ["init", INITIALIZER],
]);

/** Whether a parameter receives a tensor: no type at all, or a shape. */
export function isTensorParam(param: Param): boolean {
  return !param.type || param.type.kind === "ShapeType";
}

/**
 * The signature of a block's or model's parameter list. Defaults are not evaluated here; unknown
 * scalar types are reported through `ctx` (once per declaration, by the caller's deduplication).
 */
export function paramSignature(params: readonly Param[], ctx: Pick<BindContext, "file" | "report">, name = ""): Signature {
  const specs: ParamSpec[] = [];
  for (const param of params) {
    if (!param.name.name) continue;
    let type: ValueType = TENSOR;
    if (param.type?.kind === "ScalarType") {
      const known = SCALAR_TYPES.get(param.type.name.name);
      if (!known) {
        if (param.type.name.name) {
          ctx.report(
            diagnostic({
              code: "E100",
              file: ctx.file,
              range: param.type.name.range,
              message: `unknown type \`${param.type.name.name}\``,
              help: "parameter types are `int`, `float`, `bool`, `string`, `activation`, `init`, or a shape such as `[H, W, C]`",
            }),
          );
        }
        type = { kind: "float" };
      } else type = known;
    }
    specs.push({ name: param.name.name, type, required: !param.default });
  }
  return { name, params: specs, doc: "" };
}

export interface BlockCallContext {
  /** Evaluates arguments where the call is written. */
  readonly caller: BindContext;
  /** Evaluates defaults where the block is declared. */
  readonly callee: BindContext;
  readonly shapes: ShapeContext;
  /** The block body's frame; dimension symbols are bound into its environment. */
  readonly inner: Frame;
  describeInput(tensor: TensorValue): string;
  report(d: Diagnostic): void;
}

/**
 * A block's signature with its defaults evaluated where the block is declared (`callee`). Calls and
 * the check of the declaration alone both take it from here, so they report the same faults in it.
 */
export function blockSignature(decl: BlockDecl, callee: BindContext): Signature {
  const base = paramSignature(decl.params, callee, decl.name.name);
  return {
    ...base,
    params: base.params.map((spec) => {
      const param = decl.params.find((p) => p.name.name === spec.name)!;
      return param.default ? { ...spec, default: checkValue(callee.evaluate(param.default, spec.type), spec.type, param.default, callee) } : spec;
    }),
  };
}

/**
 * Whether two parameters of a block share a name. The declaration's check reports it (E101); a call
 * could not tell which one an argument is for, so calls of such a block are not bound at all.
 */
export function repeatsAParameter(decl: BlockDecl): boolean {
  const names = decl.params.map((p) => p.name.name).filter((n) => n !== "");
  return new Set(names).size !== names.length;
}

/** Binds a call's arguments; returns the parameter bindings, or undefined after an error. */
export function bindBlockCall(decl: BlockDecl, call: CallExpr, piped: Value | undefined, ctx: BlockCallContext): Map<string, Binding> | undefined {
  const name = decl.name.name;
  const signature = blockSignature(decl, ctx.callee);
  const given = new Map<string, { value: Value }>();
  const tensorParams = decl.params.filter(isTensorParam);
  if (piped) {
    const first = tensorParams[0];
    if (!first) {
      ctx.report(
        diagnostic({
          code: "E104",
          file: ctx.caller.file,
          range: call.range,
          message: `block \`${name}\` takes no tensor, so nothing can be piped into it`,
          help: `give \`${name}\` a tensor parameter first: \`block ${name}(x, …)\``,
        }),
      );
      return undefined;
    }
    given.set(first.name.name, { value: piped });
  }
  const bound = bindArgs(signature, call.args, call.range, ctx.caller, given);
  if (piped?.kind === "unknown") return undefined;

  let ok = true;
  for (const param of tensorParams) {
    const value = bound.get(param.name.name)?.value;
    if (!value || value.kind === "unknown") {
      ok = false;
      continue;
    }
    if (value.kind !== "tensor") {
      ctx.report(diagnostic({ code: "E104", file: ctx.caller.file, range: bound.get(param.name.name)?.node?.range ?? call.range, message: `\`${param.name.name}\` of \`${name}\` is a tensor parameter` }));
      ok = false;
      continue;
    }
    if (param.type?.kind !== "ShapeType") continue;
    const declared = evaluateShape(param.type, ctx.inner, ctx.shapes, "match");
    if (!declared) {
      ok = false;
      continue;
    }
    const result = declared.unify(value.shape);
    if (result.ok) continue;
    ok = false;
    const argNode = bound.get(param.name.name)?.node;
    const range = argNode?.range ?? call.range;
    const actual = shapeToString(value.shape);
    const declaredLabel = { file: ctx.callee.file, range: param.type.range, message: `\`${param.name.name}\` declared here` };
    if (result.reason === "symbol") {
      ctx.report(
        diagnostic({
          code: "E205",
          file: ctx.caller.file,
          range,
          message: `\`${result.name}\` would be both ${dimToString(result.bound)} and ${shapeToString([value.shape[result.index]]).slice(1, -1)} in this call of \`${name}\``,
          label: ctx.describeInput(value),
          labels: [declaredLabel],
          help: `every use of \`${result.name}\` in the signature of \`${name}\` must get the same size`,
        }),
      );
      continue;
    }
    ctx.report(
      diagnostic({
        code: "E204",
        file: ctx.caller.file,
        range,
        message:
          result.reason === "rank"
            ? `\`${name}\` expects \`${param.name.name}\` of shape ${declared.text} (rank ${param.type.dims.length}), but gets ${actual} (rank ${value.shape.length})`
            : `\`${name}\` expects \`${param.name.name}\` of shape ${declared.text}, but gets ${actual}: dimension ${result.index} must be ${dimToString(result.expected)}`,
        label: ctx.describeInput(value),
        labels: [declaredLabel],
      }),
    );
  }
  if (!ok) return undefined;

  const bindings = new Map<string, Binding>();
  for (const param of decl.params) {
    if (!param.name.name) continue;
    // A scalar the call does not give (reported as E103, or as the misspelt argument the user
    // meant) is still a name of the body: unknown, so nothing more is said about it there.
    const value = bound.get(param.name.name)?.value ?? UNKNOWN;
    bindings.set(param.name.name, { kind: "param", value, declaredAt: param.name.range, used: true });
  }
  return bindings;
}
