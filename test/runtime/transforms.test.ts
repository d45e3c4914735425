import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { indexNames, singleColumn, type Examples } from "../../runtime/data/examples.js";
import { augmentBatch, expandExamples, imageGeometry, type Transform } from "../../runtime/data/transforms.js";
import { Rng } from "../../runtime/core/random.js";

/** A set of `count` images of `xShape` with one-hot labels (example i has class i mod 10). */
function examples(x: Float32Array, count: number, xShape: readonly number[]): Examples {
  const y = new Float32Array(count * 10);
  for (let i = 0; i < count; i++) y[i * 10 + (i % 10)] = 1;
  return singleColumn(x, xShape, y, [10], indexNames(10), count);
}

function randomImages(count: number, size: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: count * size }, () => rng.next());
}

/** The `block`-th copy of example `i` in an expanded set. */
function copyOf(data: Examples, block: number, originals: number, i = 0): Float32Array {
  const x = data.inputs[0].values;
  const size = x.length / data.count;
  const row = block * originals + i;
  return x.slice(row * size, (row + 1) * size);
}

/** A 5×5 single-channel image with one lit pixel. */
function dot(r: number, c: number): Float32Array {
  const x = new Float32Array(25);
  x[r * 5 + c] = 1;
  return x;
}

describe("imageGeometry", () => {
  it("reads [H, W, C], [H, W] and flat squares", () => {
    expect(imageGeometry([28, 28, 1])).toEqual({ height: 28, width: 28, channels: 1 });
    expect(imageGeometry([4, 6, 3])).toEqual({ height: 4, width: 6, channels: 3 });
    expect(imageGeometry([4, 6])).toEqual({ height: 4, width: 6, channels: 1 });
    expect(imageGeometry([784])).toEqual({ height: 28, width: 28, channels: 1 });
  });

  it("rejects shapes that are not images, naming the shape", () => {
    expect(() => imageGeometry([10])).toThrow(/need image inputs.*\[10\]/);
    expect(() => imageGeometry([2, 3, 4, 5])).toThrow(/\[2, 3, 4, 5\]/);
    expect(() => imageGeometry([])).toThrow(/image inputs/);
  });
});

describe("expandExamples", () => {
  it("shift(1) moves a single pixel exactly: up, down, left, right", () => {
    const out = expandExamples(examples(dot(2, 2), 1, [5, 5, 1]), [{ kind: "shift", pixels: 1 }], new Rng(1));
    expect(Array.from(copyOf(out, 0, 1))).toEqual(Array.from(dot(2, 2)));
    expect(Array.from(copyOf(out, 1, 1))).toEqual(Array.from(dot(1, 2)));
    expect(Array.from(copyOf(out, 2, 1))).toEqual(Array.from(dot(3, 2)));
    expect(Array.from(copyOf(out, 3, 1))).toEqual(Array.from(dot(2, 1)));
    expect(Array.from(copyOf(out, 4, 1))).toEqual(Array.from(dot(2, 3)));
  });

  it("shift(1) gives 5× the data, originals first, labels kept with their images", () => {
    const n = 3;
    const data = examples(randomImages(n, 28 * 28, 7), n, [28, 28, 1]);
    const out = expandExamples(data, [{ kind: "shift", pixels: 1 }], new Rng(1));
    expect(out.count).toBe(5 * n);
    expect(out.inputs).toHaveLength(1);
    expect(out.inputs[0].values.length).toBe(5 * n * 784);
    expect(out.targets[0].values.length).toBe(5 * n * 10);
    expect(out.inputs[0].shape).toEqual([28, 28, 1]);
    expect(out.targets[0].shape).toEqual([10]);
    expect(out.targets[0].classes).toEqual(indexNames(10));
    expect(Array.from(out.inputs[0].values.subarray(0, n * 784))).toEqual(Array.from(data.inputs[0].values));
    for (let b = 0; b < 5; b++) expect(Array.from(out.targets[0].values.subarray(b * n * 10, (b + 1) * n * 10))).toEqual(Array.from(data.targets[0].values));
  });

  it("copies every target column with its images, each keeping its shape and classes", () => {
    const n = 2;
    const data = examples(randomImages(n, 16, 4), n, [4, 4, 1]);
    const size: Examples["targets"][number] = { values: Float32Array.of(0.5, 1.5), shape: [1], classes: null };
    const steps: Examples["targets"][number] = { values: Float32Array.of(1, 0, 0, 1, 0, 1, 1, 0), shape: [2, 2], classes: ["a", "b"] };
    const out = expandExamples({ ...data, targets: [...data.targets, size, steps] }, [{ kind: "rotate", degrees: 5 }], new Rng(1));
    expect(out.count).toBe(3 * n);
    expect(out.targets.map((t) => [t.shape, t.classes])).toEqual([
      [[10], indexNames(10)],
      [[1], null],
      [[2, 2], ["a", "b"]],
    ]);
    expect(Array.from(out.targets[1].values)).toEqual([0.5, 1.5, 0.5, 1.5, 0.5, 1.5]);
    expect(Array.from(out.targets[2].values)).toEqual([1, 0, 0, 1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 1, 1, 0]);
  });

  it("refuses a model with several inputs", () => {
    const data = examples(randomImages(1, 16, 4), 1, [4, 4, 1]);
    const two = { ...data, inputs: [...data.inputs, { values: Float32Array.of(1), shape: [1] }] };
    expect(() => expandExamples(two, [{ kind: "shift", pixels: 1 }], new Rng(1))).toThrow("expand transforms the images of a model with one input; this one has 2");
  });

  it("counts copies per transform: shift 4, rotate 2, skew 2, elastic 1", () => {
    const data = examples(randomImages(2, 16, 3), 2, [4, 4]);
    const all: Transform[] = [
      { kind: "shift", pixels: 1 },
      { kind: "rotate", degrees: 10 },
      { kind: "skew", amount: 0.2 },
      { kind: "elastic", alpha: 2, sigma: 1 },
    ];
    expect(expandExamples(data, all, new Rng(1)).count).toBe(2 * 10);
    expect(expandExamples(data, [], new Rng(1))).toBe(data);
  });

  it("rotate(90) is the exact quarter turn, counter-clockwise, and −90 the other way", () => {
    const n = 6;
    const img = randomImages(1, n * n, 11); // random values: no symmetry to hide a wrong index map
    const out = expandExamples(examples(img, 1, [n, n, 1]), [{ kind: "rotate", degrees: 90 }], new Rng(1));
    const plus = copyOf(out, 1, 1);
    const minus = copyOf(out, 2, 1);
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        expect(plus[r * n + c]).toBeCloseTo(img[c * n + (n - 1 - r)], 6);
        expect(minus[r * n + c]).toBeCloseTo(img[(n - 1 - c) * n + r], 6);
      }
    }
  });

  it("skew(1) slides each row by its distance from the centre row", () => {
    const img = randomImages(1, 25, 5);
    const out = expandExamples(examples(img, 1, [5, 5]), [{ kind: "skew", amount: 1 }], new Rng(1));
    const sheared = copyOf(out, 1, 1);
    for (let r = 0; r < 5; r++) {
      for (let c = 0; c < 5; c++) {
        const from = c - (r - 2);
        expect(sheared[r * 5 + c]).toBeCloseTo(from >= 0 && from < 5 ? img[r * 5 + from] : 0, 6);
      }
    }
  });

  it("works on flat [784] inputs and keeps their shape", () => {
    const data = examples(randomImages(2, 784, 2), 2, [784]);
    const out = expandExamples(data, [{ kind: "shift", pixels: 2 }], new Rng(1));
    expect(out.inputs[0].shape).toEqual([784]);
    const shaped = expandExamples({ ...data, inputs: [{ ...data.inputs[0], shape: [28, 28, 1] }] }, [{ kind: "shift", pixels: 2 }], new Rng(1));
    expect(Array.from(out.inputs[0].values)).toEqual(Array.from(shaped.inputs[0].values));
  });

  it("throws a clear error on a [10] input", () => {
    const data = examples(new Float32Array(10), 1, [10]);
    expect(() => expandExamples(data, [{ kind: "shift", pixels: 1 }], new Rng(1))).toThrow(/transforms.*need image inputs.*\[10\]/);
  });
});

describe("augmentBatch", () => {
  const all: Transform[] = [
    { kind: "shift", pixels: 2 },
    { kind: "rotate", degrees: 15 },
    { kind: "skew", amount: 0.3 },
    { kind: "elastic", alpha: 8, sigma: 3 },
  ];

  it("shifts a single pixel by whole pixels within ±p", () => {
    const rng = new Rng(3);
    for (let trial = 0; trial < 20; trial++) {
      const out = augmentBatch(dot(2, 2), 1, [5, 5, 1], [{ kind: "shift", pixels: 1 }], rng);
      const lit = Array.from(out).flatMap((v, i) => (v !== 0 ? [[i, v]] : []));
      expect(lit).toHaveLength(1);
      const [index, value] = lit[0];
      expect(value).toBe(1);
      expect(Math.abs(Math.floor(index / 5) - 2)).toBeLessThanOrEqual(1);
      expect(Math.abs((index % 5) - 2)).toBeLessThanOrEqual(1);
    }
  });

  it("rotate(0), skew(0) and elastic with alpha 0 are the identity", () => {
    const x = randomImages(3, 64, 9);
    for (const t of [{ kind: "rotate", degrees: 0 }, { kind: "skew", amount: 0 }, { kind: "elastic", alpha: 0, sigma: 2 }] satisfies Transform[]) {
      expect(Array.from(augmentBatch(x, 3, [8, 8, 1], [t], new Rng(1)))).toEqual(Array.from(x));
    }
    const data = examples(x, 3, [8, 8]);
    const out = expandExamples(data, [{ kind: "rotate", degrees: 0 }, { kind: "skew", amount: 0 }], new Rng(1));
    for (let b = 1; b < 5; b++) expect(Array.from(out.inputs[0].values.subarray(b * 3 * 64, (b + 1) * 3 * 64))).toEqual(Array.from(x));
  });

  it("the same seed gives the same augmentation, different seeds and later batches differ", () => {
    const x = randomImages(4, 784, 21);
    const a = augmentBatch(x, 4, [28, 28, 1], all, new Rng(42));
    const b = augmentBatch(x, 4, [28, 28, 1], all, new Rng(42));
    const c = augmentBatch(x, 4, [28, 28, 1], all, new Rng(43));
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    // Fresh each call: the generator moves on, so the next batch gets new parameters.
    const rng = new Rng(42);
    const first = augmentBatch(x, 4, [28, 28, 1], all, rng);
    const second = augmentBatch(x, 4, [28, 28, 1], all, rng);
    expect(Array.from(first)).not.toEqual(Array.from(second));
  });

  it("elastic with alpha > 0 moves pixels", () => {
    const x = randomImages(1, 784, 4);
    const out = augmentBatch(x, 1, [28, 28, 1], [{ kind: "elastic", alpha: 34, sigma: 4 }], new Rng(1));
    expect(Array.from(out)).not.toEqual(Array.from(x));
  });

  it("leaves the input alone and returns a new array", () => {
    const x = randomImages(2, 784, 8);
    const copy = x.slice();
    const out = augmentBatch(x, 2, [28, 28, 1], all, new Rng(1));
    expect(out).not.toBe(x);
    expect(Array.from(x)).toEqual(Array.from(copy));
  });

  it("works on flat [784] inputs, same as [28, 28, 1]", () => {
    const x = randomImages(2, 784, 6);
    const flat = augmentBatch(x, 2, [784], all, new Rng(5));
    expect(flat.length).toBe(x.length);
    expect(Array.from(flat)).toEqual(Array.from(augmentBatch(x, 2, [28, 28, 1], all, new Rng(5))));
  });

  it("throws a clear error on a [10] input", () => {
    expect(() => augmentBatch(new Float32Array(20), 2, [10], all, new Rng(1))).toThrow(/transforms.*need image inputs.*\[10\]/);
  });
});

describe("properties", () => {
  const geometry = fc.record({ h: fc.integer({ min: 1, max: 9 }), w: fc.integer({ min: 1, max: 9 }), c: fc.integer({ min: 1, max: 3 }) });
  const value = fc.float({ min: -5, max: 5, noNaN: true });
  const transform: fc.Arbitrary<Transform> = fc.oneof(
    fc.record({ kind: fc.constant("shift" as const), pixels: fc.integer({ min: 0, max: 4 }) }),
    fc.record({ kind: fc.constant("rotate" as const), degrees: fc.double({ min: -360, max: 360, noNaN: true }) }),
    fc.record({ kind: fc.constant("skew" as const), amount: fc.double({ min: -2, max: 2, noNaN: true }) }),
    fc.record({ kind: fc.constant("elastic" as const), alpha: fc.double({ min: 0, max: 20, noNaN: true }), sigma: fc.double({ min: 0, max: 4, noNaN: true }) }),
  );
  /** A batch of images with its geometry. */
  const batch = geometry.chain(({ h, w, c }) =>
    fc.integer({ min: 1, max: 3 }).chain((count) =>
      fc.record({ h: fc.constant(h), w: fc.constant(w), c: fc.constant(c), count: fc.constant(count), values: fc.array(value, { minLength: count * h * w * c, maxLength: count * h * w * c }) }),
    ),
  );

  it("a shift then the inverse shift keeps the pixels that stayed inside", () => {
    fc.assert(
      fc.property(batch, fc.integer({ min: 0, max: 4 }), ({ h, w, c, count, values }, p) => {
        const x = Float32Array.from(values);
        const shape = [h, w, c];
        const shift = [{ kind: "shift", pixels: p }] satisfies Transform[];
        const once = expandExamples(examples(x, count, shape), shift, new Rng(1));
        // Blocks: 1 up, 2 down, 3 left, 4 right. Up then down keeps rows ≥ p; left then right keeps columns ≥ p.
        const pick = (d: Examples, block: number) => examples(d.inputs[0].values.slice(block * count * h * w * c, (block + 1) * count * h * w * c), count, shape);
        const upDown = pick(expandExamples(pick(once, 1), shift, new Rng(1)), 2).inputs[0].values;
        const leftRight = pick(expandExamples(pick(once, 3), shift, new Rng(1)), 4).inputs[0].values;
        for (let i = 0; i < count; i++) {
          for (let r = 0; r < h; r++) {
            for (let col = 0; col < w; col++) {
              for (let k = 0; k < c; k++) {
                const at = ((i * h + r) * w + col) * c + k;
                if (r >= p) expect(upDown[at]).toBe(x[at]);
                if (col >= p) expect(leftRight[at]).toBe(x[at]);
              }
            }
          }
        }
      }),
    );
  });

  it("expand shift(p) matches a pixel-by-pixel reference with zero fill", () => {
    fc.assert(
      fc.property(batch, fc.integer({ min: 0, max: 10 }), ({ h, w, c, count, values }, p) => {
        const x = Float32Array.from(values);
        const out = expandExamples(examples(x, count, [h, w, c]), [{ kind: "shift", pixels: p }], new Rng(1));
        const moves = [[-p, 0], [p, 0], [0, -p], [0, p]];
        moves.forEach(([dy, dx], m) => {
          for (let i = 0; i < count; i++) {
            for (let r = 0; r < h; r++) {
              for (let col = 0; col < w; col++) {
                for (let k = 0; k < c; k++) {
                  const [sr, sc] = [r - dy, col - dx];
                  const expected = sr >= 0 && sr < h && sc >= 0 && sc < w ? x[((i * h + sr) * w + sc) * c + k] : 0;
                  expect(out.inputs[0].values[((((m + 1) * count + i) * h + r) * w + col) * c + k]).toBe(expected);
                }
              }
            }
          }
        });
      }),
    );
  });

  it("augmentBatch keeps the length and stays within [min(0, min), max(0, max)] of the input", () => {
    fc.assert(
      fc.property(batch, fc.array(transform, { maxLength: 4 }), fc.integer(), ({ h, w, c, count, values }, transforms, seed) => {
        const x = Float32Array.from(values);
        const out = augmentBatch(x, count, [h, w, c], transforms, new Rng(seed));
        expect(out.length).toBe(x.length);
        const lo = Math.min(0, ...x);
        const hi = Math.max(0, ...x);
        for (const v of out) {
          expect(v).toBeGreaterThanOrEqual(lo);
          expect(v).toBeLessThanOrEqual(hi);
        }
      }),
    );
  });
});
