import { describe, expect, it } from "vitest";
import { diagnosticWith, expectClean, expectDiagnostics } from "../../support/expect-diagnostics.js";

const model = (last: string) => `
model M {
  input x: [784]
  x -> dense(30, activation: relu) -> ${last}
}`;

const train = (data: string, loss = "cross_entropy", expect = "") => `
train M {
  data: ${data}${expect ? `   // expect: ${expect}` : ""}
  loss: ${loss}
  optimizer: sgd(lr: 0.1)
}`;

describe("E301 output does not fit the targets", () => {
  it("reports units that differ from the classes, with a fix on the last layer", () => {
    const result = expectDiagnostics(model("dense(9, activation: softmax)") + train("mnist(flat: true)", "cross_entropy", "E301"));
    const d = diagnosticWith(result, "E301");
    expect(d.message).toContain("[9]");
    expect(d.message).toContain("10 classes");
    expect(d.help).toContain("10 units");
    expect(d.fixes[0].edits[0].newText).toBe("10");
    expect(d.labels[0].range.start.line).toBe(4);
  });

  it("accepts the right number of units", () => {
    expectClean(model("dense(10, activation: softmax)") + train("mnist(flat: true)"));
  });

  it("reports a regression output of the wrong width", () => {
    const seq = `
model R {
  input seq: [T, 2]
  seq -> lstm(8) -> dense(2)
}
train R {
  data: adding_problem(length: 20)   // expect: E301
  loss: mse
  optimizer: adam
}`;
    expect(diagnosticWith(expectDiagnostics(seq), "E301").help).toContain("1 unit");
  });

  it("accepts one sigmoid unit for two classes", () => {
    expectClean(model("dense(1, activation: sigmoid)") + train('csv("spam.csv", label: "spam", features: 784, classes: 2)', "binary_cross_entropy"));
  });

  it("does not check targets that come from a file", () => {
    expectClean(model("dense(3, activation: softmax)") + train('csv("data.csv", label: "y", features: 784)'));
  });

  it("checks regression targets of user files", () => {
    expectDiagnostics(model("dense(3)") + train('npy("x.npy", "y.npy", shape: [784], targets: 2)', "mse", "E301"));
    expectClean(model("dense(2)") + train('npy("x.npy", "y.npy", shape: [784], targets: 2)', "mse"));
  });

  it("reports a model with several outputs", () => {
    expectDiagnostics(`
model M {
  input x: [784]
  let h = x -> dense(30, activation: relu)
  output a = h -> dense(10, activation: softmax)
  output b = h -> dense(1)
}
train M {
  data: mnist(flat: true)            // expect: E301
  loss: mse
  optimizer: sgd(lr: 0.1)
}`);
  });
});
