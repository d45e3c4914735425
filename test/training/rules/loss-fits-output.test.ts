import { describe, expect, it } from "vitest";
import { diagnosticWith, expectClean, expectDiagnostics } from "../support/without-data-files.js";

const model = (last: string) => `
model M {
  input x: [784]
  x -> dense(30, activation: relu) -> ${last}
}`;

const train = (loss: string, expect = "", data = "mnist(flat: true)") => `
train M {
  data: ${data}
  loss: ${loss}${expect ? `   // expect: ${expect}` : ""}
  optimizer: sgd(lr: 0.1)
}`;

describe("E302 loss does not fit the output", () => {
  it("reports cross_entropy on a linear output, with both fixes", () => {
    const d = diagnosticWith(expectDiagnostics(model("dense(10)") + train("cross_entropy", "E302 col 9: `cross_entropy` needs a softmax output, but the output layer `dense_2` has no activation")), "E302");
    expect(d.message).toContain("softmax");
    expect(d.help).toContain("activation: softmax");
    expect(d.help).toContain("cross_entropy(from_logits: true)");
    expect(d.fixes.map((f) => f.edits[0].newText)).toEqual([", activation: softmax", "cross_entropy(from_logits: true)"]);
  });

  it("replaces a wrong activation", () => {
    const d = diagnosticWith(expectDiagnostics(model("dense(10, activation: sigmoid)") + train("cross_entropy", "E302 col 9: `cross_entropy` needs a softmax output, but the output layer `dense_2` applies sigmoid")), "E302");
    expect(d.help).toContain("binary_cross_entropy");
    expect(d.fixes[0].edits[0].newText).toBe("softmax");
  });

  it("accepts raw scores with from_logits", () => {
    expectClean(model("dense(10)") + train("cross_entropy(from_logits: true)"));
  });

  it("reports from_logits on an output that already applies softmax", () => {
    const d = diagnosticWith(expectDiagnostics(model("dense(10, activation: softmax)") + train("cross_entropy(from_logits: true)", "E302 col 36: `from_logits: true`, but the output layer `dense_2` already applies softmax")), "E302");
    expect(d.message).toContain("from_logits");
  });

  it("accepts a separate softmax layer", () => {
    expectClean(model("dense(10) -> softmax") + train("cross_entropy"));
  });

  it("needs a sigmoid output for binary_cross_entropy", () => {
    expectDiagnostics(model("dense(10, activation: softmax)") + train("binary_cross_entropy", "E302 col 9: `binary_cross_entropy` needs a sigmoid output, but the output layer `dense_2` applies softmax"));
    expectClean(model("dense(10, activation: sigmoid)") + train("binary_cross_entropy"));
  });

  it("needs a softmax output for sparse_cross_entropy", () => {
    expectDiagnostics(model("dense(10)") + train("sparse_cross_entropy", "E302 col 9: `sparse_cross_entropy` needs a softmax output, but the output layer `dense_2` has no activation"));
    expectClean(model("dense(10, activation: softmax)") + train("sparse_cross_entropy"));
  });
});

describe("E302 per output", () => {
  const TWO = `
model Two {
  input x: [8]
  let h = x -> dense(16, activation: relu)
  output kind = h -> dense(3, activation: softmax)
  output size = h -> dense(1)
}`;
  const train = (loss: string) => `${TWO}
train Two {
  data: json("d.json")
  loss: ${loss}
  optimizer: adam
}`;

  it("checks each output against its own loss", () => {
    expectClean(train("[cross_entropy, mse]"));
    const result = expectDiagnostics(train("[mse, cross_entropy]   // expect: W403 col 10: `mse` cost on output `kind`, a softmax output, learns slowly when the output saturates // expect: E302 col 15: `cross_entropy` needs a softmax output, but the layer of output `size` `dense_3` has no activation"));
    const d = diagnosticWith(result, "E302");
    expect(d.message).toBe("`cross_entropy` needs a softmax output, but the layer of output `size` `dense_3` has no activation");
    // On the list item that is the output's loss.
    expect(d.fixes.map((f) => f.edits[0].newText)).toEqual([", activation: softmax", "cross_entropy(from_logits: true)"]);
    expect(d.fixes[1].edits[0].range.start.column).toBe(result.diagnostics.find((x) => x.code === "E302")!.range.start.column);
  });

  it("applies one loss written once to every output", () => {
    const d = diagnosticWith(expectDiagnostics(train("cross_entropy   // expect: E302 col 9: `cross_entropy` needs a softmax output, but the layer of output `size` `dense_3` has no activation")), "E302");
    expect(d.message).toContain("output `size`");
  });

  it("uses a one-item list for every output", () => {
    expectDiagnostics(train("[cross_entropy]   // expect: E302 col 10: `cross_entropy` needs a softmax output, but the layer of output `size` `dense_3` has no activation"));
  });
});
