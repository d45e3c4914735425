import { describe, expect, it } from "vitest";
import { DATASETS, datasetInfo } from "../../compiler/training/datasets.js";
import { constValue } from "../../compiler/shapes/dim.js";
import type { Shape } from "../../compiler/shapes/shape.js";
import type { BoundArgs, Value } from "../../compiler/schema/values.js";
import { diagnosticWith, expectClean, expectDiagnostics } from "../support/expect-diagnostics.js";

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
    expect(sizes(images.example)).toEqual([28, 28, 1]);
    expect(images.targets).toEqual({ kind: "classes", classes: 10 });
    expect(images.hasValidation).toBe(true);
    expect(images.trainSize).toBe(50_000);
    const flat = datasetInfo(dataset("mnist", { flat: { kind: "bool", value: true }, validation: n(0) }))!;
    expect(sizes(flat.example)).toEqual([784]);
    expect(flat.hasValidation).toBe(false);
  });

  it("adding_problem: [length, 2] sequences, regression targets [1]", () => {
    const info = datasetInfo(dataset("adding_problem", { length: n(50) }))!;
    expect(sizes(info.example)).toEqual([50, 2]);
    expect(info.targets.kind).toBe("regression");
    expect(info.hasValidation).toBe(true);
    expect(datasetInfo(dataset("adding_problem", { length: n(50), validation: n(0) }))!.hasValidation).toBe(false);
  });

  it("user files: unknown unless their arguments say", () => {
    const path = (value: string): Value => ({ kind: "string", value });
    const unknown = datasetInfo(dataset("csv", { path: path("d.csv"), label: path("y") }))!;
    expect(unknown.example).toBeUndefined();
    expect(unknown.targets).toEqual({ kind: "unknown" });
    expect(unknown.hasValidation).toBe(false);
    const known = datasetInfo(dataset("csv", { path: path("d.csv"), label: path("y"), features: n(784), classes: n(10) }))!;
    expect(sizes(known.example)).toEqual([784]);
    expect(known.targets).toEqual({ kind: "classes", classes: 10 });
    const npy = datasetInfo(dataset("npy", { x: path("x.npy"), y: path("y.npy"), shape: { kind: "list", items: [n(28), n(28), n(1)] }, targets: n(3) }))!;
    expect(sizes(npy.example)).toEqual([28, 28, 1]);
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
    const d = diagnosticWith(expectDiagnostics(train("mnist(flat: true, train: 55000)   // expect: E105")), "E105");
    expect(d.message).toContain("60000 training images");
    expect(d.help).toContain("50000");
    expectDiagnostics(train("mnist(flat: true, train: 70000, validation: 0)   // expect: E105"));
    expect(diagnosticWith(expectDiagnostics(train("mnist(flat: true, test: 20000)   // expect: E105")), "E105").message).toContain("10000 test images");
    expectClean(train("mnist(flat: true, train: 55000, validation: 5000)"));
  });

  it("E105 for a negative count, E104 for a path that is not a string", () => {
    expectDiagnostics(train("mnist(flat: true, validation: -1)   // expect: E105"));
    expectDiagnostics(train('csv(42, label: "y")   // expect: E104'));
  });

  it("E103 for a dataset without its required arguments", () => {
    expectDiagnostics(train("csv(label: \"y\")   // expect: E103"));
  });

  it("E303 for a user file with both classes and targets", () => {
    expectDiagnostics(train('csv("d.csv", label: "y", classes: 10, targets: 1)   // expect: E303'));
  });

  it("E100 for an unknown dataset, with a suggestion", () => {
    const d = diagnosticWith(expectDiagnostics(train("mnsit()   // expect: E100")), "E100");
    expect(d.help).toBe("did you mean `mnist`?");
  });
});
