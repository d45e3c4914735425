/**
 * Input that nests as deep as it is long (chains of stages, operators and minus signs) or deeper than
 * anyone writes (parentheses, calls, chains and cycles of blocks), at sizes from 10 to 5,000: each is
 * checked, formatted and summarized with diagnostics only, in time linear in its length, and the
 * command line never prints a JavaScript stack trace for it.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { MAX_BLOCK_DEPTH } from "../../compiler/checker/elaborate.js";
import { main } from "../../compiler/cli/main.js";
import { MAX_NESTING } from "../../grammar/messages.js";
import { deepProgram, depth, DEPTH_KINDS, type DepthKind } from "./programs.js";
import { Baseline, expectLinearTime, timedRun } from "./run.js";

/**
 * How much slower than a plain program of the same length deep input may be. Measured at 10, 100,
 * 1,000 and 5,000: from 0.02 to 1.3 times; quadratic work would be hundreds of times at 5,000.
 */
const FACTOR = 20;

/** The errors each kind of input must give at depth `n`, as code and the start of the message. */
function expectedErrors(kind: DepthKind, n: number): string[] {
  switch (kind) {
    case "parentheses":
    case "calls":
      // The model's `{` is the first bracket; the parser reads 64 in all.
      return n + 2 > MAX_NESTING ? [`E001 brackets nest more than ${MAX_NESTING} levels deep here`] : [];
    case "blockChain":
      return n > MAX_BLOCK_DEPTH ? [`E105 blocks nest more than ${MAX_BLOCK_DEPTH} calls deep here`] : [];
    case "blockCycle":
      return ["E106 block `B0` calls itself: B0 → B1"];
    case "trainingTerms":
      // mnist's images against the model's [4]; the training's numbers themselves are fine.
      return ["E300", "E301"];
    default:
      return [];
  }
}

describe("input as deep as it is long", () => {
  const baseline = new Baseline();

  for (const kind of DEPTH_KINDS) {
    it(`${kind}: diagnostics only, in linear time`, () => {
      fc.assert(
        fc.property(depth, (n) => {
          const text = deepProgram(kind, n);
          const { check, time } = timedRun(text);
          const errors = check.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.code} ${d.message}`);
          const expected = expectedErrors(kind, n);
          expect(errors.length, errors.join("\n")).toBe(expected.length);
          expected.forEach((start, i) => expect(errors[i].startsWith(start), `${errors[i]} should start with ${start}`).toBe(true));
          expectLinearTime(text, time, baseline, FACTOR, `${kind} of ${n}`);
        }),
        // Always the extremes, then sizes at random.
        { numRuns: 12, examples: [[10], [5000]] },
      );
    }, 60_000);
  }
});

describe("the command line on deep input", () => {
  const dir = mkdtempSync(join(tmpdir(), "nnc-deep-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("exits 0 or 1 with diagnostics for check, fmt and summary, never with a stack trace", async () => {
    for (const kind of DEPTH_KINDS) {
      const path = join(dir, `${kind}.nn`);
      writeFileSync(path, deepProgram(kind, 5000));
      for (const command of ["check", "summary", "fmt"]) {
        let stderr = "";
        const code = await main([command, path], { stdout: () => {}, stderr: (t) => (stderr += t), color: false });
        expect([0, 1], `nnc ${command} on ${kind}: ${stderr.slice(0, 300)}`).toContain(code);
        expect(stderr).not.toMatch(/internal error|\n\s+at /);
      }
    }
  }, 60_000);
});
