#!/usr/bin/env node
// The README's main job, measured: the lectures' baseline (784-100-10 sigmoid, softmax with the
// log-likelihood cost, SGD η = 0.1, batch 10) trained by the nnc-generated module on full MNIST
// (50,000 training, 10,000 validation, 10,000 test images). Prints seconds per epoch, validation
// accuracy per epoch and test accuracy at the end, and, so figures compare across machines, the
// epoch time as a ratio to a reference workload run in the same process (one epoch's worth of the
// network's forward and backward matrix products, 5,000 steps, done with plain tfjs ops).
// Run after `npm run build`:  node bench/mnist-baseline.mjs [EPOCHS]   (default 1; the note's figures use 1 and 30)
import * as tf from "@tensorflow/tfjs";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { checkProgram } from "../dist/compiler/check/check.js";
import { emitModule } from "../dist/compiler/codegen/emit-module.js";
import { importGeneratedModule } from "../dist/compiler/codegen/load-module.js";
import { selectBackend } from "../dist/runtime/kernels/backend.js";
import { epochRecordsOf } from "../dist/runtime/core/history.js";

const epochs = Number(process.argv[2] ?? 1);
const backend = await selectBackend();
const file = resolve(import.meta.dirname, "../examples/mnist/1_baseline.nn");
const result = checkProgram([file]);
const generated = await importGeneratedModule(await emitModule({ result, file: result.program.roots[0], sourceName: "examples/mnist/1_baseline.nn" }));

function reference() {
  const x = tf.randomNormal([10, 784]);
  const w1 = tf.randomNormal([784, 100]);
  const w2 = tf.randomNormal([100, 10]);
  const began = performance.now();
  for (let s = 0; s < 5000; s++) {
    tf.tidy(() => {
      const h = tf.sigmoid(tf.matMul(x, w1));
      const o = tf.matMul(h, w2);
      const dh = tf.matMul(o, w2, false, true);
      tf.matMul(x, dh, true, false).dataSync();
      tf.matMul(dh, w1, false, true).dataSync();
    });
  }
  tf.dispose([x, w1, w2]);
  return (performance.now() - began) / 1000;
}

const ref = reference();
const runDir = mkdtempSync(join(tmpdir(), "nnc-baseline-"));
const report = await generated.trainBaseline({ epochs, runDir, output: process.stderr });
const perEpoch = report.history.reduce((s, r) => s + r.seconds, 0) / report.history.length;
console.log(`lectures' baseline on full MNIST, ${epochs} epoch(s), backend ${backend.name}`);
console.log(`  baseline: reference matrix products (5,000 steps)   ${ref.toFixed(1)} s   ×1.00`);
console.log(`  nnc train, seconds per epoch                        ${perEpoch.toFixed(1)} s   ×${(perEpoch / ref).toFixed(2)}`);
for (const r of report.history) console.log(`  epoch ${r.epoch}: validation accuracy ${(r.validation.accuracy * 100).toFixed(2)}%`);
console.log(`  test accuracy after ${epochs} epoch(s): ${(report.test.accuracy * 100).toFixed(2)}% (the lectures report 97.80% after 60)`);
console.log(`  run folder: ${runDir} (${epochRecordsOf(readFileSync(join(runDir, "metrics.jsonl"), "utf8")).length} epochs in metrics.jsonl)`);
