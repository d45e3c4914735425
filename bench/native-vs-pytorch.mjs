#!/usr/bin/env node
// Benchmark: one epoch of 50,000 MNIST images through nnc-generated training code on the native
// backend, against the same network in PyTorch (Debian's python3-torch, 2 threads, same IDX files;
// bench/pytorch_epoch.py), for the lectures' baseline (784-100-10 sigmoid) and the two conv-pool
// ReLU network (20@5×5, 40@5×5, dense 100, softmax 10), SGD, batch 10 and 32. Prints seconds per
// training epoch (no validation pass on either side) and the ratio nnc / PyTorch (target ≤ 0.33).
// Run on an idle machine, after `npm run build`:
//   node bench/native-vs-pytorch.mjs [ROUNDS] [NETWORK]   (ROUNDS: epochs timed per case, best kept;
//   NETWORK: baseline or two_conv alone)
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { checkSource } from "../dist/compiler/check/check.js";
import { emitModule } from "../dist/compiler/codegen/emit-module.js";
import { importGeneratedModule } from "../dist/compiler/codegen/load-module.js";
import { selectBackend } from "../dist/runtime/kernels/backend.js";

const rounds = Number(process.argv[2] ?? 1);
const backend = await selectBackend("native");
console.log(`nnc backend: ${backend.name} (${backend.reason})`);
const cpu = /model name\s*:\s*(.*)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? "unknown CPU";
console.log(`CPU: ${cpu}, ${availableParallelism()} cores`);

const MODELS = {
  baseline: `model Net {
  input image: [784]
  image -> dense(100, activation: sigmoid) -> dense(10, activation: softmax)
}`,
  two_conv: `model Net {
  input image: [28, 28, 1]
  image
    -> conv2d(20, kernel: 5, activation: relu) -> maxpool(2)
    -> conv2d(40, kernel: 5, activation: relu) -> maxpool(2)
    -> flatten -> dense(100, activation: relu) -> dense(10, activation: softmax)
}`,
};
const LR = { baseline: 0.1, two_conv: 0.03 };

function source(network, batch) {
  return `${MODELS[network]}
train Net {
  data: mnist(train: 50000, validation: 0, test: 0, flat: ${network === "baseline"})
  loss: cross_entropy
  optimizer: sgd(lr: ${LR[network]})
  batch_size: ${batch}
  epochs: 1
  metrics: [accuracy]
  seed: 1
}
`;
}

async function nncEpoch(network, batch) {
  const result = checkSource(source(network, batch), "bench.nn");
  if (result.diagnostics.some((d) => d.severity === "error")) throw new Error(JSON.stringify(result.diagnostics));
  const generated = await importGeneratedModule(await emitModule({ result, file: result.program.roots[0], sourceName: "bench.nn" }));
  let best = Infinity;
  let loss = NaN;
  for (let r = 0; r < rounds; r++) {
    const report = await generated.trainNet({ output: null, runDir: mkdtempSync(join(tmpdir(), "nnc-bench-")) });
    if (report.history[0].seconds < best) [best, loss] = [report.history[0].seconds, report.history[0].train.loss];
  }
  return { seconds: best, loss };
}

function pytorchEpoch(network, batch) {
  let best = { seconds: Infinity, loss: NaN };
  for (let r = 0; r < rounds; r++) {
    const run = spawnSync("/usr/bin/python3", [join(import.meta.dirname, "pytorch_epoch.py"), network, String(batch)], { encoding: "utf8" });
    if (run.status !== 0) return { error: (run.stderr || run.error?.message || "failed").trim().split("\n").pop() };
    const result = JSON.parse(run.stdout.trim().split("\n").pop());
    if (result.seconds < best.seconds) best = result;
  }
  return best;
}

console.log("network    batch   nnc s/epoch   PyTorch s/epoch   nnc/PyTorch   (training loss nnc / PyTorch)");
for (const network of ["baseline", "two_conv"].filter((n) => !process.argv[3] || n === process.argv[3])) {
  for (const batch of [10, 32]) {
    const nnc = await nncEpoch(network, batch);
    const torch = pytorchEpoch(network, batch);
    const ratio = torch.error ? "n/a" : (nnc.seconds / torch.seconds).toFixed(2);
    const torchText = torch.error ? `(${torch.error})` : torch.seconds.toFixed(2);
    console.log(
      `${network.padEnd(10)} ${String(batch).padStart(5)}   ${nnc.seconds.toFixed(2).padStart(11)}   ${torchText.padStart(15)}   ${ratio.padStart(11)}   (${nnc.loss.toFixed(3)} / ${torch.error ? "-" : torch.loss.toFixed(3)})`,
    );
  }
}
