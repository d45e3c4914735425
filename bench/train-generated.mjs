#!/usr/bin/env node
// Benchmark: one epoch of an nnc-generated training module against a hand-written tfjs-layers
// program of the same network (`model.fit`), on the same backend, data and batch size, in this
// process. Prints seconds per epoch of each and the ratio generated / hand-written (target ≤ 1.03).
// Both include the epoch's validation pass. Run after `npm run build`:
//   node bench/train-generated.mjs [EXAMPLES] [ROUNDS]
import * as tf from "@tensorflow/tfjs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkSource } from "../dist/compiler/check/check.js";
import { emitModule } from "../dist/compiler/codegen/emit-module.js";
import { importGeneratedModule } from "../dist/compiler/codegen/load-module.js";
import { loadMnist } from "../dist/runtime/data/mnist.js";
import { selectBackend } from "../dist/runtime/kernels/backend.js";

const examples = Number(process.argv[2] ?? 5000);
const rounds = Number(process.argv[3] ?? 3);
const backend = await selectBackend();

const SOURCE = `model Baseline {
  input image: [784]
  image -> hidden: dense(100, activation: sigmoid) -> dense(10, activation: softmax)
}
train Baseline {
  data: mnist(flat: true, train: 50000, validation: 10000, test: 0)
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
  batch_size: 10
  epochs: 1
  metrics: [accuracy]
  seed: 1
}
`;
const result = checkSource(SOURCE, "bench.nn");
const generated = await importGeneratedModule(await emitModule({ result, file: result.program.roots[0], sourceName: "bench.nn" }));

const data = loadMnist({ train: 50000, validation: 10000, test: 0, flat: true }, examples);
// One input column and one target column each (runtime/data/examples.ts).
const xs = tf.tensor(data.train.inputs[0].values, [data.train.count, 784]);
const ys = tf.tensor(data.train.targets[0].values, [data.train.count, 10]);
const vx = tf.tensor(data.validation.inputs[0].values, [data.validation.count, 784]);
const vy = tf.tensor(data.validation.targets[0].values, [data.validation.count, 10]);

async function handWritten() {
  const model = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [784], units: 100, activation: "sigmoid" }), tf.layers.dense({ units: 10, activation: "softmax" })],
  });
  model.compile({ optimizer: tf.train.sgd(0.1), loss: "categoricalCrossentropy", metrics: ["accuracy"] });
  const began = performance.now();
  await model.fit(xs, ys, { batchSize: 10, epochs: 1, shuffle: true, validationData: [vx, vy], verbose: 0 });
  const seconds = (performance.now() - began) / 1000;
  model.dispose();
  return seconds;
}

async function viaNnc() {
  const report = await generated.trainBaseline({ limit: examples, output: null, runDir: mkdtempSync(join(tmpdir(), "nnc-bench-")) });
  return report.history[0].seconds;
}

console.log(`generated module vs hand-written tfjs-layers (model.fit): 784-100-10 sigmoid, SGD, batch 10, ${examples} MNIST examples, backend ${backend.name}`);
const hand = [];
const ours = [];
for (let r = 0; r < rounds; r++) {
  hand.push(await handWritten());
  ours.push(await viaNnc());
}
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const h = median(hand);
const g = median(ours);
console.log(`  baseline: hand-written model.fit      ${h.toFixed(2)} s/epoch   ×1.00`);
console.log(`  nnc-generated trainBaseline()         ${g.toFixed(2)} s/epoch   ×${(g / h).toFixed(2)}`);
console.log(`  target: ratio ≤ 1.03 → ${g / h <= 1.03 ? "met" : "NOT met"} (medians of ${rounds} rounds)`);
