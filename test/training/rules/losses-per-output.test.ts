import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkWithoutData as checkSource } from "../support/without-data-files.js";
import { diagnosticWith, expectClean, expectDiagnostics } from "../support/without-data-files.js";

const TWO = `
model Two {
  input x: [8]
  let h = x -> dense(16, activation: relu)
  output kind = h -> dense(3, activation: softmax)
  output size = h -> dense(1)
}`;

const train = (lines: string) => `${TWO}
train Two {
  data: json("d.json")
  optimizer: adam
  ${lines.trim()}
}`;

describe("E303 losses and loss weights per output", () => {
  it("accepts one loss for all, one per output, and one weight per output", () => {
    expectClean(train("loss: [cross_entropy, mse]\n  loss_weights: [1, 0.5]"));
    expectClean(train("loss: [cross_entropy(from_logits: false), huber(2)]"));
  });

  it("reports a loss list whose length is neither 1 nor the number of outputs", () => {
    const d = diagnosticWith(expectDiagnostics(train("loss: [cross_entropy, mse, mae]   // expect: E303 col 9: `loss` lists 3 losses, but model `Two` has 2 outputs (`kind`, `size`)")), "E303");
    expect(d.message).toBe("`loss` lists 3 losses, but model `Two` has 2 outputs (`kind`, `size`)");
    expect(d.help).toBe("give one loss for every output, or one per output in output order: `loss: […, …]`");
    expect(d.labels).toHaveLength(2);
  });

  it("reports loss weights that do not give one weight per output", () => {
    const d = diagnosticWith(expectDiagnostics(train("loss: [cross_entropy, mse]\n  loss_weights: [1, 2, 3]   // expect: E303 col 17: `loss_weights` gives 3 weights, but model `Two` has 2 outputs (`kind`, `size`)")), "E303");
    expect(d.help).toBe("give one weight per output, in output order: `loss_weights: [1, 1]`");
    expectDiagnostics(train("loss: [cross_entropy, mse]\n  loss_weights: 2   // expect: E303 col 17: `loss_weights` gives 1 weight, but model `Two` has 2 outputs (`kind`, `size`)"));
  });

  it("reports weights that are all 0", () => {
    const d = diagnosticWith(expectDiagnostics(train("loss: [cross_entropy, mse]\n  loss_weights: [0, 0]   // expect: E303 col 17: every loss weight is 0: the cost would be 0 and nothing would train")), "E303");
    expect(d.message).toContain("nothing would train");
    expectClean(train("loss: [cross_entropy, mse]\n  loss_weights: [0, 1]"));
  });

  it("reports negative weights through the binder", () => {
    expectDiagnostics(train("loss: [cross_entropy, mse]\n  loss_weights: [1, -1]   // expect: E105 col 21: -1 is out of range: expected a value ≥ 0"));
  });

  it("on a model with one output, a one-loss list is fine and weights are one", () => {
    const one = `
model M {
  input x: [8]
  x -> dense(3, activation: softmax)
}
train M {
  data: json("d.json")
  optimizer: adam
  loss: LOSS
}`;
    expectClean(one.replace("LOSS", "[cross_entropy]\n  loss_weights: [2]"));
    expectDiagnostics(one.replace("LOSS", "[cross_entropy, mse]   // expect: E303 col 9: `loss` lists 2 losses, but model `M` has 1 output (`output`)"));
  });
});

describe("property: losses and weights per output", () => {
  it("E303 exactly when the losses are neither one nor one per output, or the weights not one per output", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 5 }), fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }), (outputs, losses, weights) => {
        const heads = Array.from({ length: outputs }, (_, i) => `  output o${i} = h -> dense(2)`).join("\n");
        const list = (n: number, item: string) => `[${Array(n).fill(item).join(", ")}]`;
        const source = `model M {
  input x: [4]
  let h = x -> dense(8, activation: relu)
${heads}
}
train M {
  data: json("d.json")
  loss: ${list(losses, "mse")}
  optimizer: adam${weights === undefined ? "" : `\n  loss_weights: ${list(weights, "1")}`}
}`;
        const e303 = checkSource(source).diagnostics.filter((d) => d.code === "E303").length;
        const badLosses = losses !== 1 && losses !== outputs;
        const badWeights = weights !== undefined && weights !== outputs;
        expect(e303).toBe(Number(badLosses) + Number(badWeights));
      }),
      { numRuns: 80 },
    );
  });
});
