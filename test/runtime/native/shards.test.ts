/**
 * The compiled step splits a batch into two shards, each through its own copy of the layers, and
 * runs them on two threads at once where there are two (runtime/addon/src/net_network.cc). What
 * a step computes must not depend on that: the same steps on one thread (the shards one after the
 * other) and on two (side by side) give the same weights, bit for bit. So must the dense layers'
 * kernel updates in their backward pass, block by block on the threads. The agreement with
 * autograd is network.test.ts's property, with the shard choice and the update's blocks among its
 * draws.
 */
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadNativeAddon } from "../../../runtime/addon/addon.js";

const nativeAvailable = loadNativeAddon().addon !== null;
const root = resolve(import.meta.dirname, "../../..");

/**
 * Trains a small conv-pool-dropout network for 30 steps of `batch` in a fresh process with
 * `threads` threads (sharded through its first `prefix` layers, 0: all; the dense layers' fused
 * update in blocks of `block` values, 0: the default; two threads from step `raiseAt` on, as a
 * `--jobs` worker whose siblings finished); its weights' bytes in hex.
 */
function trainIn(threads: number, batch: number, shards: string, prefix = 0, block = 0, fused = "auto", raiseAt = -1): { weights: string; shardsUsed: number; threadsAtEnd: number } {
  const script = `
    import { loadNativeAddon } from ${JSON.stringify(resolve(root, "dist/runtime/addon/addon.js"))};
    const addon = loadNativeAddon().addon;
    addon.setShardChoice(${JSON.stringify(shards)});
    addon.setShardPrefix(${prefix});
    addon.setUpdateBlock(${block});
    addon.setFusedUpdate(${JSON.stringify(fused)});
    const conv = (input, filters) => ({ kind: "conv2d", input, output: [input[0] - 2, input[1] - 2, filters], kernel: [3, 3], strides: [1, 1], dilation: [1, 1], pad: [0, 0, 0, 0], activation: "relu", bias: true, l1: 0, l2: 0.001 });
    const layers = [conv([12, 12, 1], 4), { kind: "maxpool", input: [10, 10, 4], output: [5, 5, 4], pool: [2, 2], strides: [2, 2], pad: [0, 0, 0, 0] }, conv([5, 5, 4], 24),
      { kind: "dense", inputs: 216, units: 32, activation: "relu", bias: true, l1: 0, l2: 0.001 }, { kind: "dropout", size: 32, rate: 0.5 },
      { kind: "dense", inputs: 32, units: 10, activation: "softmax", bias: true, l1: 0.0005, l2: 0 }];
    const optimizer = { kind: "momentum", momentum: 0.9, nesterov: false, rho: 0, decay: 0, beta1: 0, beta2: 0, epsilon: 1e-7 };
    const net = new (addon.networkClass())({ inputSize: 144, outputSize: 10, loss: "cross_entropy", optimizer, clip: "none", clipMax: 0, layers });
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 0.4;
    const sizes = [3 * 3 * 1 * 4, 4, 3 * 3 * 4 * 24, 24, 216 * 32, 32, 32 * 10, 10];
    const weights = sizes.map((n) => Float32Array.from({ length: n }, random));
    const rows = 200, x = Float32Array.from({ length: rows * 144 }, (_, i) => ((i * 7919) % 256) / 255), y = new Float32Array(rows * 10);
    for (let r = 0; r < rows; r++) y[r * 10 + ((r * 3) % 10)] = 1;
    const out = new Float64Array(4 + weights.length);
    for (let step = 0; step < 30; step++) {
      if (step === ${raiseAt}) addon.setThreadCount(2);
      const from = (step * ${batch}) % (rows - ${batch});
      net.step(x, y, null, from, from + ${batch}, weights, 0.05, step + 1, out, []);
      if (out[3 + weights.length] >= 0) throw new Error("not finite");
    }
    process.stdout.write(JSON.stringify({ weights: Buffer.concat(weights.map((w) => Buffer.from(w.buffer))).toString("hex"), shardsUsed: net.shards(${batch}), threadsAtEnd: addon.info().threads }));
  `;
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", env: { ...process.env, OMP_NUM_THREADS: String(threads) }, maxBuffer: 1 << 26 });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as { weights: string; shardsUsed: number; threadsAtEnd: number };
}

describe.skipIf(!nativeAvailable)("the compiled step's shards", () => {
  it("give the same weights, bit for bit, on one thread and on two, for even and odd batches, with the dense layers' updates in one block or many", () => {
    // block 64: the 216×32 kernel's update in 108 blocks of two rows, split between the threads.
    const cases = [[10, "always", 0, 0], [7, "always", 0, 0], [10, "always", 3, 0], [7, "always", 3, 64], [10, "never", 0, 64], [7, "never", 0, 0]] as const;
    for (const [batch, shards, prefix, block] of cases) {
      const one = trainIn(1, batch, shards, prefix, block);
      const two = trainIn(2, batch, shards, prefix, block);
      expect(one.shardsUsed).toBe(shards === "always" ? 2 : 1);
      expect(two.weights === one.weights, `batch ${batch}, shards ${shards}, prefix ${prefix}, block ${block}: the weights differ between one thread and two`).toBe(true);
    }
    // The comparison sees a difference where there is one: one shard draws other dropout masks.
    expect(trainIn(2, 10, "never").weights === trainIn(2, 10, "always").weights).toBe(false);
  }, 120_000);

  it("give the same weights when a run's thread count rises midway, as a --jobs worker's does when its siblings finish", () => {
    const throughout = trainIn(1, 10, "always", 3);
    const raised = trainIn(1, 10, "always", 3, 0, "auto", 15);
    expect(raised.threadsAtEnd).toBe(2);
    expect(throughout.threadsAtEnd).toBe(1);
    expect(raised.weights === throughout.weights).toBe(true);
  }, 60_000);

  it("update the dense layers' kernels in their backward pass to the same weights, bit for bit, as at the end of the step", () => {
    // Each weight's gradient and update are the same arithmetic either way; only when it happens
    // changes (while the block is in cache), on one thread or two. Small blocks: a kernel of fewer
    // than four blocks is not fused (runtime/addon/src/net_dense.cc), and this network's are small.
    for (const [threads, shards, prefix, block] of [[1, "never", 0, 7], [2, "never", 0, 64], [2, "always", 3, 64], [1, "always", 3, 7]] as const) {
      const fused = trainIn(threads, 10, shards, prefix, block, "auto");
      const atTheEnd = trainIn(threads, 10, shards, prefix, block, "never");
      expect(fused.weights === atTheEnd.weights, `threads ${threads}, shards ${shards}, prefix ${prefix}, block ${block}: the weights differ`).toBe(true);
    }
  }, 120_000);

  it("are one shard for a batch of one, for dense networks at small batches and with batch normalization's whole-batch statistics; two for convolutions", () => {
    const addon = loadNativeAddon().addon as unknown as { networkClass(): new (plan: unknown) => { shards(batch: number): number }; setShardChoice(choice: string): string };
    const previous = addon.setShardChoice("always");
    try {
      const Network = addon.networkClass();
      const optimizer = { kind: "sgd", momentum: 0, nesterov: false, rho: 0, decay: 0, beta1: 0, beta2: 0, epsilon: 1e-7 };
      const dense = (inputs: number, units: number) => ({ kind: "dense", inputs, units, activation: "relu", bias: true, l1: 0, l2: 0 });
      const plain = new Network({ inputSize: 8, outputSize: 4, loss: "quadratic", optimizer, clip: "none", clipMax: 0, layers: [dense(8, 4)] });
      expect(plain.shards(1)).toBe(1);
      expect(plain.shards(2)).toBe(2);
      const norm = { kind: "batchnorm", positions: 1, channels: 4, momentum: 0.9, epsilon: 1e-3, center: true, scale: true };
      const normalized = new Network({ inputSize: 8, outputSize: 4, loss: "quadratic", optimizer, clip: "none", clipMax: 0, layers: [dense(8, 4), norm] });
      expect(normalized.shards(32)).toBe(1);

      // By work per weight: none for 6_dropout.nn's dense layers alone at batch 10, its conv-pool
      // blocks (and the dense layers on the whole batch) with them.
      addon.setShardChoice("auto");
      const conv = (input: number[], filters: number) => ({ kind: "conv2d", input, output: [input[0]! - 4, input[1]! - 4, filters], kernel: [5, 5], strides: [1, 1], dilation: [1, 1], pad: [0, 0, 0, 0], activation: "relu", bias: true, l1: 0, l2: 0 });
      const pool = (input: number[]) => ({ kind: "maxpool", input, output: [input[0]! / 2, input[1]! / 2, input[2]], pool: [2, 2], strides: [2, 2], pad: [0, 0, 0, 0] });
      const denseTail = [dense(640, 1000), dense(1000, 1000), { ...dense(1000, 10), activation: "softmax" }];
      const denseOnly = new Network({ inputSize: 640, outputSize: 10, loss: "cross_entropy", optimizer, clip: "none", clipMax: 0, layers: denseTail });
      expect(denseOnly.shards(10)).toBe(1);
      const withConvs = new Network({ inputSize: 784, outputSize: 10, loss: "cross_entropy", optimizer, clip: "none", clipMax: 0, layers: [conv([28, 28, 1], 20), pool([24, 24, 20]), conv([12, 12, 20], 40), pool([8, 8, 40]), ...denseTail] });
      expect(withConvs.shards(10)).toBe(2);
    } finally {
      addon.setShardChoice(previous);
    }
  });
});
