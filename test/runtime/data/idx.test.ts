import fc from "fast-check";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dataErrorOf as errorOf } from "../../support/data-errors.js";
import { readAndEncode, type RuleOptions } from "../../support/user-data.js";
import { indexNames } from "../../../runtime/data/examples.js";
import { readIdx, readIdxData, type IdxSetting } from "../../../runtime/data/idx.js";

const dir = mkdtempSync(join(tmpdir(), "nnc-idx-"));

const TYPE = { ubyte: [0x08, 1], byte: [0x09, 1], short: [0x0b, 2], int: [0x0c, 4], float: [0x0d, 4], double: [0x0e, 8] } as const;

/** The bytes of an IDX file, written here by hand: big-endian header and values. */
function idxBytes(type: keyof typeof TYPE, dims: number[], values: number[]): Buffer {
  const [code, size] = TYPE[type];
  const header = 4 + 4 * dims.length;
  const view = new DataView(new ArrayBuffer(header + values.length * size));
  view.setUint32(0, (code << 8) | dims.length, false);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  values.forEach((v, i) => {
    const at = header + i * size;
    if (type === "ubyte") view.setUint8(at, v);
    else if (type === "byte") view.setInt8(at, v);
    else if (type === "short") view.setInt16(at, v, false);
    else if (type === "int") view.setInt32(at, v, false);
    else if (type === "float") view.setFloat32(at, v, false);
    else view.setFloat64(at, v, false);
  });
  return Buffer.from(view.buffer);
}

function write(name: string, bytes: Uint8Array): string {
  writeFileSync(join(dir, name), bytes);
  return name;
}

function setting(images: string, labels: string, more: Partial<IdxSetting> = {}): IdxSetting {
  return { images, labels, shape: null, ...more };
}

/** Reads the files and encodes the labels as a training without a model would, with the rule's `classes`. */
function loadIdx(s: IdxSetting, rule: RuleOptions = {}) {
  return readAndEncode(readIdxData(s, dir), rule);
}

describe("readIdx", () => {
  it("reads each type, big-endian", () => {
    const cases: [keyof typeof TYPE, number[]][] = [
      ["ubyte", [0, 7, 255]],
      ["byte", [-128, 0, 127]],
      ["short", [-30000, 1, 30000]],
      ["int", [-2_000_000_000, 5, 2_000_000_000]],
      ["float", [-1.5, 0.25, 2 ** 40]],
      ["double", [-1e-300, 0.1, 1e300]],
    ];
    for (const [type, values] of cases) {
      const path = join(dir, write(`r-${type}.idx`, idxBytes(type, [3], values)));
      const file = readIdx(path);
      expect(file.type).toBe(type);
      expect(file.dims).toEqual([3]);
      expect(Array.from(file.data)).toEqual(values);
    }
  });

  it("reports a short file, a wrong magic number and a size mismatch", () => {
    const short = join(dir, write("short.idx", new Uint8Array([0, 0])));
    expect(errorOf(() => readIdx(short, "short.idx"))).toBe("short.idx: not an IDX file: 2 bytes, shorter than the 4-byte magic number");
    const header = join(dir, write("header.idx", new Uint8Array([0, 0, 8, 3, 0, 0, 0, 1])));
    expect(errorOf(() => readIdx(header, "header.idx"))).toBe(
      "header.idx: file too short: the header declares 3 dimensions, which take 16 bytes, but the file has 8",
    );
    const magic = join(dir, write("magic.idx", new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0])));
    expect(errorOf(() => readIdx(magic, "magic.idx"))).toMatch(/^magic\.idx: not an IDX file: magic number 0x1f8b0800, expected 0x0000 then a type byte/);
    const type = join(dir, write("type.idx", new Uint8Array([0, 0, 0x0a, 1, 0, 0, 0, 0])));
    expect(errorOf(() => readIdx(type, "type.idx"))).toMatch(/^type\.idx: not an IDX file: magic number 0x00000a01/);
    const cut = join(dir, write("cut.idx", idxBytes("short", [2, 3], [1, 2, 3, 4, 5, 6]).subarray(0, 20)));
    expect(errorOf(() => readIdx(cut, "cut.idx"))).toBe("cut.idx: size mismatch: dimensions [2, 3] of short need 12 bytes of data after the 12-byte header, but the file has 8");
  });
});

describe("readIdxData", () => {
  const images = write("images.idx", idxBytes("ubyte", [3, 2, 2], [0, 255, 51, 102, 255, 0, 0, 0, 1, 2, 3, 4]));
  const labels = write("labels.idx", idxBytes("ubyte", [3], [2, 0, 1]));

  it("scales unsigned bytes to [0, 1], adds a channel axis to 2-D images and one-hot encodes labels", () => {
    const raw = readIdxData(setting(images, labels), dir);
    expect(raw.labels).toEqual([{ kind: "numbers", values: Float64Array.of(2, 0, 1), shape: [] }]);
    expect(raw.where(2)).toBe("labels.idx: example 2");
    const data = loadIdx(setting(images, labels));
    expect(data.count).toBe(3);
    expect(data.inputs[0].shape).toEqual([2, 2, 1]);
    expect(Array.from(data.inputs[0].values.subarray(0, 4))).toEqual([0, 1, 0.2, 0.4].map(Math.fround));
    expect(data.targets[0].classes).toEqual(indexNames(3));
    expect(data.targets[0].shape).toEqual([3]);
    expect(Array.from(data.targets[0].values)).toEqual([0, 0, 1, 1, 0, 0, 0, 1, 0]);
  });

  it("takes `classes` and `shape` when given", () => {
    const data = loadIdx(setting(images, labels, { shape: [4] }), { classes: 10 });
    expect(data.inputs[0].shape).toEqual([4]);
    expect(data.targets[0].shape).toEqual([10]);
    expect(data.targets[0].classes).toEqual(indexNames(10));
    expect(Array.from(data.targets[0].values.subarray(0, 10))).toEqual([0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
    // Class names in index order name the indices.
    expect(loadIdx(setting(images, labels), { classes: ["zero", "one", "two"] }).targets[0].classes).toEqual(["zero", "one", "two"]);
  });

  it("keeps other types' values and 3-D images as they are", () => {
    const floats = write("floats.idx", idxBytes("float", [2, 1, 2, 2], [0.5, -2, 3, 4, 5, 6, 7, 8]));
    const two = write("two.idx", idxBytes("int", [2], [1, 0]));
    const data = loadIdx(setting(floats, two));
    expect(data.inputs[0].shape).toEqual([1, 2, 2]);
    expect(Array.from(data.inputs[0].values)).toEqual([0.5, -2, 3, 4, 5, 6, 7, 8]);
    expect(Array.from(data.targets[0].values)).toEqual([0, 1, 1, 0]);
  });

  it("names the files and what was expected", () => {
    expect(errorOf(() => loadIdx(setting(images, labels, { shape: [28, 28, 1] })))).toBe(
      "images.idx: each image has shape [2, 2] (4 values), expected [28, 28, 1] (784 values) from `shape`",
    );
    const fewer = write("fewer.idx", idxBytes("ubyte", [2], [0, 1]));
    expect(errorOf(() => loadIdx(setting(images, fewer)))).toBe("images.idx holds 3 images but fewer.idx holds 2 labels; they must match one to one");
    expect(errorOf(() => loadIdx(setting(images, labels), { classes: 2 }))).toBe("labels.idx: example 0: label 2 is not a class index in 0…1");
    expect(errorOf(() => loadIdx(setting(images, labels), { classes: ["a", "b"] }))).toBe('labels.idx: example 0: label 2 is not a class index in 0…1 ("a", "b")');
    const wide = write("wide.idx", idxBytes("ubyte", [3, 2], [0, 1, 0, 1, 0, 1]));
    expect(errorOf(() => loadIdx(setting(images, wide)))).toBe("wide.idx: each label has shape [2], expected a single class index per example");
    const negative = write("negative.idx", idxBytes("byte", [3], [0, -1, 1]));
    expect(errorOf(() => loadIdx(setting(images, negative), { classes: 3 }))).toBe("negative.idx: example 1: label -1 is not a class index in 0…2");
    // Without `classes` or a model, a negative label makes the labels real values.
    expect(loadIdx(setting(images, negative)).targets[0]).toMatchObject({ shape: [1], classes: null, values: Float32Array.of(0, -1, 1) });
    expect(errorOf(() => loadIdx(setting("nope.idx", labels)))).toBe(`cannot read data file "nope.idx" (resolved to ${join(dir, "nope.idx")}): no such file`);
  });

  it("round-trips random float images and labels", () => {
    let n = 0;
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (shape, count, seed) => {
          const size = shape.reduce((a, b) => a * b, 1);
          const values = Array.from({ length: count * size }, (_, i) => Math.fround(Math.sin(seed + i) * 1000));
          const classes = Array.from({ length: count }, (_, i) => (seed + i) % 4);
          const name = `prop-${n++}`;
          write(`${name}-x.idx`, idxBytes("float", [count, ...shape], values));
          write(`${name}-y.idx`, idxBytes("ubyte", [count], classes));
          const data = loadIdx(setting(`${name}-x.idx`, `${name}-y.idx`), { classes: 4 });
          expect(data.count).toBe(count);
          expect(data.inputs[0].shape).toEqual(shape.length === 2 ? [...shape, 1] : shape);
          expect(Array.from(data.inputs[0].values)).toEqual(values);
          const y = data.targets[0].values;
          classes.forEach((c, i) => expect(y[i * 4 + c]).toBe(1));
          expect(y.reduce((a, b) => a + b, 0)).toBe(count);
        },
      ),
      { numRuns: 40 },
    );
  });
});
