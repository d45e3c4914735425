#!/usr/bin/env node
// Runs one of this folder's benchmarks in two checkouts of nnc, alternately, in one run: the tree
// before a change (built: `npm run build` and its native addon) and this one. Prints each round's
// wall time and the benchmark's own last lines, then the median ratio after / before, so a
// refactoring shows what it did to speed on this machine, whatever else runs on it.
//   node bench/before-after.mjs BEFORE_TREE BENCHMARK.mjs [ROUNDS] [-- ARGS…]
import { spawnSync } from "node:child_process";
import { cpus } from "node:os";
import { join, resolve } from "node:path";

const [beforeTree, benchmark, roundsArg, ...rest] = process.argv.slice(2);
if (!beforeTree || !benchmark) {
  console.error("usage: node bench/before-after.mjs BEFORE_TREE BENCHMARK.mjs [ROUNDS] [-- ARGS…]");
  process.exit(2);
}
const rounds = Number(roundsArg ?? 3);
const args = rest[0] === "--" ? rest.slice(1) : rest;
const trees = { before: resolve(beforeTree), after: resolve(import.meta.dirname, "..") };

function run(tree) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [join(tree, "bench", benchmark), ...args], { cwd: tree, encoding: "utf8" });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`${benchmark} failed in ${tree}:\n${result.stderr}`);
  return { seconds, tail: result.stdout.trim().split("\n").slice(-6) };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`${benchmark} ${args.join(" ")}: ${rounds} rounds, before = ${trees.before}, after = ${trees.after}; CPU ${cpus()[0]?.model ?? "unknown"} × ${cpus().length}`);
const times = { before: [], after: [] };
for (let round = 1; round <= rounds; round++) {
  for (const which of round % 2 ? ["before", "after"] : ["after", "before"]) {
    const { seconds, tail } = run(trees[which]);
    times[which].push(seconds);
    console.log(`round ${round} ${which}: ${seconds.toFixed(2)} s\n  ${tail.join("\n  ")}`);
  }
}
const ratio = median(times.after) / median(times.before);
console.log(`median wall time: before ${median(times.before).toFixed(2)} s, after ${median(times.after).toFixed(2)} s, after/before ${ratio.toFixed(3)}`);
