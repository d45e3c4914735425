import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NATIVE_BACKEND } from "../../../runtime/kernels/register.js";
import { expectSameResults, nativeAvailable, onBothBackends, runsNatively, specialValuesFor, valuesFor } from "../../support/native-oracle.js";

type Binary = (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

const ARITHMETIC: [string, Binary][] = [
  ["Add", tf.add],
  ["Sub", tf.sub],
  ["Multiply", tf.mul],
  ["RealDiv", tf.div],
  ["Maximum", tf.maximum],
  ["Minimum", tf.minimum],
  ["SquaredDifference", tf.squaredDifference],
  ["Pow", tf.pow],
];
const COMPARISONS: [string, Binary][] = [
  ["Greater", tf.greater],
  ["GreaterEqual", tf.greaterEqual],
  ["Less", tf.less],
  ["LessEqual", tf.lessEqual],
  ["Equal", tf.equal],
  ["NotEqual", tf.notEqual],
];
const UNARY: [string, (x: tf.Tensor) => tf.Tensor][] = [
  ["Relu", tf.relu],
  ["Relu6", tf.relu6],
  ["Neg", tf.neg],
  ["Square", tf.square],
  ["Sqrt", tf.sqrt],
  ["Rsqrt", tf.rsqrt],
  ["Reciprocal", tf.reciprocal],
  ["Abs", tf.abs],
  ["Sign", tf.sign],
  ["Floor", tf.floor],
  ["Exp", tf.exp],
  ["Sigmoid", tf.sigmoid],
  ["Tanh", tf.tanh],
  ["Elu", tf.elu],
  ["Log", tf.log],
  ["Log1p", tf.log1p],
  ["Softplus", tf.softplus],
  ["Step", (x) => tf.step(x, 0.25)],
  ["LeakyRelu", (x) => tf.leakyRelu(x, 0.3)],
  ["ClipByValue", (x) => tf.clipByValue(x, -0.7, 2.1)],
];

/** Two shapes that broadcast: the output's, with leading dimensions dropped and some set to 1. */
const broadcastShapes = fc
  .record({
    out: fc.array(fc.integer({ min: 1, max: 6 }), { maxLength: 5 }),
    aDrop: fc.nat(5),
    bDrop: fc.nat(5),
    aOnes: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
    bOnes: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
  })
  .map(({ out, aDrop, bDrop, aOnes, bOnes }) => {
    const operand = (drop: number, ones: boolean[]) => out.slice(Math.min(drop, out.length)).map((d, i) => (ones[i] ? 1 : d));
    return { a: operand(aDrop, aOnes), b: operand(bDrop, bOnes) };
  });
// Same shapes, a scalar, and row or column broadcasts are the fast paths; general ones the rest.
const binaryShapes = fc.oneof(
  broadcastShapes,
  fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 3 }).map((s) => ({ a: s, b: s })),
  fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 3 }).map((s) => ({ a: s, b: [] })),
  fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 120 })).map(([m, n]) => ({ a: [m, n], b: [n] })),
  fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 120 })).map(([m, n]) => ({ a: [m, 1], b: [m, n] })),
);
const seed = fc.integer({ min: 1, max: 2 ** 30 });

describe.skipIf(!nativeAvailable)("native element-wise kernels against tfjs's JavaScript kernels", () => {
  it("arithmetic with broadcasting, on ordinary and special values", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ARITHMETIC), binaryShapes, seed, fc.boolean(), async ([, op], { a, b }, s, special) => {
        const values = special ? specialValuesFor : valuesFor;
        expectSameResults(await onBothBackends(() => op(tf.tensor(values(a, s), a), tf.tensor(values(b, s + 1), b))));
      }),
      { numRuns: 250 },
    );
  });

  it("comparisons give bool tensors", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...COMPARISONS), binaryShapes, seed, async ([, op], { a, b }, s) => {
        // Rounded values, so equal pairs occur.
        const round = (v: Float32Array) => v.map((x) => Math.round(x * 2) / 2);
        expectSameResults(await onBothBackends(() => op(tf.tensor(round(specialValuesFor(a, s)), a), tf.tensor(round(valuesFor(b, s + 1)), b))));
      }),
      { numRuns: 120 },
    );
  });

  it("logical and / or on bool tensors", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(tf.logicalAnd, tf.logicalOr), binaryShapes, seed, async (op, { a, b }, s) => {
        const bools = (shape: number[], k: number) => tf.tensor(Array.from(valuesFor(shape, k), (v) => v > 0), shape, "bool");
        expectSameResults(await onBothBackends(() => op(bools(a, s), bools(b, s + 1))));
      }),
      { numRuns: 60 },
    );
  });

  it("unary kernels, including NaN, infinities, zeros and values that overflow exp", async () => {
    const shapes = fc.array(fc.integer({ min: 1, max: 30 }), { maxLength: 3 });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...UNARY), shapes, seed, fc.boolean(), async ([, op], shape, s, special) => {
        const values = special ? specialValuesFor(shape, s) : valuesFor(shape, s).map((v) => v * 12);
        expectSameResults(await onBothBackends(() => op(tf.tensor(values, shape))));
      }),
      { numRuns: 250 },
    );
  });

  it.each(UNARY)("%s agrees to 1e-6 across [-100, 100]", async (_, op) => {
    const sweep = Float32Array.from({ length: 4001 }, (_, i) => (i - 2000) / 20);
    expectSameResults(await onBothBackends(() => op(tf.tensor(sweep))), 1e-6);
  });

  it("AddN, Select (where), EluGrad (elu's gradient) and Cast", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 20 }), { maxLength: 3 }), fc.integer({ min: 1, max: 5 }), seed, async (shape, count, s) => {
        const x = () => tf.tensor(specialValuesFor(shape, s).map((v) => (Number.isFinite(v) ? v : 0)), shape);
        expectSameResults(
          await onBothBackends(() => [
            tf.addN(Array.from({ length: count }, (_, k) => tf.tensor(valuesFor(shape, s + k), shape))),
            tf.where(tf.greater(x(), 0), x(), tf.tensor(valuesFor(shape, s + 9), shape)),
            tf.grad((v: tf.Tensor) => tf.elu(v))(x(), tf.tensor(valuesFor(shape, s + 3), shape)),
            tf.cast(tf.mul(x(), 1e3), "int32"),
            tf.cast(tf.tensor(specialValuesFor(shape, s), shape), "int32"),
            tf.cast(tf.tensor(specialValuesFor(shape, s), shape), "bool"),
          ]),
        );
      }),
      { numRuns: 60 },
    );
  });

  it("casts out-of-range floats to int32 as JavaScript does (wrapping modulo 2^32)", async () => {
    const values = [3e9, -3e9, 2 ** 31, -(2 ** 31), 5e12, -7.9, 7.9, NaN, Infinity];
    expectSameResults(await onBothBackends(() => tf.cast(tf.tensor(values), "int32")));
  });

  it("large tensors, whose loops are split over threads", async () => {
    const big = [4000, 1000];
    const x = () => tf.tensor(valuesFor(big, 5), big);
    const bias = () => tf.tensor(valuesFor([1000], 6), [1000]);
    expectSameResults(await onBothBackends(() => [tf.mul(x(), tf.tensor(valuesFor(big, 7), big)), tf.sigmoid(tf.slice(x(), [0, 0], [700, 1000]))]));
    // tfjs's JavaScript broadcasting takes seconds at this size: the broadcast is checked against
    // the same sum with the bias tiled, which takes the (checked) same-shape path.
    await tf.setBackend(NATIVE_BACKEND);
    const { broadcast, tiled } = tf.tidy(() => ({ broadcast: tf.add(x(), bias()), tiled: tf.add(x(), tf.tile(bias().reshape([1, 1000]), [4000, 1])) }));
    const tiledValues = tiled.dataSync<"float32">();
    expect(broadcast.dataSync<"float32">().findIndex((v, i) => v !== tiledValues[i])).toBe(-1);
    tf.dispose([broadcast, tiled]);
  });

  it("runs natively on float32 and declines what it does not cover", async () => {
    const floats = () => tf.tensor([[1, -2, 3]]);
    for (const [name] of [...ARITHMETIC, ...COMPARISONS]) {
      expect(await runsNatively(name, () => ({ inputs: { a: floats(), b: tf.tensor([[0.5], [2]]) } })), name).toBe(true);
    }
    for (const [name] of UNARY) {
      const attrs = { alpha: 0.2, clipValueMin: -1, clipValueMax: 1 };
      expect(await runsNatively(name, () => ({ inputs: { x: floats() }, attrs })), name).toBe(true);
    }
    expect(await runsNatively("Add", () => ({ inputs: { a: tf.tensor([1, 2], [2], "int32"), b: tf.tensor([1, 2], [2], "int32") } }))).toBe(false);
    expect(await runsNatively("Relu", () => ({ inputs: { x: tf.tensor([1, -2], [2], "int32") } }))).toBe(false);
    expect(await runsNatively("Cast", () => ({ inputs: { x: floats() }, attrs: { dtype: "float32" } }))).toBe(false);
  });
});
