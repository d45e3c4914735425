import fc from "fast-check";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dataErrorOf as errorOf } from "../../support/data-errors.js";
import { readAndEncode, type RuleOptions } from "../../support/user-data.js";
import { indexNames } from "../../../runtime/data/examples.js";
import { readNpy, readNpyData, type NpySetting } from "../../../runtime/data/npy.js";

const dir = mkdtempSync(join(tmpdir(), "nnc-npy-"));

const SIZE: Record<string, number> = { f4: 4, f8: 8, i4: 4, i8: 8, u1: 1, u2: 2, i2: 2, i1: 1, b1: 1 };

interface NpyOptions {
  readonly version?: 1 | 2 | 3;
  readonly fortran?: boolean;
  /** The header's text in place of the one written from the other arguments. */
  readonly header?: string;
}

/** The bytes of a .npy file, written here by hand as NumPy does: the header padded to 64 bytes. */
function npyBytes(descr: string, shape: number[], values: number[], options: NpyOptions = {}): Buffer {
  const version = options.version ?? 1;
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  const dict = options.header ?? `{'descr': '${descr}', 'fortran_order': ${options.fortran ? "True" : "False"}, 'shape': ${tuple}, }`;
  const preamble = version === 1 ? 10 : 12;
  const padded = dict + " ".repeat(63 - ((preamble + dict.length) % 64)) + "\n";
  const size = SIZE[descr.slice(1)] ?? 4;
  const bytes = new DataView(new ArrayBuffer(preamble + padded.length + values.length * size));
  [0x93, ...Buffer.from("NUMPY")].forEach((b, i) => bytes.setUint8(i, b));
  bytes.setUint8(6, version);
  bytes.setUint8(7, 0);
  if (version === 1) bytes.setUint16(8, padded.length, true);
  else bytes.setUint32(8, padded.length, true);
  Buffer.from(padded, "latin1").forEach((b, i) => bytes.setUint8(preamble + i, b));
  const start = preamble + padded.length;
  values.forEach((v, i) => {
    const at = start + i * size;
    switch (descr.slice(1)) {
      case "f4": return bytes.setFloat32(at, v, true);
      case "f8": return bytes.setFloat64(at, v, true);
      case "i4": return bytes.setInt32(at, v, true);
      case "i8": return bytes.setBigInt64(at, BigInt(v), true);
      case "u1": case "b1": return bytes.setUint8(at, v);
      case "i1": return bytes.setInt8(at, v);
      case "u2": return bytes.setUint16(at, v, true);
      case "i2": return bytes.setInt16(at, v, true);
    }
  });
  return Buffer.from(bytes.buffer);
}

function write(name: string, bytes: Uint8Array): string {
  writeFileSync(join(dir, name), bytes);
  return name;
}

function setting(x: string | readonly string[], y: string | readonly string[], more: Partial<NpySetting> = {}): NpySetting {
  return { x: typeof x === "string" ? [x] : x, y: typeof y === "string" ? [y] : y, shape: null, ...more };
}

/** Reads the files and encodes the labels with `rule` (`classes`, `targets`, the output's shape). */
function loadNpy(s: NpySetting, rule: RuleOptions = {}) {
  return readAndEncode(readNpyData(s, dir), rule);
}


describe("readNpy", () => {
  it("reads every supported type, little-endian", () => {
    const cases: [string, number[], boolean][] = [
      ["<f4", [-1.5, 0.25, 2 ** 40], false],
      ["<f8", [-1e-300, 0.1, 1e300], false],
      ["<i4", [-2_000_000_000, 5, 2_000_000_000], true],
      ["<i8", [-(2 ** 40), 7, 2 ** 53 - 1], true],
      ["|u1", [0, 7, 255], true],
      ["<u2", [0, 7, 65535], true],
      ["<i2", [-32768, 7, 32767], true],
      ["|i1", [-128, 7, 127], true],
      ["|b1", [1, 0, 1], true],
    ];
    for (const [descr, values, integer] of cases) {
      const path = join(dir, write(`r-${descr.slice(1)}.npy`, npyBytes(descr, [3], values)));
      const file = readNpy(path);
      expect(file.dtype).toBe(descr);
      expect(file.integer).toBe(integer);
      expect(file.dims).toEqual([3]);
      expect(Array.from(file.data)).toEqual(values);
    }
  });

  it("reads format versions 2 and 3, and a scalar's empty shape", () => {
    for (const version of [2, 3] as const) {
      const path = join(dir, write(`v${version}.npy`, npyBytes("<f8", [2, 2], [1, 2, 3, 4], { version })));
      expect(readNpy(path)).toMatchObject({ dims: [2, 2], dtype: "<f8" });
    }
    const scalar = join(dir, write("scalar.npy", npyBytes("<i4", [], [9], { header: "{'descr': '<i4', 'fortran_order': False, 'shape': (), }" })));
    expect(readNpy(scalar)).toMatchObject({ dims: [], data: Int32Array.of(9) });
  });

  it("reports what is wrong with the file", () => {
    const path = (name: string, bytes: Uint8Array): string => join(dir, write(name, bytes));
    expect(errorOf(() => readNpy(path("text.npy", Buffer.from("hello, world\n")), "text.npy"))).toBe('text.npy: not a NumPy .npy file: it does not start with the magic "\\x93NUMPY"');
    expect(errorOf(() => readNpy(path("fortran.npy", npyBytes("<f4", [2, 2], [1, 2, 3, 4], { fortran: true })), "fortran.npy"))).toBe(
      "fortran.npy: the array is stored in Fortran (column-major) order; save it in C order (np.save(path, np.ascontiguousarray(a)))",
    );
    expect(errorOf(() => readNpy(path("big.npy", npyBytes(">f4", [1], [1])), "big.npy"))).toBe(
      "big.npy: the data type >f4 is big-endian; expected little-endian (<f4 <f8 <i4 <i8 |u1 <u2 <i2 |i1 |b1)",
    );
    expect(errorOf(() => readNpy(path("complex.npy", npyBytes("<c8", [1], [1, 1])), "complex.npy"))).toBe(
      "complex.npy: unsupported data type <c8; expected one of <f4 <f8 <i4 <i8 |u1 <u2 <i2 |i1 |b1",
    );
    const whole = npyBytes("<f4", [2, 3], [1, 2, 3, 4, 5, 6]);
    expect(errorOf(() => readNpy(path("cut.npy", whole.subarray(0, whole.length - 4)), "cut.npy"))).toBe(
      "cut.npy: size mismatch: shape [2, 3] of <f4 needs 24 bytes of data, but the file has 20",
    );
    expect(errorOf(() => readNpy(path("preamble.npy", whole.subarray(0, 40)), "preamble.npy"))).toBe(
      "preamble.npy: file too short: the header takes 118 bytes after the preamble, but the file has 30",
    );
  });
});

describe("readNpyData", () => {
  const x = write("x.npy", npyBytes("<f4", [3, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]));
  const labels = write("labels.npy", npyBytes("<i8", [3], [2, 0, 1]));

  it("one-hot encodes integer labels and keeps the example shape", () => {
    const raw = readNpyData(setting(x, labels), dir);
    expect(raw.labels).toEqual([{ kind: "numbers", values: Float64Array.of(2, 0, 1), shape: [] }]);
    expect(raw.where(2)).toBe("labels.npy: example 2");
    const data = loadNpy(setting(x, labels));
    expect(data.count).toBe(3);
    expect(data.inputs[0].shape).toEqual([2, 2]);
    expect(data.targets[0]).toMatchObject({ shape: [3], classes: indexNames(3) });
    expect(Array.from(data.inputs[0].values)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(Array.from(data.targets[0].values)).toEqual([0, 0, 1, 1, 0, 0, 0, 1, 0]);
  });

  it("accepts `shape` with a trailing channel of 1 and `classes` over float labels", () => {
    const floatLabels = write("float-labels.npy", npyBytes("<f8", [3, 1], [1, 0, 1]));
    const data = loadNpy(setting(x, floatLabels, { shape: [2, 2, 1] }), { classes: 2 });
    expect(data.inputs[0].shape).toEqual([2, 2, 1]);
    expect(data.targets[0]).toMatchObject({ shape: [2], classes: indexNames(2) });
    expect(Array.from(data.targets[0].values)).toEqual([0, 1, 1, 0, 0, 1]);
  });

  it("reads float targets as regression", () => {
    const targets = write("targets.npy", npyBytes("<f4", [3, 2], [0.5, 1, 1.5, 2, 2.5, 3]));
    const data = loadNpy(setting(x, targets), { targets: 2 });
    expect(data.targets[0]).toMatchObject({ shape: [2], classes: null });
    expect(Array.from(data.targets[0].values)).toEqual([0.5, 1, 1.5, 2, 2.5, 3]);
    const single = write("single.npy", npyBytes("<f8", [3], [0.5, 1, 1.5]));
    expect(loadNpy(setting(x, single)).targets[0]).toMatchObject({ shape: [1], classes: null });
    expect(loadNpy(setting(x, labels), { targets: 1 }).targets[0]).toMatchObject({ shape: [1], classes: null, values: Float32Array.of(2, 0, 1) });
    const bytes = write("bytes.npy", npyBytes("|u1", [3, 2], [0, 255, 1, 2, 3, 4]));
    expect(loadNpy(setting(bytes, single)).inputs[0]).toEqual({ shape: [2], values: Float32Array.of(0, 255, 1, 2, 3, 4) });
  });

  it("reads one x file per model input and one y file per output", () => {
    const second = write("x2.npy", npyBytes("<i4", [3, 4], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]));
    const sizes = write("sizes.npy", npyBytes("<f4", [3], [0.5, 1.5, 2.5]));
    const raw = readNpyData(setting([x, second], [labels, sizes]), dir);
    expect(raw.count).toBe(3);
    expect(raw.inputs.map((c) => c.shape)).toEqual([[2, 2], [4]]);
    expect(Array.from(raw.inputs[1].values)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(raw.labels.map((l) => l.kind === "numbers" && Array.from(l.values))).toEqual([
      [2, 0, 1],
      [0.5, 1.5, 2.5],
    ]);
    expect(raw.file).toBe("x.npy, x2.npy, labels.npy, sizes.npy");
    // With several y files, rows are named by the first x file.
    expect(raw.where(1)).toBe("x.npy: example 1");
    const data = readAndEncode(raw, [{ output: [3] }, { output: [1] }]);
    expect(data.targets.map((t) => [t.shape, t.classes])).toEqual([
      [[3], indexNames(3)],
      [[1], null],
    ]);
    const short = write("short2.npy", npyBytes("<f4", [2, 4], [1, 2, 3, 4, 5, 6, 7, 8]));
    expect(errorOf(() => readNpyData(setting([x, short], [labels]), dir))).toBe(
      "x.npy holds 3 examples (shape [3, 2, 2]) but short2.npy holds 2 (shape [2, 4]); the first axes must match",
    );
  });

  it("names the files and what was expected", () => {
    expect(errorOf(() => loadNpy(setting(x, labels, { shape: [4] })))).toBe("x.npy: examples have shape [2, 2] (array [3, 2, 2]), expected [4] from `shape`");
    const two = write("two.npy", npyBytes("<i4", [2], [0, 1]));
    expect(errorOf(() => loadNpy(setting(x, two)))).toBe("x.npy holds 3 examples (shape [3, 2, 2]) but two.npy holds 2 (shape [2]); the first axes must match");
    const targets = write("targets3.npy", npyBytes("<f4", [3, 3], [0, 0, 0, 0, 0, 0, 0, 0, 0]));
    expect(errorOf(() => loadNpy(setting(x, targets), { targets: 2 }))).toBe("targets3.npy: example 0: each target holds 3 values, expected 2 from `targets`");
    // `classes` over labels of shape [3]: one class per step, no longer an error.
    expect(loadNpy(setting(x, targets), { classes: 3 }).targets[0]).toMatchObject({ shape: [3, 3], classes: indexNames(3) });
    expect(errorOf(() => loadNpy(setting(x, labels), { classes: 2 }))).toBe("labels.npy: example 0: label 2 is not a class index in 0…1");
    const fractional = write("fractional.npy", npyBytes("<f4", [3], [0, 0.5, 1]));
    expect(errorOf(() => loadNpy(setting(x, fractional), { classes: 2 }))).toBe("fractional.npy: example 1: label 0.5 is not a class index in 0…1");
    const nan = write("nan.npy", npyBytes("<f4", [2, 2], [1, 2, NaN, 4]));
    expect(errorOf(() => loadNpy(setting(nan, two)))).toBe("nan.npy: example 1 holds NaN at value 0, expected a finite float32 number");
    const nanTargets = write("nan-targets.npy", npyBytes("<f4", [3], [1, NaN, 2]));
    expect(errorOf(() => loadNpy(setting(x, nanTargets)))).toBe("nan-targets.npy: example 1: the target holds NaN, expected a finite number");
    const scalar = write("scalar-y.npy", npyBytes("<i4", [], [9], { header: "{'descr': '<i4', 'fortran_order': False, 'shape': (), }" }));
    expect(errorOf(() => loadNpy(setting(x, scalar)))).toBe("scalar-y.npy: the array is a scalar; expected examples on its first axis");
    expect(errorOf(() => loadNpy(setting(x, "missing.npy")))).toBe(`cannot read data file "missing.npy" (resolved to ${join(dir, "missing.npy")}): no such file`);
  });

  it("round-trips random float32 arrays and integer labels", () => {
    let n = 0;
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 3 }),
        fc.integer({ min: 1, max: 5 }),
        fc.constantFrom<1 | 2 | 3>(1, 2, 3),
        fc.float32Array({ noNaN: true, noDefaultInfinity: true, minLength: 60, maxLength: 60 }),
        (shape, count, version, pool) => {
          const size = shape.reduce((a, b) => a * b, 1);
          const values = Array.from({ length: count * size }, (_, i) => pool[i % pool.length]);
          const classes = Array.from({ length: count }, (_, i) => i % 3);
          const name = `prop-${n++}`;
          write(`${name}-x.npy`, npyBytes("<f4", [count, ...shape], values, { version }));
          write(`${name}-y.npy`, npyBytes("<i4", [count], classes, { version }));
          const data = loadNpy(setting(`${name}-x.npy`, `${name}-y.npy`), { classes: 3 });
          expect(data.count).toBe(count);
          expect(data.inputs[0].shape).toEqual(shape.length === 0 ? [1] : shape);
          // Object.is equality, so -0 must come back as -0.
          expect(Array.from(data.inputs[0].values)).toEqual(values);
          const y = data.targets[0].values;
          classes.forEach((c, i) => expect(Array.from(y.subarray(i * 3, i * 3 + 3))).toEqual([0, 1, 2].map((k) => (k === c ? 1 : 0))));
        },
      ),
      { numRuns: 40 },
    );
  });
});
