import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { shapeToString } from "../../compiler/shapes/shape.js";
import { dim, expectProblem, expectShape, paramsOf, run, shape, sym } from "./harness.js";

describe("maxpool, avgpool, l2pool", () => {
  it("halve height and width by default, with no parameters", () => {
    for (const name of ["maxpool", "avgpool", "l2pool"]) {
      const result = expectShape(name, shape(24, 24, 20), {}, "[12, 12, 20]");
      expect(paramsOf(result)).toBe(0);
    }
  });

  it("take the stride from the size unless given", () => {
    expectShape("maxpool", shape(9, 9, 2), { size: 3 }, "[3, 3, 2]");
    expectShape("maxpool", shape(9, 9, 2), { size: 3, stride: 1 }, "[7, 7, 2]");
    expectShape("avgpool", shape(9, 10, 2), { size: [3, 2] }, "[3, 5, 2]");
    expectShape("avgpool", shape(7, 7, 2), { size: 2, padding: "same" }, "[4, 4, 2]");
  });

  it("keep symbolic sizes symbolic", () => {
    expectShape("maxpool", shape("H", "W", "C"), {}, "[floor(H / 2), floor(W / 2), C]");
  });

  it("E201 for a pool larger than its input, where tfjs returns an empty tensor", () => {
    const problem = expectProblem("maxpool", shape(2, 2, 8), { size: 3 }, "E201");
    expect(problem.message).toBe("maxpool window 3×3 does not fit its input 2×2");
    expect(problem.help).toMatch(/padding: same/);
  });

  it("E200 for the wrong rank", () => {
    expect(expectProblem("maxpool", shape(28, 28), {}, "E200").help).toMatch(/maxpool1d/);
    expect(expectProblem("l2pool", shape(28, 28), {}, "E200").help).not.toMatch(/l2pool1d/);
    expect(expectProblem("avgpool", shape(784), {}, "E200").help).toMatch(/flatten/);
  });

  it("E104 for a symbolic size without a stride", () => {
    expect(expectProblem("maxpool", shape(8, 8, 1), { size: dim(sym("K")) }, "E104").argument).toBe("size");
  });

  it("follow floor((H − k) / s) + 1, or ceil(H / s) with padding: same", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 6 }),
        fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
        fc.constantFrom<"valid" | "same">("valid", "same"),
        (h, k, s, padding) => {
          const stride = s ?? k;
          const result = run("avgpool", shape(h, h, 3), s === undefined ? { size: k, padding } : { size: k, stride: s, padding });
          const out = padding === "same" ? Math.ceil(h / stride) : Math.floor((h - k) / stride) + 1;
          if (out <= 0) expect(result.problems.map((p) => p.code)).toEqual(["E201"]);
          else expect(shapeToString(result.output!)).toBe(`[${out}, ${out}, 3]`);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("maxpool1d, avgpool1d", () => {
  it("pool a symbolic sequence: the Wave model", () => {
    expectShape("maxpool1d", shape("T", 8), {}, "[floor(T / 2), 8]");
    const conv = run("conv1d", shape("T", 1), { filters: 8, kernel: 3 });
    expectShape("maxpool1d", conv.output!, {}, "[floor((T - 2) / 2), 8]");
  });

  it("E201 and E200", () => {
    expect(expectProblem("avgpool1d", shape(3, 2), { size: 4 }, "E201").message).toBe("avgpool1d window 4 does not fit its input 3");
    expect(expectProblem("maxpool1d", shape(4, 4, 2), {}, "E200").help).toMatch(/`maxpool`/);
  });
});

describe("global_avgpool, global_maxpool", () => {
  it("reduce an image to its channels", () => {
    expectShape("global_avgpool", shape(14, 14, 16), {}, "[16]");
    expectShape("global_maxpool", shape("H", "W", "C"), {}, "[C]");
  });

  it("E200 for a sequence, explaining what to use instead", () => {
    const problem = expectProblem("global_avgpool", shape("T", 8), {}, "E200");
    expect(problem.message).toBe("global_avgpool needs an input of shape [height, width, channels], found [T, 8]");
    expect(problem.help).toMatch(/recurrent layer/);
  });
});
