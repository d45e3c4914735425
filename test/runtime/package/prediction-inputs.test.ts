import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DataError } from "../../../runtime/data/examples.js";
import type { PackageFile, PackageInput } from "../../../runtime/package/format.js";
import { readPredictionInputs } from "../../../runtime/package/prediction-inputs.js";
import type { DataSetting, Settled } from "../../../runtime/core/settings.js";
import { csvSource, grayJpeg, grayPng, idxBytes, npyBytes, put, tempFolder } from "./fixtures.js";

/** A package as far as reading inputs needs one: inputs, outputs and the training's source. */
function pkgOf(inputs: readonly (readonly (number | null)[] | [string, readonly (number | null)[], ("float32" | "int32")?])[], source: Settled<DataSetting>, outputs: readonly string[] = ["out"]): PackageFile {
  const specs: PackageInput[] = inputs.map((input, i) => {
    const [name, shape, dtype] = typeof input[0] === "string" ? (input as [string, (number | null)[], ("float32" | "int32")?]) : [`in${i}`, input as (number | null)[], undefined];
    return { name, shape, dtype: dtype ?? "float32", preprocessing: { kind: "none" } };
  });
  return {
    format: "nnc-model-package",
    version: 1,
    kind: "model",
    label: "T",
    source: "t.nn",
    createdBy: "test",
    inputs: specs,
    outputs: outputs.map((name) => ({ name, shape: [3], classes: ["a", "b", "c"] })),
    data: { source, baseDir: "/nowhere", splitSeed: 0, seed: 0, limit: null, normalize: "none" },
    evaluation: { loss: [], lossWeights: null, metrics: [] },
    test: null,
    model: "model.json",
    customLayers: null,
  };
}

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(DataError);
    return (error as Error).message;
  }
  throw new Error("expected a DataError");
}

const rowsOf = (values: Float32Array, size: number) => Array.from({ length: values.length / size }, (_, r) => Array.from(values.subarray(r * size, (r + 1) * size)));

const IMAGES: Settled<DataSetting> = { kind: "images", path: "photos", size: [4, 4], color: "grayscale", scale: 1 / 255, classes: null, test: null, validation: null };
const MNIST_FLAT: Settled<DataSetting> = { kind: "mnist", train: 60000, validation: 0, test: 10000, flat: true };

describe("readPredictionInputs: CSV", () => {
  const pkg = pkgOf([["measurements", [3]]], csvSource("iris.csv", "species"));

  it("reads the feature columns, skipping the label column when the file has it", () => {
    const dir = tempFolder();
    put(dir, "with.csv", "a,species,b,c\n1,x,2,3\n4,,5,6\n");
    put(dir, "without.csv", "a,b,c\n1,2,3\n4,5,6\n");
    const withLabels = readPredictionInputs(pkg, ["with.csv"], dir);
    const without = readPredictionInputs(pkg, ["without.csv"], dir);
    expect(rowsOf(withLabels.inputs[0].values, 3)).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(without.inputs[0].values).toEqual(withLabels.inputs[0].values);
    expect(withLabels.rows).toEqual(["with.csv:2", "with.csv:3"]);
    expect(without.count).toBe(2);
  });

  it("takes a label given by index when the file has more columns than the model's features", () => {
    const dir = tempFolder();
    const byIndex = pkgOf([[2]], csvSource("d.csv", 0));
    put(dir, "labelled.csv", "7,1,2\n8,3,4\n");
    put(dir, "bare.csv", "1,2\n3,4\n");
    expect(rowsOf(readPredictionInputs(byIndex, ["labelled.csv"], dir).inputs[0].values, 2)).toEqual([[1, 2], [3, 4]]);
    expect(rowsOf(readPredictionInputs(byIndex, ["bare.csv"], dir).inputs[0].values, 2)).toEqual([[1, 2], [3, 4]]);
  });

  it("splits the columns among several inputs and puts several files one after the other", () => {
    const dir = tempFolder();
    const two = pkgOf([["a", [1]], ["b", [2]]], csvSource("d.csv", "y"));
    put(dir, "one.csv", "p,q,r\n1,2,3\n");
    put(dir, "two.csv", "p,q,r,y\n4,5,6,k\n");
    const read = readPredictionInputs(two, ["one.csv", "two.csv"], dir);
    expect(read.inputs.map((c) => Array.from(c.values))).toEqual([[1, 4], [2, 3, 5, 6]]);
    expect(read.rows).toEqual(["one.csv:2", "two.csv:2"]);
  });

  it("names the file when its columns do not fit the model", () => {
    const dir = tempFolder();
    put(dir, "narrow.csv", "a,b\n1,2\n");
    expect(errorOf(() => readPredictionInputs(pkg, ["narrow.csv"], dir))).toBe("narrow.csv: 2 feature columns (the file has no label column), but the model takes 3");
    put(dir, "wide.csv", "a,b,c,d,species\n1,2,3,4,x\n");
    expect(errorOf(() => readPredictionInputs(pkg, ["wide.csv"], dir))).toBe('wide.csv: 4 feature columns (every column but the label column "species"), but the model takes 3');
    put(dir, "ragged.csv", "a,b,c\n1,2,3\n4,5\n");
    expect(errorOf(() => readPredictionInputs(pkg, ["ragged.csv"], dir))).toBe("ragged.csv:3: expected 3 columns, found 2");
    expect(errorOf(() => readPredictionInputs(pkg, ["missing.csv"], dir))).toMatch(/^cannot read missing\.csv \(resolved to .*missing\.csv\): no such file or folder$/);
  });

  it("checks token ids of int32 inputs", () => {
    const dir = tempFolder();
    put(dir, "ids.csv", "a,b\n1,2\n3,4.5\n");
    expect(errorOf(() => readPredictionInputs(pkgOf([["tokens", [2], "int32"]], csvSource("d.csv", "y")), ["ids.csv"], dir))).toBe("ids.csv:3: input `tokens` takes integer token ids, found 4.5");
  });
});

describe("readPredictionInputs: JSON, NPY, IDX", () => {
  it("JSON: the input key `x` or the input's name; target keys may be there or not", () => {
    const dir = tempFolder();
    const pkg = pkgOf([["measurements", [2]]], { kind: "json", path: "d.json", shape: null, classes: null, targets: null, test: null, validation: null }, ["species"]);
    put(dir, "x.json", JSON.stringify([{ x: [1, 2] }, { x: [3, 4], y: "a" }]));
    put(dir, "named.json", JSON.stringify({ measurements: [[1, 2], [3, 4]] }));
    for (const file of ["x.json", "named.json"]) expect(rowsOf(readPredictionInputs(pkg, [file], dir).inputs[0].values, 2)).toEqual([[1, 2], [3, 4]]);
    expect(readPredictionInputs(pkg, ["x.json"], dir).rows).toEqual(["x.json: example 0", "x.json: example 1"]);
    put(dir, "short.json", JSON.stringify([{ x: [1, 2] }, { x: [3] }]));
    expect(errorOf(() => readPredictionInputs(pkg, ["short.json"], dir))).toBe("short.json: example 1: x has shape [1], expected [2]");
  });

  it("JSON with several inputs names the missing key", () => {
    const dir = tempFolder();
    const pkg = pkgOf([["image", [2]], ["meta", [1]]], { kind: "json", path: "d.json", shape: null, classes: null, targets: null, test: null, validation: null }, ["kind", "size"]);
    put(dir, "two.json", JSON.stringify([{ image: [1, 2], meta: 5 }]));
    expect(readPredictionInputs(pkg, ["two.json"], dir).inputs.map((c) => [Array.from(c.values), c.shape])).toEqual([[[1, 2], [2]], [[5], [1]]]);
    put(dir, "one.json", JSON.stringify([{ image: [1, 2] }]));
    expect(errorOf(() => readPredictionInputs(pkg, ["one.json"], dir))).toContain('one.json: the model\'s inputs are "image", "meta", but the examples have no key "meta"');
  });

  it("NPY: one file per input, in order; shapes checked against each input", () => {
    const dir = tempFolder();
    const pkg = pkgOf([["a", [2, 2, 1]], ["b", [3]]], { kind: "npy", x: ["a.npy", "b.npy"], y: ["y.npy"], shape: null, classes: null, targets: null, test: null, validation: null });
    put(dir, "a.npy", npyBytes([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]));
    put(dir, "b.npy", npyBytes([1, 2, 3, 4, 5, 6], [2, 3]));
    const read = readPredictionInputs(pkg, ["a.npy", "b.npy"], dir);
    expect(read.inputs.map((c) => c.shape)).toEqual([[2, 2, 1], [3]]);
    expect(read.rows).toEqual(["a.npy: example 0", "a.npy: example 1"]);
    expect(errorOf(() => readPredictionInputs(pkg, ["a.npy"], dir))).toBe("the model takes 2 inputs (`a`, `b`): give one .npy file per input, in that order; got 1 (a.npy)");
    expect(errorOf(() => readPredictionInputs(pkg, ["b.npy", "a.npy"], dir))).toBe("b.npy: each example gives input `a` as [3] (3 values), but the model takes [2, 2, 1]");
    put(dir, "c.npy", npyBytes([1, 2, 3], [1, 3]));
    expect(errorOf(() => readPredictionInputs(pkg, ["a.npy", "c.npy"], dir))).toBe("a.npy holds 2 examples (shape [2, 2, 2]) but c.npy holds 1 (shape [1, 3]); the first axes must match");
  });

  it("IDX: unsigned bytes scaled to [0, 1], reshaped to the model's input (flat for mnist(flat: true))", () => {
    const dir = tempFolder();
    const pixels = Array.from({ length: 2 * 28 * 28 }, (_, i) => i % 256);
    put(dir, "images-idx3-ubyte", idxBytes(pixels, [2, 28, 28]));
    const flat = readPredictionInputs(pkgOf([[784]], MNIST_FLAT), ["images-idx3-ubyte"], dir);
    expect(flat.inputs[0].shape).toEqual([784]);
    expect(flat.inputs[0].values[255]).toBeCloseTo(1);
    expect(flat.rows).toEqual(["images-idx3-ubyte: example 0", "images-idx3-ubyte: example 1"]);
    const image = readPredictionInputs(pkgOf([[28, 28, 1]], { ...MNIST_FLAT, flat: false }), ["images-idx3-ubyte"], dir);
    expect(image.inputs[0].shape).toEqual([28, 28, 1]);
    expect(errorOf(() => readPredictionInputs(pkgOf([[10]], MNIST_FLAT), ["images-idx3-ubyte"], dir))).toBe("images-idx3-ubyte: each example gives input `in0` as [28, 28] (784 values), but the model takes [10]");
  });
});

describe("readPredictionInputs: images", () => {
  it("reads files and folders (recursively, sorted) with the training's image options", () => {
    const dir = tempFolder();
    put(dir, "photos/b/2.png", grayPng(8, 8, 255));
    put(dir, "photos/a.jpg", grayJpeg(4, 4, 0));
    put(dir, "photos/b/1.PNG", grayPng(4, 4, 51));
    put(dir, "photos/.hidden.png", "not an image");
    put(dir, "photos/notes.txt", "ignored");
    put(dir, "one.png", grayPng(2, 2, 102));
    const read = readPredictionInputs(pkgOf([[4, 4, 1]], IMAGES), ["photos/", "one.png"], dir);
    expect(read.rows).toEqual(["photos/a.jpg", "photos/b/1.PNG", "photos/b/2.png", "one.png"]);
    expect(read.inputs[0].shape).toEqual([4, 4, 1]);
    expect(read.count).toBe(4);
    const firstPixel = (i: number) => read.inputs[0].values[i * 16];
    expect([firstPixel(0), firstPixel(1), firstPixel(2), firstPixel(3)].map((v) => Number(v.toFixed(4)))).toEqual([0, 0.2, 1, 0.4]);
  });

  it("an mnist(flat: true) model takes 28×28 gray images, flattened", () => {
    const dir = tempFolder();
    put(dir, "digit.png", grayPng(28, 28, 255));
    const read = readPredictionInputs(pkgOf([[784]], MNIST_FLAT), ["digit.png"], dir);
    expect(read.inputs[0].shape).toEqual([784]);
    expect(read.inputs[0].values.every((v) => Math.abs(v - 1) < 1e-6)).toBe(true);
  });

  it("rejects an image of another size when the training did not resize, a text file named .png, an empty folder", () => {
    const dir = tempFolder();
    const unsized = pkgOf([[4, 4, 1]], { ...IMAGES, size: null } as Settled<DataSetting>);
    put(dir, "big.png", grayPng(5, 5, 0));
    expect(errorOf(() => readPredictionInputs(unsized, ["big.png"], dir))).toBe(
      "big.png is 5×5 pixels with 1 channel, but the model takes 4×4 pixels with 1 channel; its training did not resize images (its data source has no `size`): resize the image to the model's size first",
    );
    put(dir, "fake.png", "hello");
    expect(errorOf(() => readPredictionInputs(pkgOf([[4, 4, 1]], IMAGES), ["fake.png"], dir))).toContain('image "fake.png" is not a PNG or JPEG file');
    mkdirSync(join(dir, "empty"));
    expect(errorOf(() => readPredictionInputs(pkgOf([[4, 4, 1]], IMAGES), ["empty"], dir))).toBe("empty: the folder holds no images (.png, .jpg or .jpeg files), in it or below it");
  });

  it("rejects images for a model not trained on images, and files of mixed kinds", () => {
    const dir = tempFolder();
    put(dir, "a.png", grayPng(2, 2, 0));
    put(dir, "b.csv", "1,2\n");
    expect(errorOf(() => readPredictionInputs(pkgOf([[4]], csvSource("d.csv", "y")), ["a.png"], dir))).toBe(
      "a.png: the model was trained on CSV data, not on images, so nnc predict does not know how to turn an image into its inputs; give CSV files",
    );
    expect(errorOf(() => readPredictionInputs(pkgOf([[4, 4, 1]], IMAGES), ["a.png", "b.csv"], dir))).toBe("a.png is an image or a folder of images but b.csv is a CSV file; give files of one kind (run nnc predict once per kind)");
  });
});
