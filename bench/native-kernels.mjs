#!/usr/bin/env node
// Micro-benchmark of the native convolution and pooling kernels against tfjs's JavaScript ones,
// on the shapes of the lectures' CNN (28×28×1 → 20@5×5 → max pool 2 → 40@5×5 → max pool 2, 'valid'
// padding) at batch 10 and 32. Each kernel is called through tfjs's engine with the attributes
// tfjs's ops and gradients give it; both backends run in this process. Prints ms per call and the
// speed-up. Run after `npm run build`:
//   node bench/native-kernels.mjs [MILLISECONDS_PER_CASE]   (default 400)
import * as tf from "@tensorflow/tfjs";
import { loadNativeAddon } from "../dist/runtime/addon/addon.js";
import { NATIVE_BACKEND, registerNativeBackend } from "../dist/runtime/kernels/register.js";

const budget = Number(process.argv[2] ?? 400);
const load = loadNativeAddon();
if (!load.addon) throw new Error(load.reason);
registerNativeBackend(load.addon);

const CONV = { strides: 1, pad: "valid", dataFormat: "NHWC", dilations: 1 };
const POOL = { filterSize: 2, strides: 2, pad: "valid" };

// [label, kernel, inputs by name → shape, attributes]; a convolution layer is (input, filter, output).
function casesFor(batch) {
  const layers = [
    { name: "conv1", x: [batch, 28, 28, 1], filter: [5, 5, 1, 20], y: [batch, 24, 24, 20], pooled: [batch, 12, 12, 20] },
    { name: "conv2", x: [batch, 12, 12, 20], filter: [5, 5, 20, 40], y: [batch, 8, 8, 40], pooled: [batch, 4, 4, 40] },
  ];
  return layers.flatMap(({ name, x, filter, y, pooled }) => [
    [`${name} FusedConv2D +bias relu`, "FusedConv2D", { x, filter, bias: [filter[3]] }, { ...CONV, activation: "relu" }],
    [`${name} Conv2DBackpropInput`, "Conv2DBackpropInput", { dy: y, filter }, { ...CONV, inputShape: x }],
    [`${name} Conv2DBackpropFilter`, "Conv2DBackpropFilter", { x, dy: y }, { ...CONV, filterShape: filter }],
    [`${name} MaxPool ${y.slice(1).join("×")}`, "MaxPool", { x: y }, POOL],
    [`${name} MaxPoolGrad`, "MaxPoolGrad", { dy: pooled, input: y, output: pooled }, POOL],
    [`${name} AvgPool`, "AvgPool", { x: y }, POOL],
    [`${name} AvgPoolGrad`, "AvgPoolGrad", { dy: pooled, input: y }, POOL],
  ]);
}

/** ms per call of the kernel on `backend`: rounds of calls until the budget is spent, after a warm-up. */
async function timeOn(backend, kernel, shapes, attrs) {
  await tf.setBackend(backend);
  tf.backend().firstUse = false;
  const inputs = Object.fromEntries(Object.entries(shapes).map(([name, shape], i) => [name, tf.randomUniform(shape, -1, 1, "float32", i + 1)]));
  const call = () => tf.engine().runKernel(kernel, inputs, attrs).dispose();
  for (let i = 0; i < 3; i++) call();
  let calls = 0;
  const began = performance.now();
  while (performance.now() - began < budget || calls < 3) {
    call();
    calls++;
  }
  const elapsed = performance.now() - began;
  tf.dispose(Object.values(inputs));
  return elapsed / calls;
}

const { onednn, threads } = load.addon.info();
console.log(`native convolution and pooling kernels vs tfjs cpu (oneDNN ${onednn}, ${threads} threads), ms per call`);
for (const batch of [10, 32]) {
  console.log(`\nbatch ${batch}`);
  console.log(`${"case".padEnd(36)} ${"cpu".padStart(9)} ${"native".padStart(9)} ${"speed-up".padStart(9)}`);
  for (const [label, kernel, shapes, attrs] of casesFor(batch)) {
    const cpu = await timeOn("cpu", kernel, shapes, attrs);
    const native = await timeOn(NATIVE_BACKEND, kernel, shapes, attrs);
    console.log(`${label.padEnd(36)} ${cpu.toFixed(3).padStart(9)} ${native.toFixed(3).padStart(9)} ${(cpu / native).toFixed(1).padStart(8)}×`);
  }
}
