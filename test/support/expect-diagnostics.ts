/**
 * A tiny harness for checker tests: a program carries its expected diagnostics inline, as comments
 * at the end of the line where each starts:
 *
 *     x -> dropuot(0.5)      // expect: E100 col 8: unknown layer or block `dropuot`
 *
 * that is the code, the 1-based column where the span starts, and the whole message. Several
 * diagnostics starting on one line follow each other: `// expect: E302 col 15: … // expect: W403 col 10: …`.
 * `expectDiagnostics` asserts that exactly those errors and warnings are reported.
 *
 * With `UPDATE_EXPECT=1`, annotations that disagree are rewritten in the test file to what the
 * compiler reports (test/support/rewrite-expectations.ts), as rust-analyzer's expect tests do.
 */
import { expect } from "vitest";
import { checkSource, type CheckResult } from "../../compiler/check/check.js";
import { updatingExpectations } from "./expect-file.js";
import { rewriteExpectations } from "./rewrite-expectations.js";

export interface Expected {
  readonly code: string;
  readonly line: number;
  /** Absent in an annotation that gives only the code: it then never matches a diagnostic. */
  readonly column?: number;
  readonly message?: string;
}

/** `expect:` and what follows it, up to the next `expect:` or the end of the line. */
const ANNOTATION = /expect:\s*([EW]\d{3})(?:\s+col\s+(\d+))?(?:\s*:\s*(.*?))?\s*(?:\/\/\s*)?(?=expect:|$)/g;

/** The `// expect: CODE col N: message` annotations of a source text. */
export function expectedOf(source: string): Expected[] {
  return source.split("\n").flatMap((text, i) => {
    const comment = text.indexOf("//");
    if (comment < 0) return [];
    return [...text.slice(comment).matchAll(ANNOTATION)].map((m) => ({
      code: m[1],
      line: i + 1,
      ...(m[2] ? { column: Number(m[2]) } : {}),
      ...(m[3] ? { message: m[3] } : {}),
    }));
  });
}

/** One expectation as a line of the failure's diff: `5: expect: E100 col 8: unknown …`. */
const shown = (e: Expected): string => `${e.line}: expect: ${e.code}${e.column === undefined ? "" : ` col ${e.column}`}${e.message === undefined ? "" : `: ${e.message}`}`;

const inOrder = (list: readonly Expected[]): string[] =>
  [...list].sort((a, b) => a.line - b.line || (a.column ?? 0) - (b.column ?? 0) || a.code.localeCompare(b.code)).map(shown);

/**
 * Asserts that `result` reports exactly the diagnostics annotated in `source` (code, line, column
 * and message); with `UPDATE_EXPECT=1`, rewrites the annotations instead where it can.
 */
export function expectAnnotated(result: CheckResult, source: string): void {
  const got = result.diagnostics.map((d) => ({ code: d.code, line: d.range.start.line, column: d.range.start.column, message: d.message }));
  const wanted = expectedOf(source);
  const same = JSON.stringify(inOrder(got)) === JSON.stringify(inOrder(wanted));
  if (!same && updatingExpectations && rewriteExpectations(source, result.diagnostics)) return;
  expect(inOrder(got), "diagnostics reported (+) against the `// expect:` annotations (-); UPDATE_EXPECT=1 rewrites the annotations there are, a line without one needs it written").toEqual(inOrder(wanted));
}

/** Checks `source` and asserts its diagnostics are exactly the annotated ones. */
export function expectDiagnostics(source: string, path = "test.nn"): CheckResult {
  const result = checkSource(source, path);
  expectAnnotated(result, source);
  return result;
}

/** Asserts that `source` checks with no diagnostics at all. */
export function expectClean(source: string): CheckResult {
  return expectDiagnostics(source);
}

/** The single diagnostic with `code`, for asserting on its message, label and help. */
export function diagnosticWith(result: CheckResult, code: string) {
  const found = result.diagnostics.filter((d) => d.code === code);
  expect(found).toHaveLength(1);
  return found[0];
}
