/**
 * The names a model or block body can use at a position — its parameters, its dimension symbols, and
 * the inputs and bindings declared before the statement being written — each with what it holds, so
 * that completion offers a name only where its value can go: a tensor where a tensor goes, a number
 * where a number goes, a parameter typed `activation` where an activation goes.
 *
 * What a binding holds is read from the values the check recorded for it; a binding the check did
 * not reach (in a block no model calls, or after an error) is judged by the form of its expression.
 */
import type { BlockDecl, Expr, Identifier, ModelDecl, ShapeType } from "../../grammar/ast.js";
import { isTensorParam, SCALAR_TYPES } from "../checker/block-call.js";
import type { FileScope } from "../checker/program.js";
import { lookupLayer } from "../layers/registry.js";
import { BOOL, FLOAT, INT, STRING, TENSOR, type ValueType } from "../schema/types.js";
import type { Value } from "../schema/values.js";
import type { Analysis } from "./workspace.js";

/** What a name holds: a value of a type, a dimension symbol (an integer known symbolically), or unknown. */
export type Holds = ValueType | { readonly kind: "dim" } | { readonly kind: "unknown" };

const DIM: Holds = { kind: "dim" };
const UNKNOWN: Holds = { kind: "unknown" };

export interface ScopeName {
  readonly name: string;
  readonly kind: "param" | "dim" | "input" | "let";
  readonly holds: Holds;
}

/** The names `decl`'s body can use at `offset`, in declaration order. */
export function namesInScope(analysis: Analysis, decl: ModelDecl | BlockDecl, offset: number): ScopeName[] {
  const scope = analysis.result.program.scopes.get(analysis.path);
  const names: ScopeName[] = [];
  const env = new Map<string, Holds>();
  const declare = (id: Identifier, kind: ScopeName["kind"], holds: Holds): void => {
    if (!id.name) return;
    env.set(id.name, holds);
    names.push({ name: id.name, kind, holds });
  };
  // The first mention of a dimension symbol in a signature or an input's shape declares it.
  const dims = (shape: ShapeType): void => {
    for (const dim of shape.dims) if (dim.kind === "Name" && !env.has(dim.name.name)) declare(dim.name, "dim", DIM);
  };
  for (const param of decl.params) {
    if (param.type?.kind === "ShapeType") dims(param.type);
    const holds = isTensorParam(param) ? TENSOR : param.type?.kind === "ScalarType" ? (SCALAR_TYPES.get(param.type.name.name) ?? UNKNOWN) : UNKNOWN;
    declare(param.name, "param", holds);
  }
  if (decl.kind === "Block" && decl.result) dims(decl.result);
  for (const stmt of decl.body) {
    // A statement is in scope once it is complete: not the one being written, nor any after it.
    if (stmt.range.end.offset >= offset) break;
    if (stmt.kind === "Input") {
      if (stmt.type?.kind === "ShapeType") dims(stmt.type);
      declare(stmt.name, "input", TENSOR);
    } else if (stmt.kind === "Let") {
      const recorded = holdsOfValues(analysis.result.values.get(stmt.name));
      declare(stmt.name, "let", recorded.kind !== "unknown" ? recorded : holdsOfExpr(stmt.value, env, scope));
    }
  }
  return names;
}

/** What the recorded values of a name say it holds (the first that is known). */
function holdsOfValues(values: readonly Value[] | undefined): Holds {
  for (const value of values ?? []) {
    switch (value.kind) {
      case "tensor":
        return TENSOR;
      case "number":
        return value.integer ? INT : FLOAT;
      case "dim":
        return DIM;
      case "bool":
        return BOOL;
      case "string":
        return STRING;
      default:
        break;
    }
  }
  return UNKNOWN;
}

/**
 * What an expression holds, judged by its form: pipes and layer or block calls give tensors, arithmetic
 * on tensors merges them, arithmetic on numbers gives a number (a dimension if a symbol is involved).
 * Iterative: a sum of thousands of terms nests thousands deep.
 */
function holdsOfExpr(root: Expr, env: ReadonlyMap<string, Holds>, scope: FileScope | undefined): Holds {
  const leaves: Holds[] = [];
  let arithmetic = false;
  let divides = false;
  const stack: Expr[] = [root];
  while (stack.length > 0) {
    const expr = stack.pop()!;
    switch (expr.kind) {
      case "Paren":
        stack.push(expr.inner);
        break;
      case "Unary":
        stack.push(expr.operand);
        break;
      case "Binary":
        arithmetic = true;
        if (expr.op === "/") divides = true;
        stack.push(expr.left, expr.right);
        break;
      default:
        leaves.push(holdsOfLeaf(expr, env, scope));
    }
  }
  if (!arithmetic) return leaves[0] ?? UNKNOWN;
  if (leaves.some((h) => h.kind === "tensor")) return TENSOR;
  if (!leaves.every((h) => h.kind === "int" || h.kind === "float" || h.kind === "dim")) return UNKNOWN;
  if (leaves.some((h) => h.kind === "dim")) return DIM;
  return divides || leaves.some((h) => h.kind === "float") ? FLOAT : INT;
}

function holdsOfLeaf(expr: Expr, env: ReadonlyMap<string, Holds>, scope: FileScope | undefined): Holds {
  switch (expr.kind) {
    case "Number":
      return expr.isInteger ? INT : FLOAT;
    case "String":
      return STRING;
    case "Bool":
      return BOOL;
    case "Name":
      return env.get(expr.name.name) ?? UNKNOWN;
    case "Pipe":
      return TENSOR;
    case "Call":
      return lookupLayer(expr.callee.name) || scope?.blocks.has(expr.callee.name) ? TENSOR : UNKNOWN;
    default:
      return UNKNOWN;
  }
}

/** Whether a name holding `holds` may be written where a value of type `expected` goes. */
export function fits(expected: ValueType, holds: Holds): boolean {
  switch (expected.kind) {
    case "tensor":
      return holds.kind === "tensor";
    case "int":
      return holds.kind === "int" || (holds.kind === "dim" && expected.symbolic === true);
    case "float":
      return holds.kind === "int" || holds.kind === "float";
    case "bool":
      return holds.kind === "bool";
    case "string":
    case "path":
      return holds.kind === "string";
    case "enum":
    case "ctor":
      return (holds.kind === "enum" || holds.kind === "ctor") && holds.kind === expected.kind && holds.what === expected.what;
    case "union":
      return expected.of.some((t) => fits(t, holds));
    case "list":
      // One item where a list goes stands for a list of it (`metrics: accuracy`).
      return fits(expected.of, holds);
    case "layer":
      return false;
  }
}
