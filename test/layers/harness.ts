/**
 * A small harness for layer tests: arguments as a plain object (`{ units: 10, activation: "relu" }`),
 * defaults filled from the layer's signature, shapes as lists of numbers and symbol names, and one
 * call that runs `infer` and `countParams` with a collecting `report`.
 */
import { expect } from "vitest";
import type { Range } from "../../grammar/ast.js";
import type { LayerDef, ShapeProblem } from "../../compiler/layers/layer.js";
import { lookupLayer } from "../../compiler/layers/registry.js";
import { constValue, dimConst, dimSymbol, type Dim } from "../../compiler/shapes/dim.js";
import { shapeToString, type Shape } from "../../compiler/shapes/shape.js";
import type { BoundArg, BoundArgs, DType, TensorValue, Value } from "../../compiler/schema/values.js";

/** A dimension symbol made by `sym("T")`, or a Dim built with the dimension algebra. */
export interface DimArg {
  readonly dim: Dim;
}

/** What an argument may be written as: numbers, enum names, booleans, lists, dims and layer values. */
export type Given = number | string | boolean | DimArg | LayerValue | readonly Given[];

export interface LayerValue {
  readonly layerValue: Value;
}

/** A dimension argument: `{ units: dim(sym("T")) }`. */
export function dim(d: Dim): DimArg {
  return { dim: d };
}

export const sym = (name: string): Dim => dimSymbol(name);

/** A shape from numbers and symbol names: `shape("T", 8)`. */
export function shape(...dims: (number | string | Dim)[]): Shape {
  return dims.map((d) => (typeof d === "number" ? dimConst(d) : typeof d === "string" ? dimSymbol(d) : d));
}

const RANGE: Range = { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } };

function toValue(given: Given): Value {
  if (typeof given === "number") return { kind: "number", value: given, integer: Number.isInteger(given) };
  if (typeof given === "string") return { kind: "enum", name: given };
  if (typeof given === "boolean") return { kind: "bool", value: given };
  if (Array.isArray(given)) return { kind: "list", items: given.map(toValue) };
  if ("layerValue" in (given as object)) return (given as LayerValue).layerValue;
  return { kind: "dim", dim: (given as DimArg).dim };
}

/** The bound arguments of `def` for `given`, defaults filled in (like the binder does). */
export function bindArgs(def: LayerDef, given: Readonly<Record<string, Given>> = {}): BoundArgs {
  const bound = new Map<string, BoundArg>();
  for (const [name, value] of Object.entries(given)) {
    if (!def.signature.params.some((p) => p.name === name)) throw new Error(`${def.name} has no parameter ${name}`);
    bound.set(name, { value: toValue(value) });
  }
  for (const param of def.signature.params) {
    if (!bound.has(param.name) && param.default !== undefined) bound.set(param.name, { value: param.default });
  }
  return bound;
}

/** A layer given as a value: the argument of `bidirectional(lstm(32))`. */
export function layer(name: string, given: Readonly<Record<string, Given>> = {}): LayerValue {
  const def = layerDef(name);
  return { layerValue: { kind: "layer", layer: name, args: bindArgs(def, given), range: RANGE } };
}

export function layerDef(name: string): LayerDef {
  const def = lookupLayer(name);
  if (!def) throw new Error(`no layer ${name}`);
  return def;
}

export function tensor(s: Shape, dtype: DType = "float32", index = 0): TensorValue {
  return { kind: "tensor", shape: s, dtype, source: { kind: "input", name: `x${index}`, file: "test.nn", range: RANGE } };
}

export interface Run {
  readonly output?: Shape;
  readonly problems: readonly ShapeProblem[];
  /** The parameter count, when the output was inferred. */
  readonly params?: Dim;
  readonly args: BoundArgs;
}

/** Runs `infer` (and `countParams` when it succeeds) of the layer `name` on `inputs`. */
export function run(name: string, inputs: Shape | readonly Shape[], given: Readonly<Record<string, Given>> = {}, dtype: DType = "float32"): Run {
  const def = layerDef(name);
  const shapes: readonly Shape[] = isShapeList(inputs) ? inputs : [inputs];
  const args = bindArgs(def, given);
  const problems: ShapeProblem[] = [];
  const output = def.infer({ inputs: shapes.map((s, i) => tensor(s, dtype, i)), args, report: (p) => problems.push(p) });
  const params = output && problems.every((p) => p.severity === "warning") ? def.countParams(shapes, args, output) : undefined;
  return { output, problems, params, args };
}

function isShapeList(inputs: Shape | readonly Shape[]): inputs is readonly Shape[] {
  return inputs.length > 0 && Array.isArray(inputs[0]);
}

/** Asserts that the layer infers `expected` (as text, `[T - 2, 8]`) with no problem, and returns the run. */
export function expectShape(name: string, inputs: Shape | readonly Shape[], given: Readonly<Record<string, Given>>, expected: string): Run {
  const result = run(name, inputs, given);
  expect(result.problems.map((p) => `${p.code}: ${p.message}`)).toEqual([]);
  expect(result.output && shapeToString(result.output)).toBe(expected);
  return result;
}

/** Asserts that the layer reports exactly one problem with `code`, infers nothing, and returns the problem. */
export function expectProblem(name: string, inputs: Shape | readonly Shape[], given: Readonly<Record<string, Given>>, code: string): ShapeProblem {
  const result = run(name, inputs, given);
  expect(result.problems.map((p) => p.code)).toEqual([code]);
  expect(result.output).toBeUndefined();
  const [problem] = result.problems;
  expect(problem.message.length).toBeGreaterThan(0);
  return problem;
}

/** The parameter count of a run as a number (the test fails when it is symbolic). */
export function paramsOf(result: Run): number {
  expect(result.params).toBeDefined();
  const n = constValue(result.params!);
  expect(n).toBeDefined();
  return n!;
}
