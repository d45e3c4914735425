/**
 * A tiny harness for checker tests: a program carries its expected diagnostics inline, as
 * `// expect: CODE` comments on the line where each must start (several codes may share a line).
 * `expectDiagnostics` asserts that exactly those errors and warnings are reported.
 */
import { expect } from "vitest";
import { checkSource, type CheckResult } from "../../compiler/check/check.js";

export interface Expected {
  readonly code: string;
  readonly line: number;
}

/** The `// expect: CODE` annotations of a source text. */
export function expectedOf(source: string): Expected[] {
  return source.split("\n").flatMap((text, i) => [...text.matchAll(/expect:\s*([EW]\d{3})/g)].map((m) => ({ code: m[1], line: i + 1 })));
}

/** Checks `source` and asserts its diagnostics are exactly the annotated ones (code and line). */
export function expectDiagnostics(source: string, path = "test.nn"): CheckResult {
  const result = checkSource(source, path);
  const got = result.diagnostics.map((d) => ({ code: d.code, line: d.range.start.line }));
  const sort = (list: Expected[]) => [...list].sort((a, b) => a.line - b.line || a.code.localeCompare(b.code));
  expect(sort(got), result.diagnostics.map((d) => `${d.code}@${d.range.start.line}: ${d.message}`).join("\n")).toEqual(sort(expectedOf(source)));
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
