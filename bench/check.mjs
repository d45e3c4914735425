#!/usr/bin/env node
// Benchmark: `nnc check` on a generated 10,000-line program (target < 0.5 s on a 2-core machine).
// Prints the time of each phase and its ratio against a baseline measured in the same process: a
// plain tokenizing pass over the same text with a regular expression, so the ratios stay comparable
// across machines. Run after `npm run build`:  node bench/check.mjs [LINES]
import { performance } from "node:perf_hooks";
import { checkSource } from "../dist/compiler/check/check.js";
import { parse } from "../dist/grammar/parse.js";
import { generate } from "./generated-program.mjs";

const lines = Number(process.argv[2] ?? 10_000);

function time(label, fn, repeat = 5) {
  fn(); // warm up
  const samples = [];
  for (let r = 0; r < repeat; r++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return { label, ms: samples[Math.floor(samples.length / 2)] };
}

const text = generate(lines);
const lineCount = text.split("\n").length;
const baseline = time("baseline: regex tokenize", () => text.match(/[A-Za-z_]\w*|\d[\d_]*(?:\.\d+)?(?:e[-+]?\d+)?|->|\S/g).length);
const parsing = time("parse", () => parse(text, "bench.nn"));
const checking = time("check (parse + elaborate + rules + trainings)", () => {
  const result = checkSource(text, "bench.nn");
  if (result.diagnostics.some((d) => d.severity === "error")) throw new Error(`benchmark program has errors: ${result.diagnostics[0].message}`);
});

console.log(`nnc check benchmark: ${lineCount} lines, ${text.length} characters`);
for (const r of [baseline, parsing, checking]) {
  console.log(`  ${r.label.padEnd(48)} ${r.ms.toFixed(1).padStart(8)} ms   ×${(r.ms / baseline.ms).toFixed(1)} baseline`);
}
console.log(`  target: check < 500 ms → ${checking.ms < 500 ? "met" : "NOT met"} (${(checking.ms / 500).toFixed(2)} of the budget)`);
