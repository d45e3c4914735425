/**
 * How hover, completion and signature help write the language's things: signatures with their
 * defaults, parameter types, shapes and parameter counts. One place, so the three agree.
 */
import type { BlockDecl, ModelDecl, Param } from "../../grammar/ast.js";
import { printExpr } from "../format/expressions.js";
import type { Dim } from "../shapes/dim.js";
import { constValue, dimToString } from "../shapes/dim.js";
import { shapeToString } from "../shapes/shape.js";
import type { ParamSpec, Signature, ValueType } from "../schema/types.js";
import { valueToString, type Value } from "../schema/values.js";

/** `units`, `activation = linear`, `l1?` (optional without a default). */
export function paramLabel(param: ParamSpec): string {
  if (param.default !== undefined) return `${param.name} = ${valueToString(param.default)}`;
  return param.required ? param.name : `${param.name}?`;
}

/** `dense(units, activation = linear, …)` */
export function signatureLabel(signature: Signature): string {
  return `${signature.name}(${signature.params.map(paramLabel).join(", ")})`;
}

/** A type as a user would name it: `int`, `activation`, `list of metric`, `tensor`. */
export function typeLabel(type: ValueType): string {
  switch (type.kind) {
    case "enum":
    case "ctor":
    case "union":
      return type.what;
    case "list":
      return `list of ${typeLabel(type.of)}`;
    case "layer":
      return type.what === "recurrent" ? "recurrent layer" : "layer";
    case "path":
      return "string (path)";
    default:
      return type.kind;
  }
}

/** One line per parameter: name, type, default and what it does. */
export function paramLines(signature: Signature): string[] {
  return signature.params.map((p) => `- \`${paramLabel(p)}\`: ${typeLabel(p.type)}${p.doc ? ` — ${p.doc}` : ""}`);
}

/** The distinct tensor shapes among some values, as written (`[24, 24, 20]`); a block called twice may give two. */
export function shapesOf(values: readonly Value[] | undefined): string[] {
  const shapes = new Set<string>();
  for (const v of values ?? []) if (v.kind === "tensor") shapes.add(`${v.dtype === "int32" ? "int32" : ""}${shapeToString(v.shape)}`);
  return [...shapes];
}

/** The distinct non-tensor values (numbers, dimensions, names) among some values. */
export function scalarsOf(values: readonly Value[] | undefined): string[] {
  const scalars = new Set<string>();
  for (const v of values ?? []) if (v.kind !== "tensor" && v.kind !== "unknown") scalars.add(valueToString(v));
  return [...scalars];
}

/** A parameter count: `78,500`, or the symbolic form (`100·T + 10`). */
export function countLabel(count: Dim | undefined): string {
  if (!count) return "?";
  const n = constValue(count);
  return n === undefined ? dimToString(count) : n.toLocaleString("en-US");
}

/** `block ConvPool(x, filters: int, kernel: int = 5) -> [H, W, C]` as declared. */
export function declarationLabel(decl: BlockDecl | ModelDecl): string {
  const params = decl.params.map(paramSource).join(", ");
  const result = decl.kind === "Block" && decl.result ? ` -> ${printExpr({ kind: "List", items: decl.result.dims, range: decl.result.range })}` : "";
  return `${decl.kind === "Block" ? "block" : "model"} ${decl.name.name}${params || decl.kind === "Block" ? `(${params})` : ""}${result}`;
}

function paramSource(param: Param): string {
  let text = param.name.name;
  if (param.type?.kind === "ScalarType") text += `: ${param.type.name.name}`;
  else if (param.type) text += `: ${param.type.dtype?.name ?? ""}${printExpr({ kind: "List", items: param.type.dims, range: param.type.range })}`;
  if (param.default) text += ` = ${printExpr(param.default)}`;
  return text;
}
