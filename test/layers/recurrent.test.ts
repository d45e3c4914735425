import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectProblem, expectShape, paramsOf, run, shape } from "./harness.js";

/** tfjs-layers: one block of units·(F + units) + units per gate group (gru with reset_after: false; test/layers/gru.test.ts has both forms). */
const GATES = { rnn: 1, lstm: 4, gru: 3 } as const;

describe("rnn, lstm, gru", () => {
  it("give the last state, or every state with return_sequences", () => {
    expect(paramsOf(expectShape("rnn", shape("T", 2), { units: 32 }, "[32]"))).toBe(32 * (2 + 32) + 32);
    expectShape("gru", shape("S", 16), { units: 128 }, "[128]");
    expectShape("gru", shape(10, 128), { units: 128, return_sequences: true }, "[10, 128]");
    expectShape("lstm", shape("T", 64), { units: 32, return_sequences: true }, "[T, 32]");
  });

  it("count parameters as tfjs-layers: rnn 1, lstm 4 and gru (reset_after: false) 3 blocks of units·(F + units) + units", () => {
    fc.assert(
      fc.property(fc.constantFrom("rnn", "lstm", "gru" as const), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 300 }), fc.boolean(), (name, f, units, seq) => {
        const result = run(name, shape("T", f), name === "gru" ? { units, return_sequences: seq, reset_after: false } : { units, return_sequences: seq });
        expect(paramsOf(result)).toBe(GATES[name as keyof typeof GATES] * (units * (f + units) + units));
      }),
      { numRuns: 200 },
    );
  });

  it("E200 for a vector, suggesting repeat", () => {
    const problem = expectProblem("lstm", shape(784), { units: 32 }, "E200");
    expect(problem.message).toBe("lstm needs an input of shape [steps, features], found [784]");
    expect(problem.help).toMatch(/repeat/);
  });

  it("E200 for an image, suggesting reshape or time_distributed", () => {
    const problem = expectProblem("gru", shape(28, 28, 1), { units: 32 }, "E200");
    expect(problem.help).toMatch(/reshape/);
    expect(problem.help).toMatch(/time_distributed/);
  });

  it("E105 for an activation TensorFlow.js's cells cannot take, at check time (compile could not build it); every other activation checks", () => {
    for (const name of ["rnn", "lstm", "gru"]) {
      const problem = expectProblem(name, shape("T", 3), { units: 4, activation: "leaky_relu" }, "E105");
      expect(problem.argument).toBe("activation");
      expect(problem.message).toContain("`leaky_relu`");
      expect(problem.help).toContain("`tanh`");
      for (const usable of ["linear", "sigmoid", "tanh", "relu", "elu", "softplus"]) expectShape(name, shape("T", 3), { units: 4, activation: usable }, "[4]");
    }
  });

  it("default to tanh, no sequences and no dropout", () => {
    const { args } = run("rnn", shape("T", 2), { units: 4 });
    expect(args.get("activation")?.value).toEqual({ kind: "enum", name: "tanh" });
    expect(args.get("return_sequences")?.value).toEqual({ kind: "bool", value: false });
    expect(args.get("dropout")?.value).toMatchObject({ value: 0 });
  });
});
