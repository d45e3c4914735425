#!/usr/bin/env node
// Benchmark: one training epoch of a recurrent network on the adding problem (10,000 sequences of
// length 50, 32 units, dense output, Adam, mse, batch 32) through nnc-generated code on the native
// backend, against the same network in PyTorch (Debian's python3-torch, 2 threads;
// bench/pytorch_recurrent.py), both through the compiled step (BPTT in
// runtime/addon/src/net_recurrent.cc). Prints seconds per training epoch
// and the ratio nnc / PyTorch. Run on an idle machine, after `npm run build`:
//   node bench/recurrent.mjs [CELLS…]      (default: lstm gru rnn)
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkSource } from "../dist/compiler/check/check.js";
import { emitModule } from "../dist/compiler/codegen/emit-module.js";
import { importGeneratedModule } from "../dist/compiler/codegen/load-module.js";
import { selectBackend } from "../dist/runtime/kernels/backend.js";

const cells = process.argv.length > 2 ? process.argv.slice(2) : ["lstm", "gru", "rnn"];
const backend = await selectBackend("native");
console.log(`nnc backend: ${backend.name} (${backend.reason})`);

function source(cell) {
  return `model Net {
  input seq: [T, 2]
  seq -> ${cell}(32) -> dense(1)
}
train Net {
  data: adding_problem(length: 50, train: 10000, validation: 0, test: 0)
  loss: mse
  optimizer: adam(lr: 0.001)
  batch_size: 32
  epochs: 1
  seed: 1
}
`;
}

async function nncEpoch(cell) {
  const result = checkSource(source(cell), "bench.nn");
  if (result.diagnostics.some((d) => d.severity === "error")) throw new Error(JSON.stringify(result.diagnostics));
  const generated = await importGeneratedModule(await emitModule({ result, file: result.program.roots[0], sourceName: "bench.nn" }));
  const report = await generated.trainNet({ output: null, runDir: mkdtempSync(join(tmpdir(), "nnc-bench-")) });
  return { seconds: report.history[0].seconds, loss: report.history[0].train.loss };
}

function pytorchEpoch(cell) {
  const run = spawnSync("/usr/bin/python3", [join(import.meta.dirname, "pytorch_recurrent.py"), cell], { encoding: "utf8" });
  if (run.status !== 0) return { error: (run.stderr || run.error?.message || "failed").trim().split("\n").pop() };
  return JSON.parse(run.stdout.trim().split("\n").pop());
}

console.log("cell   nnc s/epoch   PyTorch s/epoch   nnc/PyTorch   (training loss nnc / PyTorch)");
for (const cell of cells) {
  const nnc = await nncEpoch(cell);
  const torch = pytorchEpoch(cell);
  const ratio = torch.error ? "n/a" : (nnc.seconds / torch.seconds).toFixed(2);
  const torchText = torch.error ? `(${torch.error})` : torch.seconds.toFixed(2);
  console.log(`${cell.padEnd(5)} ${nnc.seconds.toFixed(2).padStart(12)}   ${torchText.padStart(15)}   ${ratio.padStart(11)}   (${nnc.loss.toFixed(3)} / ${torch.error ? "-" : torch.loss.toFixed(3)})`);
}
