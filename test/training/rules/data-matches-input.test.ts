import { describe, expect, it } from "vitest";
import { diagnosticWith, expectClean, expectDiagnostics } from "../../support/expect-diagnostics.js";

const FLAT = `
model M {
  input x: [784]
  x -> dense(30, activation: relu) -> dense(10, activation: softmax)
}`;

const IMAGE = `
model M {
  input image: [28, 28, 1]
  image -> flatten -> dense(10, activation: softmax)
}`;

const train = (data: string, expect = "") => `
train M {
  data: ${data}${expect ? `   // expect: ${expect}` : ""}
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
}`;

describe("E300 data does not fit the model's input", () => {
  it("reports mnist images given to a flat input, with the flat: true fix", () => {
    const result = expectDiagnostics(FLAT + train("mnist()", "E300"));
    const d = diagnosticWith(result, "E300");
    expect(d.message).toContain("[28, 28, 1]");
    expect(d.message).toContain("[784]");
    expect(d.help).toContain("mnist(flat: true)");
    expect(d.fixes[0].edits[0].newText).toBe("flat: true");
    expect(d.labels[0].message).toContain("input `x`");
  });

  it("adds flat: true after the last argument, or to a bare name", () => {
    const withArgs = diagnosticWith(expectDiagnostics(FLAT + train("mnist(train: 1000)", "E300")), "E300");
    expect(withArgs.fixes[0].edits[0].newText).toBe(", flat: true");
    const bare = diagnosticWith(expectDiagnostics(FLAT + train("mnist", "E300")), "E300");
    expect(bare.fixes[0].edits[0].newText).toBe("mnist(flat: true)");
  });

  it("reports flat mnist given to an image input", () => {
    const d = diagnosticWith(expectDiagnostics(IMAGE + train("mnist(flat: true)", "E300")), "E300");
    expect(d.help).toContain("remove `flat: true`");
    expect(d.fixes[0].edits[0].newText).toBe("false");
  });

  it("suggests a reshape when the sizes agree", () => {
    const model = `
model M {
  input image: [28, 28]
  image -> flatten -> dense(10, activation: softmax)
}`;
    expect(diagnosticWith(expectDiagnostics(model + train("mnist()", "E300")), "E300").help).toContain("reshape");
  });

  it("accepts matching shapes", () => {
    expectClean(FLAT + train("mnist(flat: true)"));
    expectClean(IMAGE + train("mnist()"));
  });

  it("binds dimension symbols to the data's sizes", () => {
    const model = (shape: string) => `
model R {
  input seq: ${shape}
  seq -> lstm(8) -> dense(1)
}
train R {
  data: adding_problem(length: 50)   // expect-here
  loss: mse
  optimizer: adam
}`;
    expectClean(model("[T, 2]").replace("// expect-here", ""));
    expectClean(model("[50, 2]").replace("// expect-here", ""));
    expectDiagnostics(model("[T, 3]").replace("// expect-here", "// expect: E300"));
    expectDiagnostics(model("[40, 2]").replace("// expect-here", "// expect: E300"));
  });

  it("reports a model with several inputs", () => {
    const model = `
model Two {
  input image: [28, 28, 1]
  input meta: [12]
  let a = image -> flatten
  let b = meta -> dense(16, activation: tanh)
  output concat(a, b) -> dense(10, activation: softmax)
}
train Two {
  data: mnist()                       // expect: E300
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
}`;
    const d = diagnosticWith(expectDiagnostics(model), "E300");
    expect(d.message).toContain("2 inputs");
    expect(d.labels).toHaveLength(2);
  });

  it("reports token ids given real-valued data", () => {
    const model = `
model Tokens {
  input tokens: int32[T]
  tokens -> embedding(100, 8) -> lstm(16) -> dense(10, activation: softmax)
}
train Tokens {
  data: mnist(flat: true)             // expect: E300
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
}`;
    expect(diagnosticWith(expectDiagnostics(model), "E300").message).toContain("int32");
  });

  it("checks user files only when their shape is given", () => {
    expectClean(FLAT + train('csv("digits.csv", label: "digit", features: 784, classes: 10)'));
    expectClean(IMAGE + train('csv("digits.csv", label: "digit")'));
    expectDiagnostics(IMAGE + train('csv("digits.csv", label: "digit", features: 784)', "E300"));
    expectClean(IMAGE + train('idx("images.idx", "labels.idx", shape: [28, 28, 1], classes: 10)'));
    expectDiagnostics(FLAT + train('npy("x.npy", "y.npy", shape: [28, 28, 1])', "E300"));
  });

  it("checks a validation dataset the same way", () => {
    expectDiagnostics(`${FLAT}
train M {
  data: mnist(flat: true, validation: 0)
  validation: csv("val.csv", label: 0, features: 100)   // expect: E300
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
}`);
  });
});
