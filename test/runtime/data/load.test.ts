/**
 * A user source through `loadTrainingData`: its test and validation parts (files of their own, or
 * seeded fractions of the training file), the training part deciding the classes, several inputs
 * and outputs, integer inputs, and normalization with the training part's statistics.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { dataErrorOf as errorOf } from "../../support/data-errors.js";
import { argmaxRows, NO_PARTS, resolvedTraining, rowsOf } from "../../support/user-data.js";
import { DataError, indexNames, type Examples } from "../../../runtime/data/examples.js";
import { loadTrainingData, loadUserParts, type LoadOptions, type ModelIO } from "../../../runtime/data/load.js";
import type { UserDataSetting } from "../../../runtime/data/load-user-data.js";
import type { TensorSpec } from "../../../runtime/core/program.js";
import { settle, type DataSetting, type PartSetting, type ResolvedTraining } from "../../../runtime/core/settings.js";

const dir = mkdtempSync(join(tmpdir(), "nnc-load-"));

function write(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return name;
}

const spec = (name: string, shape: (number | null)[], dtype: TensorSpec["dtype"] = "float32"): TensorSpec => ({ name, shape, dtype });

function options(more: Partial<LoadOptions> = {}): LoadOptions {
  return { baseDir: dir, seed: 1, splitSeed: 0, model: null, ...more };
}

function csv(path: string, label: readonly (string | number)[], more: Partial<Extract<UserDataSetting, { kind: "csv" }>> = {}): Extract<UserDataSetting, { kind: "csv" }> {
  return { kind: "csv", path, label, features: null, classes: null, targets: null, ...NO_PARTS, ...more };
}

function load(data: DataSetting, more: Partial<LoadOptions> = {}, training: Partial<ResolvedTraining> = {}) {
  return loadTrainingData(settle(resolvedTraining(data, training)), options(more));
}

/** The first feature of every row of a part's first input: the row ids of the files below. */
function ids(part: Examples | null): number[] {
  return part ? rowsOf(part.inputs[0], part.count).map((r) => r[0]) : [];
}

describe("a CSV of class names with a test file of its own", () => {
  write("iris.csv", "a,b,species\n1,2,virginica\n3,4,setosa\n5,6,versicolor\n7,8,setosa\n");
  write("test.csv", "a,b,species\n9,10,setosa\n11,12,virginica\n");
  write("test-unknown.csv", "a,b,species\n9,10,setosa\n11,12,daisy\n");
  const setting = csv("iris.csv", ["species"], { test: { kind: "files", paths: ["test.csv"] } });
  const model: ModelIO = { inputs: [spec("x", [2])], outputs: [spec("species", [3])] };

  it("encodes the test part with the training part's classes", () => {
    for (const m of [null, model]) {
      const data = load(setting, { model: m });
      expect(data.train.targets[0].classes).toEqual(["setosa", "versicolor", "virginica"]);
      expect(argmaxRows(data.train.targets[0], 4)).toEqual([2, 0, 1, 0]);
      // The test file has two of the three names, and keeps three classes in the same order.
      expect(data.test!.targets[0]).toMatchObject({ shape: [3], classes: ["setosa", "versicolor", "virginica"] });
      expect(rowsOf(data.test!.targets[0], 2)).toEqual([
        [1, 0, 0],
        [0, 0, 1],
      ]);
      expect(ids(data.test)).toEqual([9, 11]);
      expect(data.validation).toBeNull();
      expect(data.description).toBe("CSV file iris.csv");
    }
  });

  it("reports a test name the training part does not have, naming the test file and its line", () => {
    const unknown = { ...setting, test: { kind: "files", paths: ["test-unknown.csv"] } } as const;
    expect(errorOf(() => load(unknown))).toBe('test-unknown.csv:3: class "daisy" is not one of the training data\'s classes ("setosa", "versicolor", "virginica")');
    // The same file as a validation part.
    expect(errorOf(() => load({ ...setting, test: null, validation: { kind: "files", paths: ["test-unknown.csv"] } }))).toBe(
      'test-unknown.csv:3: class "daisy" is not one of the training data\'s classes ("setosa", "versicolor", "virginica")',
    );
  });

  it("takes the order of `classes` names", () => {
    const data = load({ ...setting, classes: ["virginica", "versicolor", "setosa"] });
    expect(data.test!.targets[0].classes).toEqual(["virginica", "versicolor", "setosa"]);
    expect(argmaxRows(data.test!.targets[0], 2)).toEqual([2, 0]);
  });

  // Known runtime bug: loadUserParts (runtime/data/load.ts) never compares a part's input or target
  // shapes with the training part's. A validation file with an extra column then trains and reports
  // a val_loss of misread rows on the compiled native step (a tfjs shape error through autograd),
  // and a test file is reported only after training, naming the .nn file. Drop `.fails` once the
  // loader reports the part file.
  it("rejects a part file whose examples have another shape than the training file's, naming it", () => {
    write("test-wide.csv", "a,b,c,species\n1,2,3,setosa\n");
    for (const key of ["test", "validation"] as const) {
      const wide = { ...setting, test: null, [key]: { kind: "files", paths: ["test-wide.csv"] } };
      for (const m of [null, model]) expect(errorOf(() => load(wide, { model: m }))).toMatch(/^test-wide\.csv\b/);
    }
  });
});

describe("a `validation:` dataset of its own", () => {
  write("pets.csv", "a,b,kind\n1,2,cat\n3,4,dog\n5,6,fox\n");
  write("pets-val.csv", "a,b,kind\n1,2,dog\n3,4,fox\n5,6,fox\n");
  write("pets-val-owl.csv", "a,b,kind\n1,2,dog\n3,4,fox\n5,6,owl\n");
  const model: ModelIO = { inputs: [spec("x", [2])], outputs: [spec("kind", [3])] };
  const withValidation = (path: string) => load(csv("pets.csv", ["kind"]), { model }, { validation: { kind: "dataset", data: csv(path, ["kind"]) } });

  it("replaces the source's validation part", () => {
    const data = withValidation("pets-val.csv");
    expect(data.validation!.count).toBe(3);
    expect(ids(data.validation)).toEqual([1, 3, 5]);
  });

  // Known runtime bug: applyValidationKey (runtime/data/load.ts, case "dataset") encodes the other
  // dataset with classes of its own, not the training part's: here "dog" becomes class 0, which
  // is "cat" in training, and "owl" is silently a class. Drop `.fails` once it is encoded with the
  // training part's classes.
  it("encodes it with the training part's classes and reports a name the training part does not have", () => {
    const data = withValidation("pets-val.csv");
    expect(data.validation!.targets[0].classes).toEqual(["cat", "dog", "fox"]);
    expect(argmaxRows(data.validation!.targets[0], 3)).toEqual([1, 2, 2]);
    expect(errorOf(() => withValidation("pets-val-owl.csv"))).toBe('pets-val-owl.csv:4: class "owl" is not one of the training data\'s classes ("cat", "dog", "fox")');
  });
});

describe("fraction parts", () => {
  const count = 50;
  // Row i: id i, a second feature i², and class i mod 3.
  write("rows.csv", "id,square,label\n" + Array.from({ length: count }, (_, i) => `${i},${i * i},${i % 3}`).join("\n") + "\n");
  const parts = (test: number | null, validation: number | null): UserDataSetting =>
    csv("rows.csv", ["label"], {
      test: test === null ? null : ({ kind: "fraction", fraction: test } satisfies PartSetting),
      validation: validation === null ? null : ({ kind: "fraction", fraction: validation } satisfies PartSetting),
    });

  it("split the file at random into disjoint parts that cover it: test first, then validation", () => {
    const data = load(parts(0.2, 0.1));
    expect([data.train.count, data.validation!.count, data.test!.count]).toEqual([35, 5, 10]);
    const all = [...ids(data.train), ...ids(data.validation), ...ids(data.test)];
    expect(new Set(all).size).toBe(count);
    expect([...all].sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i));
    // Not the file's first or last rows: a random split.
    expect(ids(data.test)).not.toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(ids(data.test)).not.toEqual(Array.from({ length: 10 }, (_, i) => 40 + i));
    // Each row keeps its label.
    for (const part of [data.train, data.validation!, data.test!]) expect(argmaxRows(part.targets[0], part.count)).toEqual(ids(part).map((i) => i % 3));
    // The test part is the same whether or not a validation part is taken after it.
    expect(ids(load(parts(0.2, null)).test)).toEqual(ids(data.test));
  });

  it("are the same for the same split seed and differ for another", () => {
    const a = load(parts(0.2, 0.1), { splitSeed: 7 });
    const b = load(parts(0.2, 0.1), { splitSeed: 7, seed: 99 });
    expect(ids(b.test)).toEqual(ids(a.test));
    expect(ids(b.validation)).toEqual(ids(a.validation));
    expect(ids(b.train)).toEqual(ids(a.train));
    const c = load(parts(0.2, 0.1), { splitSeed: 8 });
    expect(ids(c.test)).not.toEqual(ids(a.test));
  });

  it("are cut before `--limit` caps each part", () => {
    const whole = load(parts(0.2, 0.1));
    const capped = load(parts(0.2, 0.1), { limit: 3 });
    expect([capped.train.count, capped.validation!.count, capped.test!.count]).toEqual([3, 3, 3]);
    expect(ids(capped.test)).toEqual(ids(whole.test).slice(0, 3));
    expect(ids(capped.validation)).toEqual(ids(whole.validation).slice(0, 3));
    expect(ids(capped.train)).toEqual(ids(whole.train).slice(0, 3));
  });

  it("leave the test rows out of the training part's normalization statistics", () => {
    const raw = load(parts(0.2, 0.1));
    const data = load(parts(0.2, 0.1), {}, { normalize: "standardize" });
    const training = rowsOf(raw.train.inputs[0], raw.train.count);
    const mean = [0, 1].map((f) => training.reduce((s, r) => s + r[f], 0) / training.length);
    const std = [0, 1].map((f) => Math.sqrt(training.reduce((s, r) => s + (r[f] - mean[f]) ** 2, 0) / training.length));
    const p = data.preprocessing[0];
    if (p.kind !== "standardize") throw new Error(`expected standardize, got ${p.kind}`);
    p.shift.forEach((v, f) => expect(v).toBeCloseTo(mean[f], 3));
    p.scale.forEach((v, f) => expect(v / std[f]).toBeCloseTo(1, 5));
    // Not the whole file's mean (24.5 for the ids) unless by chance; here the test rows move it.
    const fileMean = (count - 1) / 2;
    const testMean = ids(raw.test).reduce((a, b) => a + b, 0) / raw.test!.count;
    if (testMean !== fileMean) expect(p.shift[0]).not.toBeCloseTo(fileMean, 3);
    // Every part is shifted and scaled by the training statistics.
    const test = rowsOf(raw.test!.inputs[0], raw.test!.count);
    rowsOf(data.test!.inputs[0], data.test!.count).forEach((row, r) => row.forEach((v, f) => expect(v).toBeCloseTo((test[r][f] - p.shift[f]) / p.scale[f], 4)));
    // minmax likewise: the training part's smallest and largest values.
    const minmax = load(parts(0.2, 0.1), {}, { normalize: "minmax" }).preprocessing[0];
    if (minmax.kind !== "minmax") throw new Error(`expected minmax, got ${minmax.kind}`);
    expect(minmax.shift[0]).toBe(Math.min(...ids(raw.train)));
    expect(minmax.scale[0]).toBe(Math.max(...ids(raw.train)) - Math.min(...ids(raw.train)));
  });

  it("decide the classes from the training part, so a class only the test rows hold is reported with its line", () => {
    write("rare.csv", "x,label\n" + Array.from({ length: 20 }, (_, i) => `${i},${i === 13 ? "rare" : i % 2 ? "odd" : "even"}`).join("\n") + "\n");
    const setting = csv("rare.csv", ["label"], { test: { kind: "fraction", fraction: 0.25 } });
    const outcomes = new Set<string>();
    for (let seed = 0; seed < 40; seed++) {
      try {
        const data = load(setting, { splitSeed: seed });
        expect(data.train.targets[0].classes).toEqual(["even", "odd", "rare"]);
        outcomes.add("loaded");
      } catch (error) {
        expect(error).toBeInstanceOf(DataError);
        // Row 13 is line 15 of the file (after the header), whichever row of the part it became.
        expect((error as Error).message).toBe('rare.csv:15: class "rare" is not one of the training data\'s classes ("even", "odd")');
        outcomes.add("reported");
      }
    }
    expect(outcomes).toEqual(new Set(["loaded", "reported"]));
  });

  it("must leave examples for both sides", () => {
    expect(errorOf(() => load(parts(0.001, null)))).toBe("rows.csv: `test: 0.001` of 50 examples leaves 0 for test and 50 for training; both need at least one");
    expect(errorOf(() => load(parts(0.5, 0.5)))).toBe("rows.csv: `validation: 0.5` of 50 examples leaves 25 for validation and 0 for training; both need at least one");
  });
});

describe("`--limit` with the `validation` key's fraction", () => {
  write("ids.csv", "id,label\n" + Array.from({ length: 50 }, (_, i) => `${i},${i % 2}`).join("\n") + "\n");
  const byKey = (fraction: number) => ({ validation: { kind: "fraction" as const, fraction } });

  it("caps every part after the split, for every source: first N of each part", () => {
    const sources: DataSetting[] = [
      { kind: "mnist", train: 1000, validation: 0, test: 100, flat: true },
      { kind: "adding_problem", length: 6, train: 1000, validation: 0, test: 100 },
      csv("ids.csv", ["label"], { test: { kind: "fraction", fraction: 0.2 } }),
    ];
    for (const source of sources) {
      const whole = load(source, {}, byKey(0.1));
      const capped = load(source, { limit: 300 }, byKey(0.1));
      const limit = 300;
      expect([capped.train.count, capped.validation!.count, capped.test!.count], source.kind).toEqual([Math.min(limit, whole.train.count), Math.min(limit, whole.validation!.count), Math.min(limit, whole.test!.count)]);
      for (const part of ["train", "validation", "test"] as const) {
        const a = whole[part]!;
        const b = capped[part]!;
        const size = a.inputs[0].values.length / a.count;
        expect(Array.from(b.inputs[0].values), `${source.kind} ${part}`).toEqual(Array.from(a.inputs[0].values.subarray(0, b.count * size)));
      }
    }
    // mnist(train: 1000) with `validation: 0.1`: 900 training and 100 validation images, then the first 300 of each.
    const mnist = load(sources[0], { limit: 300 }, byKey(0.1));
    expect([mnist.train.count, mnist.validation!.count, mnist.test!.count]).toEqual([300, 100, 100]);
  });

  it("on a CSV: any limit keeps a prefix of each part the split made without it", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 60 }), (tenths, limit) => {
        const source = csv("ids.csv", ["label"]);
        const whole = load(source, {}, byKey(tenths / 10));
        const capped = load(source, { limit }, byKey(tenths / 10));
        expect(ids(capped.train)).toEqual(ids(whole.train).slice(0, limit));
        expect(ids(capped.validation)).toEqual(ids(whole.validation).slice(0, limit));
      }),
      { numRuns: 30 },
    );
  });
});

describe("several inputs and outputs", () => {
  it("a CSV with `features: [2, 3]` and two label columns gives two inputs and two targets", () => {
    write("pets.csv", "kind,w,h,size,r,g,b\ncat,1,2,0.5,3,4,5\ndog,6,7,1.5,8,9,10\ncat,11,12,2.5,13,14,15\n");
    const setting = csv("pets.csv", ["kind", "size"], { features: [2, 3] });
    const model: ModelIO = { inputs: [spec("shape", [2]), spec("color", [3])], outputs: [spec("kind", [2]), spec("size", [1])] };
    const data = load(setting, { model }, { loss: [{ kind: "cross_entropy", fromLogits: false }, { kind: "mse" }] });
    expect(data.train.inputs.map((c) => c.shape)).toEqual([[2], [3]]);
    expect(rowsOf(data.train.inputs[1], 3)).toEqual([
      [3, 4, 5],
      [8, 9, 10],
      [13, 14, 15],
    ]);
    expect(data.train.targets[0]).toMatchObject({ shape: [2], classes: ["cat", "dog"] });
    expect(rowsOf(data.train.targets[0], 3)).toEqual([
      [1, 0],
      [0, 1],
      [1, 0],
    ]);
    expect(data.train.targets[1]).toEqual({ values: Float32Array.of(0.5, 1.5, 2.5), shape: [1], classes: null });
    expect(data.preprocessing).toEqual([{ kind: "none" }, { kind: "none" }]);
    // Two names into one sigmoid unit: 0/1.
    const binary = load(setting, { model: { ...model, outputs: [spec("kind", [1]), spec("size", [1])] } });
    expect(binary.train.targets[0]).toEqual({ values: Float32Array.of(0, 1, 0), shape: [1], classes: ["cat", "dog"] });
    // `classes` and `targets` describe a source of one output only.
    expect(load({ ...setting, classes: 5 }, { model }).train.targets[0].classes).toEqual(["cat", "dog"]);
    // The data must feed every input and match every output.
    expect(errorOf(() => load(csv("pets.csv", ["kind", "size"]), { model }))).toBe("pets.csv gives 1 input per example, but the model takes 2 (shape, color)");
    expect(errorOf(() => load({ ...setting, label: ["kind"], features: [3, 3] }, { model }))).toBe("pets.csv gives 1 target per example, but the model has 2 outputs (kind, size)");
  });

  it("a JSON file keyed by the model's input and output names", () => {
    write(
      "named.json",
      JSON.stringify([
        { image: [[1, 2], [3, 4]], meta: [0.5], kind: "cat", size: 2.5 },
        { image: [[5, 6], [7, 8]], meta: [1.5], kind: "dog", size: 3.5 },
        { image: [[9, 9], [9, 9]], meta: [2.5], kind: "bird", size: 4.5 },
      ]),
    );
    const model: ModelIO = { inputs: [spec("image", [2, 2]), spec("meta", [1])], outputs: [spec("kind", [3]), spec("size", [1])] };
    const data = load({ kind: "json", path: "named.json", shape: null, classes: null, targets: null, ...NO_PARTS }, { model });
    expect(data.train.inputs.map((c) => c.shape)).toEqual([[2, 2], [1]]);
    expect(Array.from(data.train.inputs[1].values)).toEqual([0.5, 1.5, 2.5]);
    expect(data.train.targets[0].classes).toEqual(["bird", "cat", "dog"]);
    expect(argmaxRows(data.train.targets[0], 3)).toEqual([1, 2, 0]);
    expect(data.train.targets[1]).toEqual({ values: Float32Array.of(2.5, 3.5, 4.5), shape: [1], classes: null });
  });

  it("npy with two x files, classes inferred from the output's width", () => {
    const npy = (name: string, descr: string, shape: number[], values: number[]) => {
      const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
      let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${tuple}, }`;
      header += " ".repeat(63 - ((10 + header.length) % 64)) + "\n";
      const size = descr === "<i4" || descr === "<f4" ? 4 : 8;
      const bytes = Buffer.alloc(10 + header.length + values.length * size);
      bytes.set([0x93, ...Buffer.from("NUMPY"), 1, 0]);
      bytes.writeUInt16LE(header.length, 8);
      bytes.write(header, 10, "latin1");
      values.forEach((v, i) => (descr === "<i4" ? bytes.writeInt32LE(v, 10 + header.length + i * 4) : bytes.writeFloatLE(v, 10 + header.length + i * 4)));
      writeFileSync(join(dir, name), bytes);
      return name;
    };
    const setting: UserDataSetting = {
      kind: "npy",
      x: [npy("a.npy", "<f4", [3, 2], [1, 2, 3, 4, 5, 6]), npy("b.npy", "<i4", [3, 4], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])],
      y: [npy("y.npy", "<i4", [3], [1, 0, 1])],
      shape: null,
      classes: null,
      targets: null,
      ...NO_PARTS,
    };
    const model: ModelIO = { inputs: [spec("a", [2]), spec("tokens", [4], "int32")], outputs: [spec("out", [4])] };
    const data = load(setting, { model }, { normalize: "standardize" });
    expect(data.train.inputs.map((c) => c.shape)).toEqual([[2], [4]]);
    // Four classes from the output, though the labels hold only 0 and 1.
    expect(data.train.targets[0]).toMatchObject({ shape: [4], classes: indexNames(4) });
    // The integer input is left alone by normalization.
    expect(data.preprocessing.map((p) => p.kind)).toEqual(["standardize", "none"]);
    expect(Array.from(data.train.inputs[1].values)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(Array.from(data.train.inputs[0].values).some((v, i) => v !== i + 1)).toBe(true);
  });

  it("an int32 input must hold integers: a fraction is reported with its row", () => {
    write("tokens.csv", "t1,t2,label\n1,2,0\n3,4.5,1\n");
    const model: ModelIO = { inputs: [spec("tokens", [2], "int32")], outputs: [spec("out", [2])] };
    expect(errorOf(() => load(csv("tokens.csv", ["label"]), { model }))).toBe("tokens.csv:3: input `tokens` takes integer token ids, found 4.5");
    // A fraction part names the row of the file, not of the part.
    write("tokens-more.csv", "t1,t2,label\n" + Array.from({ length: 9 }, (_, i) => `${i},${i},0`).join("\n") + "\n2,0.25,1\n");
    expect(errorOf(() => load(csv("tokens-more.csv", ["label"], { test: { kind: "fraction", fraction: 0.5 } }), { model }))).toBe(
      "tokens-more.csv:11: input `tokens` takes integer token ids, found 0.25",
    );
    write("tokens-ok.csv", "t1,t2,label\n1,2,0\n3,4,1\n");
    expect(load(csv("tokens-ok.csv", ["label"]), { model }, { normalize: "standardize" }).preprocessing).toEqual([{ kind: "none" }]);
  });
});

describe("loadUserParts", () => {
  it("reads the training files, then each part's, before normalization", () => {
    write("u.csv", "x,label\n1,a\n2,b\n");
    write("u-test.csv", "x,label\n3,b\n");
    const parts = loadUserParts(csv("u.csv", ["label"], { test: { kind: "files", paths: ["u-test.csv"] } }), options());
    expect(parts.train.count).toBe(2);
    expect(argmaxRows(parts.test!.targets[0], 1)).toEqual([1]);
    expect(parts.validation).toBeNull();
  });
});
