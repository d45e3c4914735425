/**
 * Random programs of random layers with extreme arguments (see `programs.ts`): `nnc check`, `nnc fmt`
 * and `nnc summary` must answer every one with diagnostics, never an exception, in time linear in
 * its length; and formatting must not change what a program means.
 *
 * NNC_HOSTILE_RUNS sets the number of programs (default 400, about 9 s on two cores; the checker
 * before these limits crashed on a third of them: 637 of 2,000).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Range } from "../../grammar/ast.js";
import { checkSource } from "../../compiler/check/check.js";
import { hostileProgram } from "./programs.js";
import { Baseline, expectLinearTime, meaning, timedRun } from "./run.js";

const RUNS = Number(process.env.NNC_HOSTILE_RUNS ?? 400);

/**
 * How much slower than a plain program of the same length a hostile one may be. Measured over 2,000
 * programs: the median costs a third of a plain program (errors stop inference early), the 99th
 * percentile 1.8 times, the slowest 5 times; this leaves room for a loaded machine without letting a
 * quadratic path through (the programs run to 30,000 characters).
 */
const FACTOR = 20;

function expectInside(text: string, range: Range, what: string): void {
  expect(0 <= range.start.offset && range.start.offset <= range.end.offset && range.end.offset <= text.length, what).toBe(true);
}

describe("random programs with extreme arguments", () => {
  const baseline = new Baseline();

  it("get diagnostics, never an exception, in time linear in their length; fmt keeps their meaning", () => {
    fc.assert(
      fc.property(hostileProgram, (text) => {
        const { check, formatted, time } = timedRun(text);
        for (const d of check.diagnostics) expectInside(text, d.range, `${d.code} ${d.message}`);
        // Formatting a program that parses (fmt leaves others alone) gives one that checks the same.
        if (formatted.changed) {
          const again = checkSource(formatted.text, "hostile.nn", { readFile: () => undefined, dataFiles: false });
          expect(again.diagnostics.map(meaning).sort()).toEqual(check.diagnostics.map(meaning).sort());
        }
        expectLinearTime(text, time, baseline, FACTOR, "a hostile program");
      }),
      { numRuns: RUNS },
    );
  }, 120_000);
});
