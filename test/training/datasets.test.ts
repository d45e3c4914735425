import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkWithoutData as checkSource } from "./support/without-data-files.js";
import { DATASETS } from "../../compiler/training/datasets.js";
import { datasetInfo, singleExample } from "../../compiler/training/dataset-info.js";
import { constValue } from "../../compiler/shapes/dim.js";
import type { Shape } from "../../compiler/shapes/shape.js";
import type { BoundArgs, Value } from "../../compiler/schema/values.js";
import { diagnosticWith, expectClean, expectDiagnostics } from "./support/without-data-files.js";

/** A dataset value with the given arguments, defaults filled in as the binder does. */
function dataset(name: string, given: Record<string, Value>): Value {
  const signature = DATASETS.find((d) => d.name === name)!;
  const args = new Map<string, { value: Value }>();
  for (const p of signature.params) {
    const value = given[p.name] ?? p.default;
    if (value) args.set(p.name, { value });
  }
  return { kind: "ctor", signature, args: args as BoundArgs };
}

const n = (value: number): Value => ({ kind: "number", value, integer: Number.isInteger(value) });
const sizes = (shape: Shape | undefined) => shape?.map(constValue);

describe("what datasets provide", () => {
  it("mnist: images or flat vectors, 10 classes, validation unless 0", () => {
    const images = datasetInfo(dataset("mnist", {}))!;
    expect(sizes(singleExample(images))).toEqual([28, 28, 1]);
    expect(images.targets).toEqual({ kind: "classes", classes: 10, perExample: true });
    expect(images.realValued).toBe(true);
    expect(images.hasValidation).toBe(true);
    expect(images.trainSize).toBe(50_000);
    const flat = datasetInfo(dataset("mnist", { flat: { kind: "bool", value: true }, validation: n(0) }))!;
    expect(sizes(singleExample(flat))).toEqual([784]);
    expect(flat.hasValidation).toBe(false);
  });

  it("adding_problem: [length, 2] sequences, regression targets [1]", () => {
    const info = datasetInfo(dataset("adding_problem", { length: n(50) }))!;
    expect(sizes(singleExample(info))).toEqual([50, 2]);
    expect(info.targets.kind).toBe("regression");
    expect(info.hasValidation).toBe(true);
    expect(datasetInfo(dataset("adding_problem", { length: n(50), validation: n(0) }))!.hasValidation).toBe(false);
  });

  it("user files: unknown unless their arguments say", () => {
    const path = (value: string): Value => ({ kind: "string", value });
    const unknown = datasetInfo(dataset("csv", { path: path("d.csv"), label: path("y") }))!;
    expect(singleExample(unknown)).toBeUndefined();
    expect(unknown.targets).toEqual({ kind: "unknown" });
    expect(unknown.hasValidation).toBe(false);
    expect(unknown.realValued).toBe(false);
    const known = datasetInfo(dataset("csv", { path: path("d.csv"), label: path("y"), features: n(784), classes: n(10) }))!;
    expect(sizes(singleExample(known))).toEqual([784]);
    expect(known.targets).toEqual({ kind: "classes", classes: 10, perExample: true });
    const npy = datasetInfo(dataset("npy", { x: path("x.npy"), y: path("y.npy"), shape: { kind: "list", items: [n(28), n(28), n(1)] }, targets: n(3) }))!;
    expect(sizes(singleExample(npy))).toEqual([28, 28, 1]);
    expect(npy.targets.kind).toBe("regression");
  });

  it("is undefined for an unknown value", () => {
    expect(datasetInfo({ kind: "unknown" })).toBeUndefined();
    expect(datasetInfo(undefined)).toBeUndefined();
  });
});

describe("dataset arguments", () => {
  const train = (data: string) => `
model M {
  input x: [784]
  x -> dense(10, activation: softmax)
}
train M {
  data: ${data}
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
}`;

  it("E105 when mnist is asked for more images than it has", () => {
    const d = diagnosticWith(expectDiagnostics(train("mnist(flat: true, train: 55000)   // expect: E105 col 34: mnist has 60000 training images, but train 55000 + validation 10000 = 65000")), "E105");
    expect(d.message).toContain("60000 training images");
    expect(d.help).toContain("50000");
    expectDiagnostics(train("mnist(flat: true, train: 70000, validation: 0)   // expect: E105 col 34: mnist has 60000 training images; `train: 70000` asks for more"));
    expect(diagnosticWith(expectDiagnostics(train("mnist(flat: true, test: 20000)   // expect: E105 col 33: mnist has 10000 test images; `test: 20000` asks for more")), "E105").message).toContain("10000 test images");
    expectClean(train("mnist(flat: true, train: 55000, validation: 5000)"));
  });

  it("counts no validation images of mnist's own when the `validation` key replaces them", () => {
    expectClean(train("mnist(flat: true, train: 60000)\n  validation: 0.1"));
    // Written out, mnist's own validation part still counts (and E303 says the two clash).
    expectDiagnostics(train("mnist(flat: true, train: 60000, validation: 10000)   // expect: E105 col 53: mnist has 60000 training images, but train 60000 + validation 10000 = 70000\n  validation: 0.1   // expect: E303 col 15: validation data is given twice: by `validation` and by `mnist(validation: …)`"));
  });

  it("E105 for a negative count, E104 for a path that is not a string", () => {
    expectDiagnostics(train("mnist(flat: true, validation: -1)   // expect: E105 col 39: -1 is out of range: expected a value ≥ 0"));
    expectDiagnostics(train('csv(42, label: "y")   // expect: E104 col 13: expected a string, found the number 42'));
  });

  it("E103 for a dataset without its required arguments", () => {
    expectDiagnostics(train("csv(label: \"y\")   // expect: E103 col 9: `csv` needs the argument `path` (a string)"));
  });

  it("E303 for a user file with both classes and targets", () => {
    expectDiagnostics(train('csv("d.csv", label: "y", classes: 10, targets: 1)   // expect: E303 col 56: `csv` is given both `classes` (classification) and `targets` (regression)'));
  });

  it("E100 for an unknown dataset, with a suggestion", () => {
    const d = diagnosticWith(expectDiagnostics(train("mnsit()   // expect: E100 col 9: unknown dataset `mnsit`")), "E100");
    expect(d.help).toBe("did you mean `mnist`?");
  });
});

describe("what user sources with several tensors provide", () => {
  const path = (value: string): Value => ({ kind: "string", value });
  const list = (...items: Value[]): Value => ({ kind: "list", items });

  it("csv: one input per feature count, one output per label column", () => {
    const info = datasetInfo(dataset("csv", { path: path("d.csv"), label: list(path("a"), n(3)), features: list(n(10), n(4)) }))!;
    expect(info.inputCount).toBe(2);
    expect(info.examples.map(sizes)).toEqual([[10], [4]]);
    expect(info.outputCount).toBe(2);
    expect(info.targets).toEqual({ kind: "unknown" });
    expect(info.images).toBe(false);
  });

  it("npy: one input per x file, one output per y file; shape describes a single input", () => {
    const info = datasetInfo(dataset("npy", { x: list(path("a.npy"), path("b.npy")), y: path("y.npy"), classes: n(3) }))!;
    expect([info.inputCount, info.outputCount]).toEqual([2, 1]);
    expect(info.examples).toEqual([]);
    expect(info.targets).toEqual({ kind: "classes", classes: 3, perExample: false });
  });

  it("json: any number of inputs and outputs; class names count the classes", () => {
    const info = datasetInfo(dataset("json", { path: path("d.json"), classes: list(path("cat"), path("dog")) }))!;
    expect([info.inputCount, info.outputCount]).toEqual(["any", "any"]);
    expect(info.targets).toEqual({ kind: "classes", classes: 2, perExample: false });
    expect(info.realValued).toBe(false);
  });

  it("images: [height, width, channels] by color, classes, real-valued image examples", () => {
    const named = (name: string): Value => ({ kind: "enum", name });
    const gray = datasetInfo(dataset("images", { path: path("pics"), size: list(n(32), n(24)), color: named("grayscale") }))!;
    expect(sizes(singleExample(gray))).toEqual([32, 24, 1]);
    expect(gray.targets).toEqual({ kind: "classes", classes: undefined, perExample: true });
    expect(gray.realValued && gray.images).toBe(true);
    const rgba = datasetInfo(dataset("images", { path: path("pics"), size: list(n(8), n(8)), color: named("rgba"), classes: list(path("a"), path("b"), path("c")) }))!;
    expect(sizes(singleExample(rgba))).toEqual([8, 8, 4]);
    expect(rgba.targets).toMatchObject({ classes: 3 });
    expect(singleExample(datasetInfo(dataset("images", { path: path("pics") }))!)).toBeUndefined();
  });

  it("a user source has a validation part when it names one", () => {
    expect(datasetInfo(dataset("csv", { path: path("d.csv"), label: path("y"), validation: n(0.1) }))!.hasValidation).toBe(true);
    expect(datasetInfo(dataset("idx", { images: path("i"), labels: path("l"), test: n(0.1) }))!.hasValidation).toBe(false);
  });
});

describe("user source arguments", () => {
  const MODEL = `
model M {
  input x: [4]
  x -> dense(3, activation: softmax)
}`;
  const train = (data: string) => `${MODEL}
train M {
  data: ${data}
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
}`;

  it("takes test and validation parts: fractions or files laid out like the source's own", () => {
    expectClean(train('csv("d.csv", label: "y", test: 0.2, validation: "val.csv")'));
    expectClean(train('json("d.json", test: "t.json", validation: 0.25)'));
    expectClean(train('idx("i.idx", "l.idx", test: ["ti.idx", "tl.idx"], validation: 0.1)'));
    expectClean(train('npy("x.npy", "y.npy", test: ["tx.npy", "ty.npy"])'));
  });

  it("E105 for a fraction that is not strictly between 0 and 1", () => {
    expectDiagnostics(train('csv("d.csv", label: "y", test: 0)   // expect: E105 col 40: 0 is out of range: expected a value in (0, 1)'));
    expectDiagnostics(train('csv("d.csv", label: "y", validation: 1)   // expect: E105 col 46: 1 is out of range: expected a value in (0, 1)'));
    expectDiagnostics(train('csv("d.csv", label: "y", test: 1.5)   // expect: E105 col 40: 1.5 is out of range: expected a value in (0, 1)'));
  });

  it("E105 when the test and validation fractions leave nothing to train on", () => {
    const d = diagnosticWith(expectDiagnostics(train('csv("d.csv", label: "y", test: 0.5, validation: 0.5)   // expect: E105 col 57: the test and validation parts take 0.5 + 0.5 = 1 of `csv`\'s examples: none are left to train on')), "E105");
    expect(d.message).toContain("none are left to train on");
  });

  it("E104 for a list where one file goes, with the expected form in the help", () => {
    const d = diagnosticWith(expectDiagnostics(train('csv("d.csv", label: "y", test: ["a.csv", "b.csv"])   // expect: E104 col 40: the test part of `csv` is one CSV file; found a list')), "E104");
    expect(d.message).toBe("the test part of `csv` is one CSV file; found a list");
    expect(d.help).toContain('`test: "test.csv"`');
  });

  it("E104/E105 for idx parts that are not [images, labels]", () => {
    const one = diagnosticWith(expectDiagnostics(train('idx("i.idx", "l.idx", test: "t.idx")   // expect: E104 col 37: the test part of `idx` is two files, [images, labels]; found one file')), "E104");
    expect(one.help).toContain('test: ["test-images.idx", "test-labels.idx"]');
    const three = diagnosticWith(expectDiagnostics(train('idx("i.idx", "l.idx", validation: ["a", "b", "c"])   // expect: E105 col 43: the validation part of `idx` is two files, [images, labels]; found 3')), "E105");
    expect(three.message).toContain("found 3");
  });

  it("E105 for an npy part whose x or y names another number of files than the source's", () => {
    const d = diagnosticWith(expectDiagnostics(train('npy(["a.npy", "b.npy"], "y.npy", test: ["tx.npy", "ty.npy"])   // expect: E300 col 9: model `M` has one input (`x`), but `npy` gives 2 tensors per example // expect: E105 col 49: the test part\'s x names 1 file, but `x:` names 2 files (one per model input)')), "E105");
    expect(d.message).toContain("x names 1 file, but `x:` names 2 files");
    expect(d.help).toContain('test: [["test-x1.npy", "test-x2.npy"], "test-y.npy"]');
  });

  it("classes: a count of at least 2, or distinct names", () => {
    expectClean(train('csv("d.csv", label: "y", classes: ["a", "b", "c"])'));
    expectDiagnostics(train('csv("d.csv", label: "y", classes: 1)   // expect: E105 col 43: 1 is out of range: expected a value ≥ 2'));
    expectDiagnostics(train('json("d.json", classes: ["only"])   // expect: E105 col 33: `classes` names one class; a classifier needs at least two'));
    const d = diagnosticWith(expectDiagnostics(train('idx("i", "l", classes: ["a", "b", "a"])   // expect: E105 col 43: class name "a" is listed twice in `classes`')), "E105");
    expect(d.message).toBe('class name "a" is listed twice in `classes`');
    expect(d.labels[0].message).toBe("first listed here");
  });

  it("csv label columns are distinct; classes and targets describe a single output", () => {
    // Two label columns are also two outputs, where the model has one (E301).
    expectDiagnostics(train('csv("d.csv", label: ["y", "y"])   // expect: E301 col 9: model `M` has one output (`output`), but `csv` has 2 targets per example // expect: E105 col 35: column "y" is listed twice in `label`'));
    const d = diagnosticWith(expectDiagnostics(train('csv("d.csv", label: ["a", "b"], classes: 3)   // expect: E301 col 9: model `M` has one output (`output`), but `csv` has 2 targets per example // expect: E303 col 50: `classes` describes the targets of one output, but `label` names 2 columns, one per model output')), "E303");
    expect(d.help).toContain("remove `classes`");
  });

  it("npy shape describes one input", () => {
    expectDiagnostics(train('npy(["a.npy", "b.npy"], "y.npy", shape: [4])   // expect: E300 col 9: model `M` has one input (`x`), but `npy` gives 2 tensors per example // expect: E303 col 49: `shape` describes the examples of one input, but `x` names 2 files, one per model input'));
  });

  it("images: size is [height, width], classes are names", () => {
    const model = `
model I {
  input image: [8, 8, 3]
  image -> flatten -> dense(2, activation: softmax)
}
train I {
  data: DATA
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
}`;
    expectClean(model.replace("DATA", 'images("pics", size: [8, 8], classes: ["cat", "dog"], test: "test/", validation: 0.1)'));
    expectDiagnostics(model.replace("DATA", 'images("pics", size: [8, 8, 3])   // expect: E105 col 30: `size` is [height, width]; found 3 numbers'));
    expectDiagnostics(model.replace("DATA", 'images("pics", classes: 2)   // expect: E104 col 33: expected a string, found the number 2'));
    expectDiagnostics(model.replace("DATA", 'images("pics", color: cmyk)   // expect: E100 col 31: unknown color mode `cmyk`'));
  });

  it("E304 for a search space where the files need one value", () => {
    // Also a search space without `tune` (E303).
    expectDiagnostics(train('csv("d.csv", label: "y", test: choice(0.1, 0.2))   // expect: E303 col 40: `choice(…)` is a search space, but the training has no `tune` // expect: E304 col 40: `test` of `csv` describes the files; it cannot be searched'));
  });
});

describe("property: test and validation parts", () => {
  /** A source with a part of the given form, and the form the runtime reads. */
  const sources = {
    csv: { data: (part: string) => `csv("d.csv", label: "y", ${part})`, files: ['"p.csv"'], flat: ["p.csv"] },
    json: { data: (part: string) => `json("d.json", ${part})`, files: ['"p.json"'], flat: ["p.json"] },
    idx: { data: (part: string) => `idx("i", "l", ${part})`, files: ['["pi", "pl"]'], flat: ["pi", "pl"] },
    npy: { data: (part: string) => `npy(["a", "b"], "y", ${part})`, files: ['[["pa", "pb"], "py"]', '[["pa", "pb"], ["py"]]'], flat: ["pa", "pb", "py"] },
  } as const;
  const MODEL = `
model M {
  input x: [4]
  x -> dense(3, activation: softmax)
}`;

  it("a well-formed part resolves to its fraction or its files, flattened in reading order", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...(Object.keys(sources) as (keyof typeof sources)[])),
        fc.constantFrom("test", "validation"),
        fc.oneof(fc.integer({ min: 1, max: 99 }).map((p) => ({ fraction: p / 100 })), fc.nat(1).map((i) => ({ files: i }))),
        (kind, key, form) => {
          const source = sources[kind];
          const written = "fraction" in form ? String(form.fraction) : source.files[Math.min(form.files, source.files.length - 1)];
          const program = `${MODEL}\ntrain M {\n  data: ${source.data(`${key}: ${written}`)}\n  loss: cross_entropy\n  optimizer: sgd(lr: 0.1)\n}`;
          const result = checkSource(program, "p.nn");
          const errors = result.diagnostics.filter((d) => d.severity === "error");
          if (kind === "npy") {
            // Two inputs from x: the model has one, so only the part's form is judged here.
            expect(errors.map((d) => d.code)).toEqual(["E300"]);
            return;
          }
          expect(errors).toEqual([]);
          const data = result.trainings[0].resolved!.data as Record<string, unknown>;
          expect(data[key]).toEqual("fraction" in form ? { kind: "fraction", fraction: form.fraction } : { kind: "files", paths: source.flat });
        },
      ),
      { numRuns: 60 },
    );
  });

  it("an idx part is E104 for one file, E105 for a list of other than two, clean for two", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5 }), fc.boolean(), (count, bare) => {
        const files = Array.from({ length: count }, (_, i) => `"f${i}"`);
        const written = bare && count === 1 ? files[0] : `[${files.join(", ")}]`;
        const program = `${MODEL}\ntrain M {\n  data: idx("i", "l", test: ${written})\n  loss: cross_entropy\n  optimizer: sgd(lr: 0.1)\n}`;
        const codes = checkSource(program, "p.nn").diagnostics.map((d) => d.code);
        const expected = bare && count === 1 ? ["E104"] : count === 2 ? [] : ["E105"];
        expect(codes).toEqual(expected);
      }),
      { numRuns: 40 },
    );
  });

  it("an npy part's x and y must each name as many files as the source's", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), (xs, ys, px, py) => {
        const names = (prefix: string, k: number) => `[${Array.from({ length: k }, (_, i) => `"${prefix}${i}"`).join(", ")}]`;
        const data = `npy(${names("x", xs)}, ${names("y", ys)}, test: [${names("tx", px)}, ${names("ty", py)}])`;
        const program = `${MODEL}\ntrain M {\n  data: ${data}\n  loss: cross_entropy\n  optimizer: sgd(lr: 0.1)\n}`;
        const partErrors = checkSource(program, "p.nn").diagnostics.filter((d) => d.code === "E105");
        expect(partErrors.length).toBe(xs === px && ys === py ? 0 : 1);
      }),
      { numRuns: 60 },
    );
  });
});
