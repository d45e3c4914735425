import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dimConst, dimSymbol, mul } from "../../compiler/shapes/dim.js";
import { shapeToString } from "../../compiler/shapes/shape.js";
import { dim, expectProblem, expectShape, layerDef, paramsOf, run, shape, sym } from "./harness.js";

describe("flatten", () => {
  it("multiplies the sizes, with no parameters", () => {
    expect(paramsOf(expectShape("flatten", shape(12, 12, 20), {}, "[2880]"))).toBe(0);
    expectShape("flatten", shape(10), {}, "[10]");
  });

  it("E203 for a symbolic dimension, suggesting a recurrent layer or global pooling", () => {
    const problem = expectProblem("flatten", shape("T", 8), {}, "E203");
    expect(problem.message).toBe("flatten needs every dimension known, but T in [T, 8] is symbolic");
    expect(problem.help).toMatch(/recurrent layer/);
    expect(problem.help).toMatch(/global/);
  });

  it("gives the product of any constant shape", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 4 }), (dims) => {
        expectShape("flatten", shape(...dims), {}, `[${dims.reduce((a, b) => a * b, 1)}]`);
      }),
      { numRuns: 200 },
    );
  });
});

describe("reshape", () => {
  it("keeps the number of values", () => {
    expectShape("reshape", shape(784), { shape: [28, 28, 1] }, "[28, 28, 1]");
    expectShape("reshape", shape(28, 28, 1), { shape: [-1] }, "[784]");
    expectShape("reshape", shape(2880), { shape: [12, -1, 20] }, "[12, 12, 20]");
  });

  it("works out -1 from symbolic sizes", () => {
    expectShape("reshape", shape("T", 4, 2), { shape: [dim(sym("T")), -1] }, "[T, 8]");
    expectShape("reshape", shape("T", 8), { shape: [-1, 4] }, "[2 * T, 4]");
    expectShape("reshape", shape("T", 8), { shape: [dim(sym("T")), 2, 4] }, "[T, 2, 4]");
  });

  it("E203 for a new shape with two symbolic sizes (TensorFlow.js works out only one); the one symbolic size is generated as -1", () => {
    const problem = expectProblem("reshape", shape("T", "U", 3), { shape: [dim(sym("T")), -1] }, "E203");
    expect(problem.message).toContain("2 sizes symbolic");
    const one = expectShape("reshape", shape("T", 3, 3, 1), { shape: [-1] }, "[9 * T]");
    const code = layerDef("reshape").tfjs({ args: one.args, inputs: [shape("T", 3, 3, 1)], output: one.output, name: undefined, owner: undefined });
    expect(code.construct).toContain("targetShape: [-1]");
  });

  it("E203 when the sizes disagree", () => {
    const problem = expectProblem("reshape", shape(2880), { shape: [10, 10, 3] }, "E203");
    expect(problem.message).toBe("reshape cannot turn [2880] (2880 values) into [10, 10, 3] (300 values)");
    expect(expectProblem("reshape", shape(2880), { shape: [7, -1] }, "E203").message).toBe(
      "reshape cannot turn [2880] (2880 values) into [7, -1]: 2880 is not a multiple of 7",
    );
  });

  it("E203 for a -1 it cannot work out from symbolic sizes", () => {
    expect(expectProblem("reshape", shape("T", 3), { shape: [-1, 2] }, "E203").message).toMatch(/cannot work out the -1 in \[-1, 2\]/);
    expectProblem("reshape", shape("T", 8), { shape: [dim(sym("S")), -1] }, "E203");
  });

  it("E203 for two -1 and E105 for a size of 0, on the argument", () => {
    expect(expectProblem("reshape", shape(16), { shape: [-1, -1] }, "E203").argument).toBe("shape");
    expect(expectProblem("reshape", shape(16), { shape: [0, 16] }, "E105").argument).toBe("shape");
  });

  it("works out any one -1 of a factorization", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 4 }), fc.nat(), fc.boolean(), (dims, pick, symbolic) => {
        const hole = pick % dims.length;
        const target = dims.map((d, i) => (i === hole ? -1 : d));
        const total = dims.reduce((a, b) => a * b, 1);
        const input = symbolic ? [mul(dimConst(total), dimSymbol("T"))] : [dimConst(total)];
        const expected = dims.map((d, i) => (i === hole ? (symbolic ? (d === 1 ? "T" : `${d} * T`) : String(d)) : String(d)));
        expectShape("reshape", input, { shape: target }, `[${expected.join(", ")}]`);
      }),
      { numRuns: 200 },
    );
  });
});

describe("repeat", () => {
  it("turns a vector into n equal steps", () => {
    expect(paramsOf(expectShape("repeat", shape(128), { n: 10 }, "[10, 128]"))).toBe(0);
    expectShape("repeat", shape(16), { n: dim(sym("S")) }, "[S, 16]");
  });

  it("E200 for anything but a vector", () => {
    const problem = expectProblem("repeat", shape("T", 8), { n: 3 }, "E200");
    expect(problem.message).toBe("repeat needs an input of shape [features], found [T, 8]");
    expect(problem.help).toMatch(/return_sequences/);
    expect(run("repeat", shape(4, 4, 4), { n: 3 }).problems[0].help).toMatch(/flatten/);
    expect(shapeToString(run("repeat", shape(4), { n: 3 }).output!)).toBe("[3, 4]");
  });
});
