import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectProblem, expectShape, layer, layerDef, paramsOf, run, shape } from "./harness.js";

describe("bidirectional", () => {
  it("concatenates both directions by default: the Tagger model", () => {
    const result = expectShape("bidirectional", shape("T", 64), { layer: layer("lstm", { units: 32, return_sequences: true }) }, "[T, 64]");
    expect(paramsOf(result)).toBe(2 * 4 * (32 * (64 + 32) + 32));
    expectShape("bidirectional", shape("T", 8), { layer: layer("gru", { units: 5 }) }, "[10]");
  });

  it("keeps the units with merge: sum, mul or ave", () => {
    for (const merge of ["sum", "mul", "ave"]) {
      expectShape("bidirectional", shape("T", 8), { layer: layer("rnn", { units: 5 }), merge }, "[5]");
    }
  });

  it("has twice the inner layer's parameters, for every recurrent layer", () => {
    fc.assert(
      fc.property(fc.constantFrom("rnn", "lstm", "gru"), fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 64 }), fc.boolean(), (name, f, units, seq) => {
        const inner = run(name, shape("T", f), { units, return_sequences: seq });
        const outer = run("bidirectional", shape("T", f), { layer: layer(name, { units, return_sequences: seq }) });
        expect(paramsOf(outer)).toBe(2 * paramsOf(inner));
      }),
      { numRuns: 200 },
    );
  });

  it("reports the inner layer's problems on the inner layer", () => {
    const problem = expectProblem("bidirectional", shape(784), { layer: layer("lstm", { units: 32 }) }, "E200");
    expect(problem.message).toBe("lstm needs an input of shape [steps, features], found [784]");
    expect(problem.argument).toBe("layer");
  });

  it("E104 for a layer that is not recurrent", () => {
    expect(expectProblem("bidirectional", shape("T", 8), { layer: layer("dense", { units: 3 }) }, "E104").argument).toBe("layer");
  });
});

describe("time_distributed", () => {
  it("applies the inner layer to every step: the Tagger and Seq2Seq heads", () => {
    const result = expectShape("time_distributed", shape("T", 64), { layer: layer("dense", { units: 12, activation: "softmax" }) }, "[T, 12]");
    expect(paramsOf(result)).toBe(64 * 12 + 12);
    expectShape("time_distributed", shape(10, 128), { layer: layer("dense", { units: 16 }) }, "[10, 16]");
  });

  it("applies a convolution to every frame of a video", () => {
    const result = expectShape("time_distributed", shape("T", 28, 28, 1), { layer: layer("conv2d", { filters: 4, kernel: 5 }) }, "[T, 24, 24, 4]");
    expect(paramsOf(result)).toBe(5 * 5 * 4 + 4);
  });

  it("names the inner layer's activation", () => {
    const { args } = run("time_distributed", shape("T", 4), { layer: layer("dense", { units: 3, activation: "softmax" }) });
    expect(layerDef("time_distributed").activation?.(args)).toBe("softmax");
  });

  it("reports the inner layer's problems with a note on the step shape", () => {
    const problem = expectProblem("time_distributed", shape("T", 8), { layer: layer("conv2d", { filters: 4, kernel: 3 }) }, "E200");
    expect(problem.message).toBe("conv2d needs an input of shape [height, width, channels], found [8]");
    expect(problem.notes?.[0]).toBe("time_distributed applies conv2d to each of the T steps of [T, 8], so it sees [8]");
    expect(problem.argument).toBe("layer");
  });

  it("E200 for a vector", () => {
    expect(expectProblem("time_distributed", shape(10), { layer: layer("dense", { units: 3 }) }, "E200").message).toBe(
      "time_distributed needs an input of shape [steps, …], found [10]",
    );
  });
});
