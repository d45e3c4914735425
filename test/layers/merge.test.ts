import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dimEquals, parseDim } from "../../compiler/shapes/dim.js";
import { expectProblem, expectShape, layerDef, paramsOf, run, shape } from "./harness.js";

const ELEMENTWISE = ["add", "multiply", "average", "maximum"] as const;

describe("add, multiply, average, maximum", () => {
  it("keep equal shapes, with no parameters, for two or more inputs", () => {
    for (const name of ELEMENTWISE) {
      expect(paramsOf(expectShape(name, [shape(28, 28, 16), shape(28, 28, 16)], {}, "[28, 28, 16]"))).toBe(0);
      expectShape(name, [shape("T", 8), shape("T", 8), shape("T", 8)], {}, "[T, 8]");
      expect(layerDef(name).arity).toBe("many");
      expect(layerDef(name).signature.params).toEqual([]);
    }
  });

  it("E202 names both shapes and the differing dimension, on the second input", () => {
    const problem = expectProblem("add", [shape(28, 28, 16), shape(28, 28, 32)], {}, "E202");
    expect(problem.message).toBe("cannot add [28, 28, 16] and [28, 28, 32]: shapes differ in the last dimension");
    expect(problem.inputIndex).toBe(1);
    expect(problem.help).toMatch(/16 and 32/);
    expect(expectProblem("maximum", [shape(4, 4, 2), shape(4, 4, 2), shape(3, 4, 2)], {}, "E202").inputIndex).toBe(2);
    expect(expectProblem("multiply", [shape(4), shape(4, 1)], {}, "E202").message).toBe("cannot multiply [4] and [4, 1]: ranks differ (1 and 2)");
    expect(expectProblem("average", [shape(4, 5, 2), shape(3, 6, 2)], {}, "E202").message).toBe(
      "cannot average [4, 5, 2] and [3, 6, 2]: shapes differ in dimensions 0 and 1",
    );
  });

  it("E202 for two different symbols: the shapes are not known to be equal", () => {
    expectProblem("add", [shape("T", 8), shape("S", 8)], {}, "E202");
  });

  it("accept exactly the lists of equal shapes", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ELEMENTWISE),
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }),
        fc.array(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }),
        (name, first, others) => {
          const result = run(name, [shape(...first), ...others.map((o) => shape(...o))], {});
          const equal = others.every((o) => o.length === first.length && o.every((d, i) => d === first[i]));
          expect(result.problems.map((p) => p.code)).toEqual(equal ? [] : ["E202"]);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("concat", () => {
  it("joins on the last axis by default", () => {
    expectShape("concat", [shape(1568), shape(16)], {}, "[1584]");
    expectShape("concat", [shape("T", 8), shape("T", 4)], {}, "[T, 12]");
  });

  it("counts axes per example, negative from the end", () => {
    expectShape("concat", [shape(3, 4), shape(5, 4)], { axis: 0 }, "[8, 4]");
    expectShape("concat", [shape(3, 4), shape(5, 4)], { axis: -2 }, "[8, 4]");
    const result = run("concat", [shape("T", 4), shape("S", 4)], { axis: 0 });
    expect(dimEquals(result.output![0], parseDim("S + T"))).toBe(true);
  });

  it("E202 when another axis differs, suggesting the axis that would work", () => {
    const problem = expectProblem("concat", [shape(3, 4), shape(5, 4)], {}, "E202");
    expect(problem.message).toBe("cannot concatenate [3, 4] and [5, 4] on axis -1: shapes differ in the first dimension");
    expect(problem.help).toBe("they differ only in dimension 0: did you mean `axis: 0`?");
    expect(expectProblem("concat", [shape(3, 4), shape(3, 4, 1)], {}, "E202").message).toMatch(/ranks differ/);
  });

  it("E105 for an axis out of range, on the argument", () => {
    const problem = expectProblem("concat", [shape(3, 4), shape(3, 4)], { axis: 2 }, "E105");
    expect(problem.argument).toBe("axis");
    expect(problem.message).toBe("concat axis 2 is out of range for [3, 4]: expected 0 to 1, or -2 to -1");
    expectProblem("concat", [shape(3, 4), shape(3, 4)], { axis: -3 }, "E105");
  });

  it("sums the sizes on any axis", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 4 }), fc.nat(), fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 3 }), fc.boolean(), (dims, pick, sizes, negative) => {
        const axis = pick % dims.length;
        const inputs = [dims, ...sizes.map((s) => dims.map((d, i) => (i === axis ? s : d)))];
        const expected = dims.map((d, i) => (i === axis ? inputs.reduce((sum, x) => sum + x[i], 0) : d));
        expectShape("concat", inputs.map((x) => shape(...x)), { axis: negative ? axis - dims.length : axis }, `[${expected.join(", ")}]`);
      }),
      { numRuns: 200 },
    );
  });
});
