import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dimConst, dimEquals, evaluateDim, mul, parseDim } from "../../compiler/shapes/dim.js";
import { shapeToString } from "../../compiler/shapes/shape.js";
import { dim, expectProblem, expectShape, paramsOf, run, shape, sym } from "./harness.js";

/** The brief's rule for one spatial axis, or undefined when the window does not fit. */
function expected(h: number, k: number, s: number, d: number, padding: "valid" | "same"): number | undefined {
  const out = padding === "same" ? Math.ceil(h / s) : Math.floor((h - d * (k - 1) - 1) / s) + 1;
  return out > 0 ? out : undefined;
}

describe("conv2d", () => {
  it("slides a valid window: the lectures' first convolution", () => {
    const result = expectShape("conv2d", shape(28, 28, 1), { filters: 20, kernel: 5 }, "[24, 24, 20]");
    expect(paramsOf(result)).toBe(5 * 5 * 1 * 20 + 20);
  });

  it("keeps height and width with padding: same, divided by the stride", () => {
    expectShape("conv2d", shape(28, 28, 3), { filters: 8, kernel: 3, padding: "same" }, "[28, 28, 8]");
    expectShape("conv2d", shape(28, 27, 3), { filters: 8, kernel: 3, padding: "same", stride: 2 }, "[14, 14, 8]");
  });

  it("applies stride and dilation", () => {
    expectShape("conv2d", shape(28, 28, 1), { filters: 4, kernel: 3, stride: 2 }, "[13, 13, 4]");
    expectShape("conv2d", shape(10, 10, 3), { filters: 4, kernel: 3, dilation: 2 }, "[6, 6, 4]");
  });

  it("takes a kernel, stride or dilation per axis", () => {
    const result = expectShape("conv2d", shape(10, 12, 2), { filters: 4, kernel: [3, 5] }, "[8, 8, 4]");
    expect(paramsOf(result)).toBe(3 * 5 * 2 * 4 + 4);
    expectShape("conv2d", shape(10, 12, 2), { filters: 4, kernel: 3, stride: [1, 2] }, "[8, 5, 4]");
    expectShape("conv2d", shape(10, 12, 2), { filters: 4, kernel: [3], dilation: [2] }, "[6, 8, 4]");
  });

  it("counts no biases without use_bias", () => {
    expect(paramsOf(run("conv2d", shape(8, 8, 3), { filters: 4, kernel: 3, use_bias: false }))).toBe(3 * 3 * 3 * 4);
  });

  it("keeps symbolic sizes and symbolic filters", () => {
    const result = expectShape("conv2d", shape("H", "W", "C"), { filters: dim(sym("C")), kernel: 3, padding: "same" }, "[H, W, C]");
    expect(dimEquals(result.params!, parseDim("9 * C * C + C"))).toBe(true);
    expectShape("conv2d", shape("H", 8, 1), { filters: 2, kernel: 3 }, "[H - 2, 6, 2]");
  });

  it("E201 when the window does not fit, with the brief's message", () => {
    const problem = expectProblem("conv2d", shape(4, 4, 20), { filters: 40, kernel: 5 }, "E201");
    expect(problem.message).toBe("conv2d window 5×5 does not fit its input 4×4");
    expect(problem.help).toBe("use padding: same, a smaller kernel, or one pooling layer fewer");
    expect(problem.argument).toBeUndefined();
  });

  it("E201 names the dilated window", () => {
    const problem = expectProblem("conv2d", shape(4, 8, 1), { filters: 1, kernel: 3, dilation: 2 }, "E201");
    expect(problem.message).toBe("conv2d window 3×3 (dilated to 5×5) does not fit its input 4×8");
  });

  it("E200 for a vector, suggesting to move flatten or reshape", () => {
    const problem = expectProblem("conv2d", shape(2880), { filters: 20, kernel: 5 }, "E200");
    expect(problem.message).toBe("conv2d needs an input of shape [height, width, channels], found [2880]");
    expect(problem.help).toMatch(/flatten/);
    expect(problem.help).toMatch(/reshape/);
  });

  it("E200 for a matrix, suggesting a channel axis or conv1d", () => {
    expect(expectProblem("conv2d", shape(28, 28), { filters: 20, kernel: 5 }, "E200").help).toMatch(/conv1d/);
  });

  it("E105 for stride and dilation both above 1, which TensorFlow.js cannot run", () => {
    const problem = expectProblem("conv2d", shape(28, 28, 1), { filters: 4, kernel: 3, stride: 2, dilation: 2 }, "E105");
    expect(problem.argument).toBe("dilation");
  });

  it("E104 for a per-axis list of the wrong length, on the argument", () => {
    const problem = expectProblem("conv2d", shape(28, 28, 1), { filters: 4, kernel: [3, 3, 3] }, "E104");
    expect(problem.argument).toBe("kernel");
  });

  it("E104 for a symbolic stride", () => {
    expect(expectProblem("conv2d", shape(28, 28, 1), { filters: 4, kernel: 3, stride: dim(sym("S")) }, "E104").argument).toBe("stride");
  });

  it("follows the brief's rule on every axis, and reports E201 exactly when it gives ≤ 0", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom<"valid" | "same">("valid", "same"),
        fc.boolean(),
        (h, w, k, s, d, padding, strided) => {
          const stride = strided ? s : 1;
          const dilation = strided ? 1 : d;
          const result = run("conv2d", shape(h, w, 3), { filters: 2, kernel: k, stride, dilation, padding });
          const eh = expected(h, k, stride, dilation, padding);
          const ew = expected(w, k, stride, dilation, padding);
          if (eh === undefined || ew === undefined) {
            expect(result.problems.map((p) => p.code)).toEqual(["E201"]);
          } else {
            expect(result.problems).toEqual([]);
            expect(shapeToString(result.output!)).toBe(`[${eh}, ${ew}, 2]`);
            expect(paramsOf(result)).toBe(k * k * 3 * 2 + 2);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("conv1d", () => {
  it("keeps a symbolic length symbolic: kernel 3 on [T, 1]", () => {
    const result = expectShape("conv1d", shape("T", 1), { filters: 8, kernel: 3 }, "[T - 2, 8]");
    expect(paramsOf(result)).toBe(3 * 1 * 8 + 8);
  });

  it("divides a symbolic length by the stride", () => {
    expectShape("conv1d", shape("T", 4), { filters: 2, kernel: 3, stride: 2 }, "[floor((T - 1) / 2), 2]");
    expectShape("conv1d", shape("T", 4), { filters: 2, kernel: 3, stride: 2, padding: "same" }, "[ceil(T / 2), 2]");
  });

  it("E201 for a window longer than the sequence", () => {
    expect(expectProblem("conv1d", shape(4, 2), { filters: 2, kernel: 5 }, "E201").message).toBe("conv1d window 5 does not fit its input 4");
  });

  it("E200 for an image and for a vector", () => {
    expect(expectProblem("conv1d", shape(28, 28, 1), { filters: 2, kernel: 3 }, "E200").message).toBe(
      "conv1d needs an input of shape [steps, channels], found [28, 28, 1]",
    );
    expect(expectProblem("conv1d", shape(100), { filters: 2, kernel: 3 }, "E200").help).toMatch(/reshape\(\[100, 1\]\)/);
  });

  it("agrees with the constant rule at every length the symbolic form is evaluated at", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom<"valid" | "same">("valid", "same"),
        fc.boolean(),
        (t, k, s, d, padding, strided) => {
          const stride = strided ? s : 1;
          const dilation = strided ? 1 : d;
          const given = { filters: 2, kernel: k, stride, dilation, padding };
          const symbolic = run("conv1d", shape(mul(dimConst(2), sym("T")), 1), given);
          expect(symbolic.problems).toEqual([]);
          const e = expected(2 * t, k, stride, dilation, padding);
          if (e !== undefined) expect(evaluateDim(symbolic.output![0], new Map([["T", t]]))).toBe(e);
        },
      ),
      { numRuns: 300 },
    );
  });
});
