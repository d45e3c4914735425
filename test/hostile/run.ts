/**
 * Running the front end the way the three commands do, and timing it against a baseline measured in
 * the same process, so that bounds are ratios (machine-independent) rather than milliseconds.
 */
import { expect } from "vitest";
import { checkSource, type CheckResult } from "../../compiler/check/check.js";
import { renderTable } from "../../compiler/cli/summary-command.js";
import type { Diagnostic } from "../../compiler/diagnostics/diagnostic.js";
import { format, type FormatResult } from "../../compiler/format/format.js";
import { summarize } from "../../compiler/check/summary.js";

/** Sources only: no data file is looked at, so timings measure the checker alone. */
const NO_FILES = { readFile: () => undefined, dataFiles: false };

export interface Outcome {
  readonly check: CheckResult;
  readonly formatted: FormatResult;
  readonly summary: string;
}

/** `nnc check`, `nnc fmt` and `nnc summary` (text and JSON) on one text; any exception fails the test. */
export function runAll(text: string, path = "hostile.nn"): Outcome {
  const check = checkSource(text, path, NO_FILES);
  const formatted = format(text, path);
  const summaries = check.models.map(summarize);
  const summary = summaries.map(renderTable).join("\n") + JSON.stringify({ models: summaries });
  return { check, formatted, summary };
}

/** `runAll` and how long it took, in milliseconds. */
export function timedRun(text: string): Outcome & { readonly time: number } {
  const start = performance.now();
  const outcome = runAll(text);
  return { ...outcome, time: performance.now() - start };
}

/** What a diagnostic says, without where: formatting moves lines, not meanings. */
export function meaning(d: Diagnostic): string {
  return `${d.severity} ${d.code} ${d.message.replace(/\bline \d+/g, "line _")}`;
}

/** Best of `tries` wall-clock times of `run`, in milliseconds. */
export function bestTime(run: () => unknown, tries = 3): number {
  let best = Infinity;
  for (let i = 0; i < tries; i++) {
    const start = performance.now();
    run();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

/**
 * Plain programs: distinct models of ordinary layers, as a person writes them, repeated to a length.
 * Checking one is the yardstick for checking anything else of that length.
 */
export function plainProgram(length: number): string {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < length; i++) {
    const model = `model Net${i} {\n  input image: [28, 28, 1]\n  image\n    -> conv2d(8, kernel: 3, activation: relu)\n    -> maxpool(2)\n    -> flatten\n    -> dense(32, activation: relu)\n    -> dense(10, activation: softmax)\n}\n`;
    parts.push(model);
    size += model.length;
  }
  return parts.join("");
}

/**
 * Times of plain programs, by length rounded up to a power of two (at least 1,024 characters: below
 * that a check costs its fixed overhead), measured once each and kept.
 */
export class Baseline {
  private readonly times = new Map<number, number>();

  constructor() {
    // The first checks of a process run cold (nothing compiled yet): warm up before measuring.
    const text = plainProgram(16_384);
    for (let i = 0; i < 3; i++) runAll(text);
  }

  /** The length a text of `length` characters is compared at. */
  static bucket(length: number): number {
    return 2 ** Math.max(10, Math.ceil(Math.log2(Math.max(1, length))));
  }

  time(length: number): number {
    const bucket = Baseline.bucket(length);
    let time = this.times.get(bucket);
    if (time === undefined) {
      const text = plainProgram(bucket);
      time = bestTime(() => runAll(text), 3);
      this.times.set(bucket, time);
    }
    return time;
  }
}

/**
 * Asserts that running the commands on `text` costs at most `factor` times a plain program of the
 * same length; `time` is a first measurement. A single slow run may be a garbage collection or the
 * other core's test: when the first is over the bound, the best of three more counts.
 */
export function expectLinearTime(text: string, time: number, baseline: Baseline, factor: number, what: string): void {
  const allowed = factor * baseline.time(text.length);
  if (time > allowed) time = bestTime(() => runAll(text), 3);
  expect(time, `${what}: ${time.toFixed(1)} ms for ${text.length} characters; a plain program of that length takes ${(allowed / factor).toFixed(1)} ms`).toBeLessThanOrEqual(allowed);
}
