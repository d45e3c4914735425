#!/usr/bin/env node
// `nnc train --jobs N`: the wall time of a 4-trial grid search on MNIST (784-H-10, H in {64, 128},
// two learning rates, 50,000 training examples, 5 epochs) run serially (--jobs 1) and in two
// worker processes (--jobs 2), the speed-up, and whether both runs gave the same metrics.
// Not a timed test: a figure for docs and issues. Run after `npm run build`:  node bench/jobs.mjs [LIMIT] [EPOCHS]
// Measured on a 2-core Intel Xeon @ 2.80GHz, native backend: 17.2 s serially, 10.7 s with --jobs 2
// (1.60×), the same metrics; with --limit 10000 and 3 epochs each part's start-up (Node, the
// module, MNIST) outweighs the gain: 3.8 s against 4.3 s.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";

const limit = process.argv[2] ?? "50000";
const epochs = process.argv[3] ?? "5";
const nnc = resolve(import.meta.dirname, "../bin/nnc.js");
const dir = mkdtempSync(join(tmpdir(), "nnc-bench-jobs-"));
const file = join(dir, "search.nn");
writeFileSync(
  file,
  `model Mlp(hidden: int = 64) {
  input image: [784]
  output digit = image -> dense(hidden, activation: relu) -> dense(10, activation: softmax)
}

train search: Mlp(hidden: choice(64, 128)) {
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: sgd(lr: choice(0.05, 0.2))
  batch_size: 20
  epochs: ${epochs}
  seed: 7
  tune: grid
}
`,
);

function run(jobs) {
  const runDir = join(dir, `jobs-${jobs}`);
  const began = performance.now();
  const r = spawnSync(process.execPath, [nnc, "train", file, "--limit", limit, "--run-dir", runDir, "--jobs", String(jobs)], { encoding: "utf8" });
  const seconds = (performance.now() - began) / 1000;
  if (r.status !== 0) throw new Error(`--jobs ${jobs} failed (${r.status}):\n${r.stderr}`);
  const report = JSON.parse(readFileSync(join(runDir, "report.json"), "utf8"));
  return { seconds, backend: report.backend.name, metrics: JSON.stringify(report.trials.map((t) => [t.trial, t.test, t.history.map((e) => e.validation)])) };
}

const serial = run(1);
const parallel = run(2);
console.log(`CPU: ${cpus()[0]?.model ?? "unknown"} (${availableParallelism()} cores); backend ${serial.backend}`);
console.log(`4-trial search, --limit ${limit}, ${epochs} epochs each`);
console.log(`--jobs 1: ${serial.seconds.toFixed(1)} s`);
console.log(`--jobs 2: ${parallel.seconds.toFixed(1)} s`);
console.log(`speed-up: ${(serial.seconds / parallel.seconds).toFixed(2)}×; same metrics: ${serial.metrics === parallel.metrics ? "yes" : "NO"}`);
