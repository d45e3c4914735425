/**
 * Runs the same TensorFlow.js code on the pure-JavaScript `cpu` backend (the oracle) and on the
 * `native` backend, for the equivalence tests of the native kernels.
 */
import * as tf from "@tensorflow/tfjs";
import { expect } from "vitest";
import { loadNativeAddon } from "../../runtime/addon/addon.js";
import type { CpuBackend } from "../../runtime/kernels/kernel.js";
import { NATIVE_BACKEND, nativeFailures, nativeKernels, registerNativeBackend } from "../../runtime/kernels/register.js";

const load = loadNativeAddon();

/**
 * Whether the native backend can be tested here. CI sets NNC_REQUIRE_NATIVE, so a missing build
 * fails there instead of skipping the tests.
 */
export const nativeAvailable: boolean = (() => {
  if (!load.addon) {
    if (process.env.NNC_REQUIRE_NATIVE) throw new Error(`NNC_REQUIRE_NATIVE is set but ${load.reason}`);
    return false;
  }
  registerNativeBackend(load.addon);
  return true;
})();

/** One output: its dtype, shape and values (bool and int32 ones as numbers too). */
export interface Result {
  readonly dtype: tf.DataType;
  readonly shape: number[];
  readonly values: Float32Array;
}

export interface BothResults {
  readonly js: Result[];
  readonly native: Result[];
}

async function runOn(backend: string, compute: () => tf.Tensor | tf.Tensor[]): Promise<Result[]> {
  await tf.setBackend(backend);
  // The cpu backend's banner recommending tfjs-node is noise in tests.
  (tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
  // Only tensors leave tidy: it walks what it returns, typed arrays element by element.
  const tensors = tf.tidy(() => {
    const result = compute();
    return Array.isArray(result) ? result : [result];
  });
  try {
    return tensors.map((t) => ({ dtype: t.dtype, shape: t.shape, values: Float32Array.from(t.dataSync()) }));
  } finally {
    tf.dispose(tensors);
  }
}

/** `compute` on both backends; it must build its inputs itself (from plain arrays), inside. */
export async function onBothBackends(compute: () => tf.Tensor | tf.Tensor[]): Promise<BothResults> {
  const js = await runOn("cpu", compute);
  const native = await runOn(NATIVE_BACKEND, compute);
  return { js, native };
}

/**
 * Same dtypes and shapes, and every value within `relative` of the oracle's (absolute near zero);
 * NaN and infinities must match exactly.
 */
export function expectSameResults({ js, native }: BothResults, relative = 1e-4): void {
  expect(nativeFailures).toEqual(new Map());
  expect(native.length).toBe(js.length);
  js.forEach((expected, i) => {
    const actual = native[i]!;
    expect(actual.dtype, `dtype of output ${i}`).toBe(expected.dtype);
    expect(actual.shape).toEqual(expected.shape);
    for (let j = 0; j < expected.values.length; j++) {
      const e = expected.values[j]!, a = actual.values[j]!;
      if (Number.isNaN(e)) {
        expect(a, `element ${j} of output ${i}`).toBeNaN();
        continue;
      }
      if (!Number.isFinite(e)) {
        if (a !== e) expect.fail(`output ${i} element ${j}: native ${a}, JavaScript ${e}`);
        continue;
      }
      const tolerance = relative * Math.max(1, Math.abs(e));
      if (!(Math.abs(a - e) <= tolerance) && a !== e) expect.fail(`output ${i} element ${j}: native ${a}, JavaScript ${e} (tolerance ${tolerance})`);
    }
  });
}

/** Seeded values in [-1, 1) for a shape, so a failing case can be replayed. */
export function valuesFor(shape: readonly number[], seed: number): Float32Array {
  let state = seed >>> 0 || 1;
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    values[i] = ((state >>> 0) / 2 ** 32) * 2 - 1;
  }
  return values;
}

/**
 * Whether native kernel `name` computes its result itself on the inputs `build` makes, rather than
 * declining (returning null) so that the JavaScript kernel runs: equivalence alone cannot tell.
 */
export async function runsNatively(name: string, build: () => { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap }): Promise<boolean> {
  if (!load.addon) throw new Error(load.reason);
  const kernel = nativeKernels(load.addon).find((k) => k.name === name);
  if (!kernel) throw new Error(`no native kernel ${name}`);
  await tf.setBackend(NATIVE_BACKEND);
  return tf.tidy(() => {
    const { inputs, attrs = {} } = build();
    const result = kernel.run({ inputs, backend: tf.backend() as unknown as CpuBackend, attrs });
    for (const output of result === null ? [] : [result].flat()) tf.backend().disposeData(output.dataId);
    return result !== null;
  });
}

/**
 * Seeded values for a shape where about one in four is special: ±0, ±1, NaN, ±∞, tiny, and
 * large enough to overflow exp or saturate sigmoid and tanh.
 */
export function specialValuesFor(shape: readonly number[], seed: number): Float32Array {
  const SPECIAL = [0, -0, 1, -1, NaN, Infinity, -Infinity, 1e-7, -1e-7, 20, -20, 88.7, 89, -104, 1e4, -1e4, 0.5, 2.5, -3.5];
  const values = valuesFor(shape, seed);
  const picks = valuesFor(shape, seed + 7);
  values.forEach((_, i) => {
    const pick = (picks[i]! + 1) / 2;
    if (pick < 0.25) values[i] = SPECIAL[Math.floor(pick * 4 * SPECIAL.length)]!;
  });
  return values;
}
