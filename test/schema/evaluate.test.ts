import { describe, expect, it } from "vitest";
import type { BinaryExpr, Expr, TrainDecl } from "../../grammar/ast.js";
import { parse } from "../../grammar/parse.js";
import type { Diagnostic } from "../../compiler/diagnostics/diagnostic.js";
import { arithmetic, type Integers } from "../../compiler/schema/arithmetic.js";
import { evaluateExpression, type ExpressionContext } from "../../compiler/schema/evaluate.js";
import { literalBindContext } from "../../compiler/schema/literal-context.js";
import type { ValueType } from "../../compiler/schema/types.js";
import { num, UNKNOWN, type Value } from "../../compiler/schema/values.js";
import { dimSymbol } from "../../compiler/shapes/dim.js";

/** The expression written as the value of a training entry. */
function expression(text: string): Expr {
  const { file, diagnostics } = parse(`train M {\n  v: ${text}\n}`, "e.nn");
  expect(diagnostics).toEqual([]);
  return (file.decls[0] as TrainDecl).entries[0].value;
}

/** A context whose names are their length, whose calls are unknown, and that logs what it is asked. */
function testContext() {
  const diagnostics: Diagnostic[] = [];
  const evaluated: Expr[] = [];
  const recorded: Expr[] = [];
  const expectedOfNames: (string | undefined)[] = [];
  const ctx: ExpressionContext<string | undefined> = {
    file: "e.nn",
    report: (d) => diagnostics.push(d),
    evaluate(expr, expected) {
      evaluated.push(expr);
      return evaluateExpression(expr, expected, ctx);
    },
    itemType: (expected) => (expected ? `item of ${expected}` : undefined),
    operandType: (expected) => (expected ? `operand of ${expected}` : undefined),
    name(ref, expected) {
      expectedOfNames.push(expected);
      return { kind: "number", value: ref.name.name.length, integer: true };
    },
    call: () => UNKNOWN,
    pipe: () => UNKNOWN,
    hole: () => UNKNOWN,
    recordChainValue: (node) => recorded.push(node),
  };
  const run = (text: string, expected?: string): Value => evaluateExpression(expression(text), expected, ctx);
  return { run, ctx, diagnostics, evaluated, recorded, expectedOfNames };
}

describe("the shared expression evaluator", () => {
  it("evaluates literals, parentheses and lists", () => {
    const { run } = testContext();
    expect(run("3")).toEqual({ kind: "number", value: 3, integer: true });
    expect(run("2.5")).toEqual({ kind: "number", value: 2.5, integer: false });
    expect(run('"a"')).toEqual({ kind: "string", value: "a" });
    expect(run("true")).toEqual({ kind: "bool", value: true });
    expect(run("((4))")).toEqual({ kind: "number", value: 4, integer: true });
    expect(run("[1, false]")).toEqual({
      kind: "list",
      items: [
        { kind: "number", value: 1, integer: true },
        { kind: "bool", value: false },
      ],
    });
  });

  it("reports a number beyond the float range as E105 at the literal", () => {
    const { run, diagnostics } = testContext();
    expect(run("1e999")).toEqual(UNKNOWN);
    // Columns count from 1: the literal starts after `  v: `.
    expect(diagnostics.map((d) => [d.code, d.range.start.column, d.range.end.column])).toEqual([["E105", 6, 11]]);
  });

  it("does arithmetic with the usual precedence, names evaluated by the context", () => {
    const { run } = testContext();
    expect(run("1 + 2 * 3")).toMatchObject({ value: 7, integer: true });
    expect(run("0.03 / 128")).toMatchObject({ value: 0.03 / 128, integer: false });
    expect(run("- - 3")).toMatchObject({ value: 3 });
    expect(run("abc * 2 - 1")).toMatchObject({ value: 5 });
  });

  it("reports a division by zero as E105 on the operation", () => {
    const { run, diagnostics } = testContext();
    expect(run("1 + 4 / 0")).toEqual(UNKNOWN);
    expect(diagnostics.map((d) => [d.code, d.message])).toEqual([["E105", "division by zero"]]);
  });

  it("passes the context's expected types down to list items and operands", () => {
    const { run, expectedOfNames } = testContext();
    run("[a, b]", "list");
    run("a - -b", "whole");
    expect(expectedOfNames).toEqual(["item of list", "item of list", "operand of whole", "operand of operand of whole"]);
  });

  it("tells `binary` what the whole is expected to be, and an inner operation what an operand is", () => {
    const { ctx } = testContext();
    const seen: (string | undefined)[] = [];
    const binary = { ...ctx, binary: (node: BinaryExpr, left: Value, right: Value, expected: string | undefined) => (seen.push(expected), arithmetic(node.op, left, right, node, ctx)) };
    evaluateExpression(expression("a / 2 + 1"), "whole", binary);
    expect(seen).toEqual(["operand of whole", "whole"]);
  });

  it("divides integers as numbers in arguments, and rounding down as dimensions", () => {
    const { ctx, diagnostics } = testContext();
    const apply = (op: "+" | "-" | "*" | "/", a: number, b: number, integers?: Integers) =>
      arithmetic(op, num(a), num(b), expression("1"), ctx, integers);
    expect(apply("/", 100, 2)).toEqual({ kind: "number", value: 50, integer: true });
    expect(apply("/", 9, 2)).toEqual({ kind: "number", value: 4.5, integer: false });
    expect(apply("/", 9, 2, "dimensions")).toEqual({ kind: "number", value: 4, integer: true });
    expect(apply("-", 9, 2, "dimensions")).toEqual({ kind: "number", value: 7, integer: true });
    expect(diagnostics).toEqual([]);
    // A fraction has no place in a dimension, whether the symbol beside it is bound or not.
    expect(apply("*", 9, 0.5, "dimensions")).toEqual(UNKNOWN);
    expect(arithmetic("*", { kind: "dim", dim: dimSymbol("C") }, num(0.5), expression("1"), ctx)).toEqual(UNKNOWN);
    expect(diagnostics.map((d) => [d.code, d.message])).toEqual([
      ["E104", "a dimension takes part only in integer arithmetic, and 0.5 is not an integer"],
      ["E104", "a dimension takes part only in integer arithmetic, and 0.5 is not an integer"],
    ]);
  });

  it("evaluates chains thousands long by iteration: the context sees only their leaves", () => {
    const terms = testContext();
    expect(terms.run(Array(3000).fill("1").join(" + "))).toMatchObject({ value: 3000 });
    expect(terms.evaluated).toHaveLength(3000);
    // Every inner node of the chain is recorded; the outermost is the caller's to record.
    expect(terms.recorded).toHaveLength(2998);

    const minus = testContext();
    expect(minus.run(`${"- ".repeat(5001)}1`)).toMatchObject({ value: -1 });
    expect(minus.evaluated).toHaveLength(1);
    expect(minus.recorded).toHaveLength(5000);
  });
});

describe("the literal context (training entries, model arguments)", () => {
  const NAMES: ValueType = { kind: "enum", what: "vote", values: ["mean", "majority"] };
  const FLOAT: ValueType = { kind: "float" };
  const evaluate = (text: string, type: ValueType) => {
    const diagnostics: Diagnostic[] = [];
    const value = literalBindContext("e.nn", (d) => diagnostics.push(d)).evaluate(expression(text), type);
    return { value, diagnostics: diagnostics.map((d) => `${d.code}: ${d.message}`) };
  };

  it("reads a bare name as an enum value where the type takes names, and E100 elsewhere", () => {
    expect(evaluate("mean", NAMES)).toEqual({ value: { kind: "enum", name: "mean" }, diagnostics: [] });
    expect(evaluate("mean", FLOAT)).toEqual({ value: UNKNOWN, diagnostics: ["E100: unknown name `mean`"] });
  });

  it("reports a call or a pipeline where a plain value goes as E104", () => {
    expect(evaluate("f(1)", FLOAT).diagnostics).toEqual(["E104: expected a number, found a call of `f`"]);
    expect(evaluate("x -> relu", FLOAT).diagnostics).toEqual(["E104: expected a number, found a pipeline"]);
  });

  it("computes arithmetic on literals", () => {
    expect(evaluate("0.03 / 128", FLOAT).value).toMatchObject({ value: 0.03 / 128 });
    expect(evaluate(`${"- ".repeat(4000)}2`, FLOAT).value).toMatchObject({ value: 2 });
  });
});
