import { describe, expect, it } from "vitest";
import { diagnosticWith, expectClean, expectDiagnostics } from "../support/without-data-files.js";

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
    const result = expectDiagnostics(FLAT + train("mnist()", "E300 col 9: `mnist` gives examples of shape [28, 28, 1], but model `M` takes [784]"));
    const d = diagnosticWith(result, "E300");
    expect(d.message).toContain("[28, 28, 1]");
    expect(d.message).toContain("[784]");
    expect(d.help).toContain("mnist(flat: true)");
    expect(d.fixes[0].edits[0].newText).toBe("flat: true");
    expect(d.labels[0].message).toContain("input `x`");
  });

  it("adds flat: true after the last argument, or to a bare name", () => {
    const withArgs = diagnosticWith(expectDiagnostics(FLAT + train("mnist(train: 1000)", "E300 col 9: `mnist` gives examples of shape [28, 28, 1], but model `M` takes [784]")), "E300");
    expect(withArgs.fixes[0].edits[0].newText).toBe(", flat: true");
    const bare = diagnosticWith(expectDiagnostics(FLAT + train("mnist", "E300 col 9: `mnist` gives examples of shape [28, 28, 1], but model `M` takes [784]")), "E300");
    expect(bare.fixes[0].edits[0].newText).toBe("mnist(flat: true)");
  });

  it("reports flat mnist given to an image input", () => {
    const d = diagnosticWith(expectDiagnostics(IMAGE + train("mnist(flat: true)", "E300 col 9: `mnist` gives examples of shape [784], but model `M` takes [28, 28, 1]")), "E300");
    expect(d.help).toContain("remove `flat: true`");
    expect(d.fixes[0].edits[0].newText).toBe("false");
  });

  it("suggests a reshape when the sizes agree", () => {
    const model = `
model M {
  input image: [28, 28]
  image -> flatten -> dense(10, activation: softmax)
}`;
    expect(diagnosticWith(expectDiagnostics(model + train("mnist()", "E300 col 9: `mnist` gives examples of shape [28, 28, 1], but model `M` takes [28, 28]")), "E300").help).toContain("reshape");
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
    expectDiagnostics(model("[T, 3]").replace("// expect-here", "// expect: E300 col 9: `adding_problem` gives examples of shape [50, 2], but model `R` takes [T, 3]"));
    expectDiagnostics(model("[40, 2]").replace("// expect-here", "// expect: E300 col 9: `adding_problem` gives examples of shape [50, 2], but model `R` takes [40, 2]"));
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
  data: mnist()                       // expect: E300 col 9: model \`Two\` has 2 inputs (\`image\`, \`meta\`), but \`mnist\` gives one tensor per example
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
  data: mnist(flat: true)             // expect: E300 col 9: model \`Tokens\` takes integer token ids (\`tokens\` is int32), but \`mnist\` gives real-valued examples
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
}`;
    expect(diagnosticWith(expectDiagnostics(model), "E300").message).toContain("int32");
  });

  it("checks user files only when their shape is given", () => {
    expectClean(FLAT + train('csv("digits.csv", label: "digit", features: 784, classes: 10)'));
    expectClean(IMAGE + train('csv("digits.csv", label: "digit")'));
    expectDiagnostics(IMAGE + train('csv("digits.csv", label: "digit", features: 784)', "E300 col 9: `csv` gives examples of shape [784], but model `M` takes [28, 28, 1]"));
    expectClean(IMAGE + train('idx("images.idx", "labels.idx", shape: [28, 28, 1], classes: 10)'));
    expectDiagnostics(FLAT + train('npy("x.npy", "y.npy", shape: [28, 28, 1])', "E300 col 9: `npy` gives examples of shape [28, 28, 1], but model `M` takes [784]"));
  });

  it("checks a validation dataset the same way", () => {
    expectDiagnostics(`${FLAT}
train M {
  data: mnist(flat: true, validation: 0)
  validation: csv("val.csv", label: 0, features: 100)   // expect: E300 col 15: \`csv\` gives examples of shape [100], but model \`M\` takes [784]
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
}`);
  });
});

describe("E300 with several inputs and integer inputs", () => {
  const TWO = `
model Two {
  input image: [784]
  input meta: [12]
  let a = image -> dense(16, activation: relu)
  let b = meta -> dense(16, activation: tanh)
  output concat(a, b) -> dense(3, activation: softmax)
}`;
  const trainTwo = (data: string) => `${TWO}
train Two {
  data: ${data}
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
}`;

  it("accepts data that gives one tensor per input: csv features, npy x files, json", () => {
    expectClean(trainTwo('csv("d.csv", label: "y", features: [784, 12], classes: 3)'));
    expectClean(trainTwo('npy(["image.npy", "meta.npy"], "y.npy", classes: 3)'));
    expectClean(trainTwo('json("d.json", classes: 3)'));
  });

  it("reports a count mismatch, naming each input, with the form that fits", () => {
    const csv = diagnosticWith(expectDiagnostics(trainTwo('csv("d.csv", label: "y", features: 784)   // expect: E300 col 9: model `Two` has 2 inputs (`image`, `meta`), but `csv` gives one tensor per example')), "E300");
    expect(csv.message).toBe("model `Two` has 2 inputs (`image`, `meta`), but `csv` gives one tensor per example");
    expect(csv.labels.map((l) => l.message)).toEqual(["input `image` is [784]", "input `meta` is [12]"]);
    expect(csv.help).toContain("`features: [784, 12]`");
    const npy = diagnosticWith(expectDiagnostics(trainTwo('npy(["a.npy", "b.npy", "c.npy"], "y.npy")   // expect: E300 col 9: model `Two` has 2 inputs (`image`, `meta`), but `npy` gives 3 tensors per example')), "E300");
    expect(npy.help).toContain('`x: ["image.npy", "meta.npy"]`');
    expectDiagnostics(trainTwo('idx("i.idx", "l.idx")   // expect: E300 col 9: model `Two` has 2 inputs (`image`, `meta`), but `idx` gives one tensor per example'));
  });

  it("checks each input's shape where the data states it", () => {
    const d = diagnosticWith(expectDiagnostics(trainTwo('csv("d.csv", label: "y", features: [784, 10])   // expect: E300 col 9: `csv` gives examples of shape [10] for input `meta`, but model `Two` takes [12]')), "E300");
    expect(d.message).toBe("`csv` gives examples of shape [10] for input `meta`, but model `Two` takes [12]");
  });

  it("reports a json shape, which describes one input, for a model with several", () => {
    const d = diagnosticWith(expectDiagnostics(trainTwo('json("d.json", shape: [784])   // expect: E300 col 9: `json(shape: …)` gives the shape of one input\'s examples, but model `Two` has 2 inputs (`image`, `meta`)')), "E300");
    expect(d.help).toContain("remove `shape`");
  });

  it("accepts integer token ids from files (the runtime checks the values)", () => {
    const tokens = (data: string) => `
model Tokens {
  input tokens: int32[8]
  tokens -> embedding(100, 4) -> flatten -> dense(3, activation: softmax)
}
train Tokens {
  data: ${data}
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
}`;
    expectClean(tokens('json("tokens.json", shape: [8], classes: 3)'));
    expectClean(tokens('csv("tokens.csv", label: "y", features: 8)'));
    expectClean(tokens('npy("x.npy", "y.npy", shape: [8])'));
    expectClean(tokens('idx("x.idx", "y.idx", shape: [8], classes: 3)'));
    expectDiagnostics(tokens('json("tokens.json", shape: [9])   // expect: E300 col 9: `json` gives examples of shape [9], but model `Tokens` takes [8]'));
    const images = diagnosticWith(expectDiagnostics(tokens('images("pics", size: [8, 8])   // expect: E300 col 9: model `Tokens` takes integer token ids (`tokens` is int32), but `images` gives real-valued examples')), "E300");
    expect(images.message).toContain("real-valued");
  });

  it("checks images against the input, suggesting the color mode that gives its channels", () => {
    const model = (shape: string, data: string) => `
model I {
  input image: ${shape}
  image -> flatten -> dense(2, activation: softmax)
}
train I {
  data: ${data}
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
}`;
    expectClean(model("[32, 32, 3]", 'images("pics", size: [32, 32])'));
    expectClean(model("[32, 32, 1]", 'images("pics", size: [32, 32], color: grayscale)'));
    expectClean(model("[32, 32, 3]", 'images("pics")'));
    const d = diagnosticWith(expectDiagnostics(model("[32, 32, 1]", 'images("pics", size: [32, 32])   // expect: E300 col 9: `images` gives examples of shape [32, 32, 3], but model `I` takes [32, 32, 1]')), "E300");
    expect(d.help).toBe("declare the input as [32, 32, 3], or use `color: grayscale` for 1 channel");
    expect(diagnosticWith(expectDiagnostics(model("[32, 32, 3]", 'images("pics", size: [28, 28])   // expect: E300 col 9: `images` gives examples of shape [28, 28, 3], but model `I` takes [32, 32, 3]')), "E300").help).toContain("change `size`");
  });
});
