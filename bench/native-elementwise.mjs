#!/usr/bin/env node
// Micro-benchmark of the native element-wise, reduction and softmax kernels against tfjs's
// JavaScript ones, on the shapes one training step of the lectures' networks produces (batch 10:
// dense [10, 100] and [10, 10], convolution maps [10, 24, 24, 20]). Both run in this process,
// through the same tfjs ops, so the figures include tfjs's per-op overhead, which is the same for
// both. Prints µs per call and the speed-up. Run after `npm run build`:
//   node bench/native-elementwise.mjs [MILLISECONDS_PER_CASE]   (default 300)
import * as tf from "@tensorflow/tfjs";
import { loadNativeAddon } from "../dist/runtime/addon/addon.js";
import { NATIVE_BACKEND, registerNativeBackend } from "../dist/runtime/kernels/register.js";

const budget = Number(process.argv[2] ?? 300);
const load = loadNativeAddon();
if (!load.addon) throw new Error(load.reason);
registerNativeBackend(load.addon);

const DENSE = [10, 100], LOGITS = [10, 10], MAPS = [10, 24, 24, 20];

/** Seeded values in [-1, 1). */
function values(shape, seed) {
  let state = seed;
  const size = shape.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: size }, () => {
    state = (state * 1103515245 + 12345) >>> 0;
    return (state / 2 ** 32) * 2 - 1;
  });
}

// [label, shapes of the inputs, op]
const CASES = [
  ["Add [10,100] + [10,100]", [DENSE, DENSE], (a, b) => tf.add(a, b)],
  ["Add [10,100] + bias [100]", [DENSE, [100]], (a, b) => tf.add(a, b)],
  ["Sub [10,10] − [10,10]", [LOGITS, LOGITS], (a, b) => tf.sub(a, b)],
  ["Multiply [10,100] × scalar", [DENSE, []], (a, b) => tf.mul(a, b)],
  ["Multiply [10,24,24,20] × same", [MAPS, MAPS], (a, b) => tf.mul(a, b)],
  ["Add [10,24,24,20] + bias [20]", [MAPS, [20]], (a, b) => tf.add(a, b)],
  ["Sub [10,24,24,20] − scalar", [MAPS, []], (a, b) => tf.sub(a, b)],
  ["RealDiv [10,10] / [10,1]", [LOGITS, [10, 1]], (a, b) => tf.div(a, b)],
  ["GreaterEqual [10,100]", [DENSE, DENSE], (a, b) => tf.greaterEqual(a, b)],
  ["Relu [10,24,24,20]", [MAPS], (x) => tf.relu(x)],
  ["Step [10,24,24,20]", [MAPS], (x) => tf.step(x)],
  ["Relu [10,100]", [DENSE], (x) => tf.relu(x)],
  ["Sigmoid [10,100]", [DENSE], (x) => tf.sigmoid(x)],
  ["Tanh [10,100]", [DENSE], (x) => tf.tanh(x)],
  ["Exp [10,24,24,20]", [MAPS], (x) => tf.exp(x)],
  ["Square [10,100]", [DENSE], (x) => tf.square(x)],
  ["Log [10,10]", [LOGITS], (x) => tf.log(x)],
  ["Softmax [10,10]", [LOGITS], (x) => tf.softmax(x)],
  ["Sum [10,24,24,20] axes 0,1,2", [MAPS], (x) => tf.sum(x, [0, 1, 2])],
  ["Sum [10,100] axis 0", [DENSE], (x) => tf.sum(x, 0)],
  ["Sum [10,10] all", [LOGITS], (x) => tf.sum(x)],
  ["Mean [10,10] all", [LOGITS], (x) => tf.mean(x)],
  ["Max [10,100] axis 1", [DENSE], (x) => tf.max(x, 1)],
  ["ArgMax [10,10] axis 1", [LOGITS], (x) => tf.argMax(x, 1)],
];

/** µs per call of `op` on `backend`: batches of calls until the budget is spent, after a warm-up. */
async function timeOn(backend, shapes, op) {
  await tf.setBackend(backend);
  tf.backend().firstUse = false;
  const inputs = shapes.map((shape, i) => tf.tensor(values(shape, i + 1), shape));
  const batch = () => {
    for (let i = 0; i < 50; i++) op(...inputs).dispose();
  };
  for (let i = 0; i < 10; i++) batch();
  let calls = 0;
  const began = performance.now();
  while (performance.now() - began < budget) {
    batch();
    calls += 50;
  }
  const elapsed = performance.now() - began;
  tf.dispose(inputs);
  return (elapsed * 1000) / calls;
}

const { onednn, threads } = load.addon.info();
console.log(`native element-wise kernels vs tfjs cpu (oneDNN ${onednn}, ${threads} threads), µs per call`);
console.log(`${"case".padEnd(34)} ${"cpu".padStart(9)} ${"native".padStart(9)} ${"speed-up".padStart(9)}`);
for (const [label, shapes, op] of CASES) {
  const cpu = await timeOn("cpu", shapes, op);
  const native = await timeOn(NATIVE_BACKEND, shapes, op);
  console.log(`${label.padEnd(34)} ${cpu.toFixed(1).padStart(9)} ${native.toFixed(1).padStart(9)} ${(cpu / native).toFixed(1).padStart(8)}×`);
}
