/**
 * `--jobs N` gives each worker floor(cores / N) threads; once no part is left to start, the
 * workers still training take the cores of those that finished (runtime/session/parts.ts), so the
 * last member of an odd ensemble does not train on one core of two. Real worker processes run a
 * stand-in training module that reports the thread count it ends with.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");

// Part 1 trains until its thread count rises (or 20 s pass); parts 0 and 2 end at once.
const STAND_IN = `
export async function trainStandIn(options) {
  const first = process.env.OMP_NUM_THREADS;
  if (options.part.index === 1) {
    const until = Date.now() + 20000;
    while (process.env.OMP_NUM_THREADS === first && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  }
  return { result: { examples: [], threads: { first, last: process.env.OMP_NUM_THREADS } }, totalParams: 0, interrupted: null };
}
`;

describe.skipIf(availableParallelism() < 2)("--jobs workers", () => {
  it("share the cores of finished parts once nothing is left to start", async () => {
    const { runParts } = (await import(join(root, "dist/runtime/session/parts.js"))) as typeof import("../../runtime/session/parts.js");
    const dir = mkdtempSync(join(tmpdir(), "nnc-parts-"));
    try {
      const file = join(dir, "stand-in.mjs");
      writeFileSync(file, STAND_IN);
      const parts = [0, 1, 2].map((index) => ({ kind: "member" as const, index, count: 3, seed: 1, runDir: join(dir, `member-${index + 1}`) }));
      const options = { jobs: 2, partModule: { file, train: "trainStandIn" } };
      const ctx = { options, output: null, baseDir: dir, stop: new AbortController().signal, recordExamples: () => {} };
      const outcomes = await runParts(ctx, parts);
      const threads = outcomes.map((o) => (o.result as unknown as { threads: { first: string; last: string } }).threads);
      const share = String(Math.floor(availableParallelism() / 2));
      // Parts 0 and 1 start together, part 2 when part 0 ends: each with half the cores.
      expect(threads.map((t) => t.first)).toEqual([share, share, share]);
      // Part 2's end leaves part 1 alone: it gets every core.
      expect(threads[1]!.last).toBe(String(availableParallelism()));
      expect(threads[0]!.last).toBe(share);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
