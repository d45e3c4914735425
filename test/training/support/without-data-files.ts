/**
 * The inline-expectation harness (test/support/expect-diagnostics.ts) for tests whose data files are
 * made up (`csv("d.csv", …)` with no d.csv anywhere): the check does not look at data files
 * (`dataFiles: false`), so the rules are tested on what the arguments state. The checks of the
 * files themselves (test/training/data-files.test.ts) write real files.
 */
import { checkSource, diskHost, type CheckResult } from "../../../compiler/check/check.js";
import { expectAnnotated } from "../../support/expect-diagnostics.js";

export { diagnosticWith } from "../../support/expect-diagnostics.js";

/** `checkSource`, data files not looked at. */
export function checkWithoutData(source: string, path = "test.nn"): CheckResult {
  return checkSource(source, path, { ...diskHost, dataFiles: false });
}

/** Checks `source` (data files not looked at) and asserts its diagnostics are exactly the annotated ones. */
export function expectDiagnostics(source: string, path = "test.nn"): CheckResult {
  const result = checkWithoutData(source, path);
  expectAnnotated(result, source);
  return result;
}

/** Asserts that `source` checks with no diagnostics at all (data files not looked at). */
export function expectClean(source: string): CheckResult {
  return expectDiagnostics(source);
}
