#!/usr/bin/env node
// Times the compiled native step alone (no data pipeline, no tfjs) on the lectures' baseline
// (784-100-10), two conv-pool ReLU network and 6_dropout.nn's (640→1000→1000→10 with dropout), at batch 10 and 32: ms per
// step, with the dense layers' updates fused into their backward pass and at the end of the step, in the same
// run. A quick measuring aid for the native kernels; bench/native-vs-pytorch.mjs is the benchmark.
//   node bench/conv-step.mjs [STEPS] [NETWORK] [BATCH]   (default 500 steps, both networks, both batches)
import { loadNativeAddon } from "../dist/runtime/addon/addon.js";

const steps = Number(process.argv[2] ?? 500);
const load = loadNativeAddon();
if (!load.addon) throw new Error(load.reason);
const Network = load.addon.networkClass();
// NNC_CONV_DIRECT=auto|always|never chooses the convolutions (runtime/addon/src/convolution.h).

const conv = (input, filters) => {
  const out = [input[0] - 4, input[1] - 4, filters];
  return { kind: "conv2d", input, output: out, kernel: [5, 5], strides: [1, 1], dilation: [1, 1], pad: [0, 0, 0, 0], activation: "relu", bias: true, l1: 0, l2: 0 };
};
const pool = (input) => ({ kind: "maxpool", input, output: [input[0] / 2, input[1] / 2, input[2]], pool: [2, 2], strides: [2, 2], pad: [0, 0, 0, 0] });
const dense = (inputs, units, activation) => ({ kind: "dense", inputs, units, activation, bias: true, l1: 0, l2: 0 });
const convs = [conv([28, 28, 1], 20), pool([24, 24, 20]), conv([12, 12, 20], 40), pool([8, 8, 40])];
const NETWORKS = {
  baseline: [dense(784, 100, "sigmoid"), dense(100, 10, "softmax")],
  two_conv: [...convs, dense(640, 100, "relu"), dense(100, 10, "softmax")],
  dropout: [...convs, dense(640, 1000, "relu"), { kind: "dropout", size: 1000, rate: 0.5 }, dense(1000, 1000, "relu"), { kind: "dropout", size: 1000, rate: 0.5 }, dense(1000, 10, "softmax")],
};
const optimizer = { kind: "sgd", momentum: 0, nesterov: false, rho: 0, decay: 0, beta1: 0, beta2: 0, epsilon: 1e-7 };

function weightsOf(layers) {
  const arrays = [];
  let seed = 1;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 0.1;
  for (const l of layers) {
    if (l.kind === "conv2d") {
      arrays.push(Float32Array.from({ length: 25 * l.input[2] * l.output[2] }, random), new Float32Array(l.output[2]));
    } else if (l.kind === "dense") {
      arrays.push(Float32Array.from({ length: l.inputs * l.units }, random), new Float32Array(l.units));
    }
  }
  return arrays;
}

const rows = 2000;
const x = Float32Array.from({ length: rows * 784 }, (_, i) => ((i * 7919) % 256) / 255);
const y = new Float32Array(rows * 10);
for (let r = 0; r < rows; r++) y[r * 10 + (r % 10)] = 1;

// Each network and batch twice, made with the dense layers' kernel updates in their backward pass
// (fused, the default) and at the end of the step, timed in alternating rounds so that both see
// the same machine.
const ROUNDS = 5;
function prepared(layers, batch, fused) {
  const previous = load.addon.setFusedUpdate(fused);
  const net = new Network({ inputSize: 784, outputSize: 10, loss: "cross_entropy", optimizer, clip: "none", clipMax: 0, layers });
  load.addon.setFusedUpdate(previous);
  const weights = weightsOf(layers);
  const out = new Float64Array(4 + weights.length);
  let from = 0;
  let i = 0;
  const timing = { ms: 0, cpuMs: 0, steps: 0, out };
  const run = (count) => {
    for (let k = 0; k < count; k++, i++) {
      if (from + batch > rows) from = 0;
      net.step(x, y, null, from, from + batch, weights, 0.01, i, out, []);
      from += batch;
    }
  };
  const timed = (count) => {
    const start = process.hrtime.bigint();
    const cpuStart = process.cpuUsage();
    run(count);
    const cpu = process.cpuUsage(cpuStart);
    timing.ms += Number(process.hrtime.bigint() - start) / 1e6;
    timing.cpuMs += (cpu.user + cpu.system) / 1e3;
    timing.steps += count;
  };
  return { run, timed, timing };
}

for (const [name, layers] of Object.entries(NETWORKS).filter(([n]) => !process.argv[3] || n === process.argv[3])) {
  for (const batch of process.argv[4] ? [Number(process.argv[4])] : [10, 32]) {
    const ways = { fused: prepared(layers, batch, "auto"), "update at end": prepared(layers, batch, "never") };
    for (const way of Object.values(ways)) way.run(50);
    for (let round = 0; round < ROUNDS; round++) for (const way of Object.values(ways)) way.timed(Math.ceil(steps / ROUNDS));
    const perStep = (w) => w.timing.ms / w.timing.steps;
    for (const [label, way] of Object.entries(ways)) {
      const ms = perStep(way), cpuMs = way.timing.cpuMs / way.timing.steps, out = way.timing.out;
      console.log(`${name.padEnd(9)} batch ${String(batch).padStart(2)} ${label.padEnd(13)}: ${ms.toFixed(3)} ms/step, cpu ${cpuMs.toFixed(3)} ms/step  (${((ms * 50000) / batch / 1000).toFixed(2)} s per 50,000 images; loss ${out[0].toFixed(3)})`);
    }
    console.log(`${name.padEnd(9)} batch ${String(batch).padStart(2)} fused / update at end: ${(perStep(ways.fused) / perStep(ways["update at end"])).toFixed(2)}`);
  }
}
