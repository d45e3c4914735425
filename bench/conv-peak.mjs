#!/usr/bin/env node
// How close the native convolutions come to the machine's peak: the peak fp32 rate measured with
// an FMA loop on the same cores (the addon's peakFlops: AVX-512 or AVX2 + FMA, chosen at run time),
// on 1 and 2 threads, then each convolution pass of the lectures' two conv-pool ReLU network
// (28×28×1 → 20@5×5 → max pool 2 → 40@5×5, 'valid'), forward, backward-data and backward-weights at
// batch 10 and 32, timed in the addon (best of repeated calls) in each form: `plain` (NHWC,
// oneDNN's gemm convolution, image by image), `blocked` (oneDNN's direct JIT convolution on
// nChw16c/nChw8c arrays: the compiled network's for few input channels, conv1), `nhwcDirect`
// (NHWC arrays, weights in oneDNN's layout: its brgconv/JIT kernels, or ref) and `columns`
// (nnc's im2col + one sgemm over the batch: the network's for the others, conv2, and for all with
// AVX2). The compiled network splits these batches into two shards (5 + 5, 16 + 16) that run side
// by side, one thread each, on two cores (net_network.cc): so each pass is timed on a whole batch
// and on a shard, and the network's own choice (layout, shard, threads) is marked with ◂. Note: ONEDNN_MAX_CPU_ISA=AVX2 limits oneDNN's
// convolution kernels, not its sgemm, so the `columns` figures stay AVX-512's there. Prints GFLOP/s and % of the peak at
// the same thread count (the issue's goal: ≥ 50%). Ratios in one run; never a timed test.
//   node bench/conv-peak.mjs [SECONDS_PER_CASE]   (default 0.3)
//   ONEDNN_MAX_CPU_ISA=AVX2 node bench/conv-peak.mjs   (an AVX2 machine's kernels and peak, on AVX-512)
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { loadNativeAddon } from "../dist/runtime/addon/addon.js";

const seconds = Number(process.argv[2] ?? 0.3);
const load = loadNativeAddon();
if (!load.addon) throw new Error(load.reason);
const addon = load.addon;
if (typeof addon.peakFlops !== "function") throw new Error("the native addon has no peakFlops(): rebuild it with `node scripts/build-native.mjs`");

const cpu = /model name\s*:\s*(.*)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? "unknown CPU";
const cores = availableParallelism();
const threadCounts = [...new Set([1, Math.min(2, cores)])];
console.log(`CPU: ${cpu}, ${cores} cores; oneDNN ${addon.info().onednn}`);
const peak = {};
for (const t of threadCounts) {
  // ONEDNN_MAX_CPU_ISA=AVX2 (oneDNN's kernels limited to AVX2, as on an AMD EPYC) lowers the peak's vectors too.
  const p = addon.peakFlops(t, Math.max(1, seconds * 3), /^avx2/i.test(process.env.ONEDNN_MAX_CPU_ISA ?? "") ? "avx2" : undefined);
  peak[t] = p.gflops;
  console.log(`peak fp32 (${p.isa} FMA loop), ${t} thread${t > 1 ? "s" : ""}: ${p.gflops.toFixed(1)} GFLOP/s`);
}

// [batch, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth,
//  strideHeight, strideWidth, dilationHeight, dilationWidth, padTop, padBottom, padLeft, padRight]
const layers = [
  { name: "conv1", geometry: (n) => [n, 28, 28, 1, 24, 24, 20, 5, 5, 1, 1, 1, 1, 0, 0, 0, 0] },
  { name: "conv2", geometry: (n) => [n, 12, 12, 20, 8, 8, 40, 5, 5, 1, 1, 1, 1, 0, 0, 0, 0] },
];
const flopsOf = (g) => 2 * g[0] * g[4] * g[5] * g[6] * g[7] * g[8] * g[3];
const layouts = ["plain", "blocked", "nhwcDirect", "columns"];

console.log("\nGFLOP/s (% of the peak on as many threads); the compiled network skips conv1's backward-data (its input is the data)");
const header = ["pass".padEnd(36), ...threadCounts.flatMap((t) => layouts.map((l) => `${l} ${t}T `.padStart(17)))].join("");
console.log(header);
const implementations = new Map();
// A shard runs on one thread where there are exactly two cores, on all of them otherwise.
const shardThreads = cores === 2 ? 1 : Math.max(...threadCounts);
for (const { batch, shard } of [{ batch: 10 }, { batch: 5, shard: 10 }, { batch: 32 }, { batch: 16, shard: 32 }]) {
  for (const layer of layers) {
    for (const pass of ["forward", "backwardData", "backwardWeights"]) {
      const g = layer.geometry(batch);
      const cells = [];
      for (const t of threadCounts) {
        for (const layout of layouts) {
          let text = "n/a";
          try {
            const r = addon.timeConvolution(g, pass, layout, t, seconds);
            const gflops = flopsOf(g) / r.seconds / 1e9;
            text = `${gflops.toFixed(1)} (${((100 * gflops) / peak[t]).toFixed(0)}%)`;
            implementations.set(`${layer.name} ${pass} ${layout}`, r.implementation);
          } catch (error) {
            text = "error";
            implementations.set(`${layer.name} ${pass} ${layout}`, String(error.message ?? error));
          }
          const direct = g[3] < 8 && !/^avx2/i.test(process.env.ONEDNN_MAX_CPU_ISA ?? "");
          const skipped = layer.name === "conv1" && pass === "backwardData";
          const chosen = layout === (direct ? "blocked" : "columns") && shard !== undefined && t === shardThreads && !skipped;
          cells.push((text + (chosen ? "◂" : " ")).padStart(17));
        }
      }
      const label = `${layer.name} b${batch}${shard ? ` (½ of ${shard})` : ""} ${pass}${layer.name === "conv1" && pass === "backwardData" ? "*" : ""}`;
      console.log([label.padEnd(36), ...cells].join(""));
    }
  }
}
console.log("\n* not run by the compiled network.\noneDNN's implementations:");
for (const [key, impl] of implementations) console.log(`  ${key.padEnd(32)} ${impl}`);
