import { describe, expect, it } from "vitest";
import { diagnosticWith, expectClean, expectDiagnostics } from "../support/without-data-files.js";

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
    const result = expectDiagnostics(model("dense(9, activation: softmax)") + train("mnist(flat: true)", "cross_entropy", "E301 col 9: model `M` outputs [9], but `mnist` has 10 classes"));
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
  data: adding_problem(length: 20)   // expect: E301 col 9: model \`R\` outputs [2], but \`adding_problem\` has targets of shape [1]
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
    expectDiagnostics(model("dense(3)") + train('npy("x.npy", "y.npy", shape: [784], targets: 2)', "mse", "E301 col 9: model `M` outputs [3], but `npy` has targets of shape [2]"));
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
  data: mnist(flat: true)            // expect: E301 col 9: model \`M\` has 2 outputs (\`a\`, \`b\`), but \`mnist\` has one target per example
  loss: mse                          // expect: W403 col 9: \`mse\` cost on output \`a\`, a softmax output, learns slowly when the output saturates
  optimizer: sgd(lr: 0.1)
}`);
  });
});

describe("E301 with several outputs and sequence targets", () => {
  const TWO = `
model Two {
  input x: [8]
  let h = x -> dense(16, activation: relu)
  output kind = h -> dense(3, activation: softmax)
  output size = h -> dense(1)
}`;
  const trainTwo = (data: string, loss = "[cross_entropy, mse]") => `${TWO}
train Two {
  data: ${data}
  loss: ${loss}
  optimizer: adam
}`;

  it("accepts data that names one target per output: csv label columns, npy y files, json", () => {
    expectClean(trainTwo('csv("d.csv", label: ["kind", "size"], features: 8)'));
    expectClean(trainTwo('npy("x.npy", ["kind.npy", "size.npy"], shape: [8])'));
    expectClean(trainTwo('json("d.json", shape: [8])'));
  });

  it("reports a count mismatch, naming each output, with the form that fits", () => {
    const d = diagnosticWith(expectDiagnostics(trainTwo('csv("d.csv", label: "kind", features: 8)   // expect: E301 col 9: model `Two` has 2 outputs (`kind`, `size`), but `csv` has one target per example')), "E301");
    expect(d.message).toBe("model `Two` has 2 outputs (`kind`, `size`), but `csv` has one target per example");
    expect(d.labels.map((l) => l.message)).toEqual(["output `kind` is [3]", "output `size` is [1]"]);
    expect(d.help).toContain('`label: ["kind", "size"]`');
    const npy = diagnosticWith(expectDiagnostics(trainTwo('npy("x.npy", ["a.npy", "b.npy", "c.npy"])   // expect: E301 col 9: model `Two` has 2 outputs (`kind`, `size`), but `npy` has 3 targets per example')), "E301");
    expect(npy.help).toContain('`y: ["kind.npy", "size.npy"]`');
  });

  it("reports json classes or targets, which describe one output, for a model with several", () => {
    const d = diagnosticWith(expectDiagnostics(trainTwo('json("d.json", classes: 3)   // expect: E301 col 9: `classes` describes the targets of one output, but model `Two` has 2 outputs (`kind`, `size`)')), "E301");
    expect(d.help).toContain("remove `classes`");
  });

  it("checks a dataset given as the validation key too", () => {
    expectDiagnostics(`${TWO}
train Two {
  data: csv("d.csv", label: ["kind", "size"], features: 8)
  validation: csv("v.csv", label: "kind")   // expect: E301 col 15: model \`Two\` has 2 outputs (\`kind\`, \`size\`), but \`csv\` has one target per example
  loss: [cross_entropy, mse]
  optimizer: adam
}`);
  });

  it("accepts [T, classes] where a label may be a sequence, and not where each example has one", () => {
    const tagger = (data: string) => `
model Tagger {
  input tokens: int32[T]
  tokens -> embedding(100, 8) -> lstm(16, return_sequences: true) -> time_distributed(dense(5, activation: softmax))
}
train Tagger {
  data: ${data}
  loss: cross_entropy
  optimizer: adam
}`;
    expectClean(tagger('npy("x.npy", "y.npy", shape: [20], classes: 5)'));
    expectClean(tagger('json("d.json", shape: [20], classes: ["a", "b", "c", "d", "e"])'));
    expectDiagnostics(tagger('npy("x.npy", "y.npy", shape: [20], classes: 4)   // expect: E301 col 9: model `Tagger` outputs [T, 5], but `npy` has 4 classes'));
    expectDiagnostics(tagger('csv("d.csv", label: "y", features: 20, classes: 5)   // expect: E301 col 9: model `Tagger` outputs [T, 5], but `csv` has 5 classes'));
  });

  it("checks that images, whose classes come from the folders, get a one-per-class output", () => {
    const model = (head: string) => `
model I {
  input image: [8, 8, 3]
  image -> ${head}
}
train I {
  data: images("pics", size: [8, 8])
  loss: cross_entropy
  optimizer: adam
}`;
    expectClean(model("flatten -> dense(7, activation: softmax)"));
    const rank3 = model("conv2d(7, kernel: 8, activation: softmax)").replace('images("pics", size: [8, 8])', 'images("pics", size: [8, 8])   // expect: E301 col 9: model `I` outputs [1, 1, 7], but `images` has one class per example');
    const d = diagnosticWith(expectDiagnostics(rank3), "E301");
    expect(d.message).toContain("one class per example");
  });
});
