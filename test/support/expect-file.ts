/**
 * Golden files, as rust-analyzer's expect tests: a test renders something and compares it with a
 * file kept in the repository; run with `UPDATE_EXPECT=1` and it writes the file instead. A mismatch
 * fails with a line diff of the file against what was rendered.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, relative } from "node:path";
import { expect } from "vitest";

/** Whether this run rewrites expectations instead of checking them. */
export const updatingExpectations = Boolean(process.env.UPDATE_EXPECT);

/** Asserts that the file at `path` holds `actual`; with `UPDATE_EXPECT=1`, writes it there. */
export function expectFile(path: string, actual: string): void {
  const shown = relative(process.cwd(), path);
  if (updatingExpectations) {
    mkdirSync(dirname(path), { recursive: true });
    if (!existsSync(path) || readFileSync(path, "utf8") !== actual) writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path)) expect.fail(`${shown} is missing: run the test with UPDATE_EXPECT=1 to write it`);
  const expected = readFileSync(path, "utf8");
  if (expected !== actual) expect.fail(`${shown} differs from what was rendered (- file, + now; UPDATE_EXPECT=1 rewrites the file):\n${lineDiff(expected, actual)}`);
}

/**
 * The lines that differ between `before` and `after`, as a unified diff with `context` lines
 * around each change (a longest-common-subsequence diff; golden files are small).
 */
export function lineDiff(before: string, after: string, context = 3): string {
  const a = before.split("\n");
  const b = after.split("\n");
  // common[i][j]: the length of the longest common subsequence of a[i..] and b[j..].
  const common = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) common[i][j] = a[i] === b[j] ? common[i + 1][j + 1] + 1 : Math.max(common[i + 1][j], common[i][j + 1]);
  }
  const rows: { mark: " " | "-" | "+"; text: string; line: number }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) rows.push({ mark: " ", text: a[i++], line: j++ + 1 });
    else if (i < a.length && (j === b.length || common[i + 1][j] >= common[i][j + 1])) rows.push({ mark: "-", text: a[i++], line: j + 1 });
    else rows.push({ mark: "+", text: b[j], line: ++j });
  }
  const near = rows.map((_, k) => rows.slice(Math.max(0, k - context), k + context + 1).some((r) => r.mark !== " "));
  const out: string[] = [];
  rows.forEach((row, k) => {
    if (!near[k]) return;
    if (k > 0 && !near[k - 1]) out.push(`@@ line ${row.line} @@`);
    out.push(`${row.mark} ${row.text}`);
  });
  return out.join("\n");
}
