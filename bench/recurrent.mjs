#!/usr/bin/env node
// Benchmark: one training epoch of a recurrent network on the adding problem (10,000 sequences of
// length 50, 32 units, dense output, Adam, mse, batch 32) through nnc-generated code on the native
// backend, against the same network in PyTorch (Debian's python3-torch, 2 threads;
// bench/pytorch_recurrent.py). Prints seconds per training epoch and the ratio nnc / PyTorch,
// and how nnc ran its steps (the compiled step, BPTT in runtime/addon/src/net_recurrent.cc, or
// TensorFlow.js autograd, with the reason).
//
// Cells: `lstm`, `rnn`, and `gru`, nnc's default GRU (`reset_after: true`), the same cell as
// PyTorch's nn.GRU (the reset gate multiplies W_hn·h + b_hn; two bias vectors), so the two sides
// train the same network with the same 3,489 parameters. `gru_reset_before` is
// `gru(32, reset_after: false)` (tfjs's and Keras 1's GRU, 3,393 parameters), which the compiled
// step runs; PyTorch has no such cell, so it is timed against nn.GRU only for scale.
// Run on an idle machine, after `npm run build`:
//   node bench/recurrent.mjs [--train N] [CELLS…]      (default: lstm gru rnn)
// `--train N` trains on N sequences instead of 10,000, for a quick check that the script runs;
// PyTorch's side is then skipped (its size is fixed).
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkSource } from "../dist/compiler/check/check.js";
import { emitModule } from "../dist/compiler/codegen/emit-module.js";
import { importGeneratedModule } from "../dist/compiler/codegen/load-module.js";
import { selectBackend } from "../dist/runtime/kernels/backend.js";

const args = process.argv.slice(2);
const trainFlag = args.indexOf("--train");
const TORCH_TRAIN = 10000;
const train = trainFlag >= 0 ? Number(args.splice(trainFlag, 2)[1]) : TORCH_TRAIN;
if (!Number.isInteger(train) || train < 1) throw new Error("--train takes a positive number of sequences");
/** Each cell: the nnc layer, and PyTorch's cell in bench/pytorch_recurrent.py. */
const CELLS = {
  lstm: { layer: "lstm(32)", torch: "lstm" },
  gru: { layer: "gru(32)", torch: "gru" }, // reset after: nn.GRU's cell
  gru_reset_before: { layer: "gru(32, reset_after: false)", torch: "gru" }, // no PyTorch equivalent
  rnn: { layer: "rnn(32)", torch: "rnn" },
};
const cells = args.length > 0 ? args : ["lstm", "gru", "rnn"];
const unknown = cells.filter((cell) => !(cell in CELLS));
if (unknown.length) throw new Error(`unknown cell ${unknown.join(", ")}: one of ${Object.keys(CELLS).join(", ")}`);
const backend = await selectBackend("native");
console.log(`nnc backend: ${backend.name} (${backend.reason})`);

function source(cell) {
  return `model Net {
  input seq: [T, 2]
  seq -> ${CELLS[cell].layer} -> dense(1)
}
train Net {
  data: adding_problem(length: 50, train: ${train}, validation: 0, test: 0)
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
  const lines = [];
  const report = await generated.trainNet({ output: { write: (text) => void lines.push(String(text)) }, runDir: mkdtempSync(join(tmpdir(), "nnc-bench-")) });
  const steps = lines.join("").split("\n").find((line) => line.includes("steps:"));
  return { seconds: report.history[0].seconds, loss: report.history[0].train.loss, steps: steps?.trim() };
}

function pytorchEpoch(cell) {
  if (train !== TORCH_TRAIN) return { error: `not run: --train ${train}, PyTorch's side trains ${TORCH_TRAIN}` };
  const run = spawnSync("/usr/bin/python3", [join(import.meta.dirname, "pytorch_recurrent.py"), CELLS[cell].torch], { encoding: "utf8" });
  if (run.status !== 0) return { error: (run.stderr || run.error?.message || "failed").trim().split("\n").pop() };
  return JSON.parse(run.stdout.trim().split("\n").pop());
}

console.log("cell              nnc s/epoch   PyTorch s/epoch   nnc/PyTorch   (training loss nnc / PyTorch)");
for (const cell of cells) {
  const nnc = await nncEpoch(cell);
  const torch = pytorchEpoch(cell);
  const ratio = torch.error ? "n/a" : (nnc.seconds / torch.seconds).toFixed(2);
  const torchText = torch.error ? `(${torch.error})` : torch.seconds.toFixed(2);
  console.log(`${cell.padEnd(16)} ${nnc.seconds.toFixed(2).padStart(12)}   ${torchText.padStart(15)}   ${ratio.padStart(11)}   (${nnc.loss.toFixed(3)} / ${torch.error ? "-" : torch.loss.toFixed(3)})`);
  if (nnc.steps) console.log(`      nnc ${nnc.steps}`);
}
