/**
 * The text renderer: code frames as people read them (golden files in test/diagnostics/golden/;
 * UPDATE_GOLDEN=1 writes them), long lines shown as a window around the span, and a cap on the
 * number of diagnostics shown per file.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Range } from "../../grammar/ast.js";
import { checkSource } from "../../compiler/check/check.js";
import { diagnostic, type Diagnostic } from "../../compiler/diagnostics/diagnostic.js";
import { MAX_DIAGNOSTICS_PER_FILE, MAX_SOURCE_COLUMNS, renderDiagnostics } from "../../compiler/diagnostics/render.js";

const GOLDEN = join(import.meta.dirname, "golden");

/** `actual` against the golden file `name`; UPDATE_GOLDEN=1 writes it instead. */
function expectGolden(name: string, actual: string): void {
  const path = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN) writeFileSync(path, actual);
  expect(existsSync(path), `${path} is missing: run with UPDATE_GOLDEN=1 to write it`).toBe(true);
  expect(actual).toBe(readFileSync(path, "utf8"));
}

/** The range of `[start, end)` in `text`, with the compiler's 1-based lines and columns. */
function rangeAt(text: string, start: number, end: number): Range {
  const position = (offset: number) => {
    const before = text.slice(0, offset);
    const line = before.split("\n").length;
    return { line, column: offset - (before.lastIndexOf("\n") + 1) + 1, offset };
  };
  return { start: position(start), end: position(end) };
}

/** Renders what `nnc check` prints for one source text. */
function check(text: string, path = "net.nn", options = {}): string {
  const result = checkSource(text, path);
  return renderDiagnostics(result.diagnostics, (f) => (f === path ? text : undefined), { color: false, ...options });
}

const render = (diagnostics: Diagnostic[], text: string, options = {}): string =>
  renderDiagnostics(diagnostics, () => text, { color: false, ...options });

describe("code frames (golden)", () => {
  it("draws a short line whole, as before", () => {
    expectGolden("short-line.txt", check("model M {\n  input x: [4]\n  x -> dense(10, activation: rleu)\n}\n"));
  });

  it("keeps tabs expanded on a short line", () => {
    expectGolden("short-line-tabs.txt", check("model M {\n\tinput x: [4]\n\tx -> dense(10,\tactivation: rleu)\n}\n"));
  });

  it("shows a window around the span of a long line, with the real line and column in `-->`", () => {
    const args = Array.from({ length: 40 }, (_, i) => `a${i}: 1`).join(", ");
    const text = `model M { input x: [4]  x -> dense(4, ${args}, activaton: relu, ${args.replace(/a/g, "b")}) }\n`;
    const out = check(text, "net.nn", { maxPerFile: Infinity });
    const block = out.split("\n\n").find((b) => b.includes("`activaton`"))!;
    expectGolden("long-line-middle.txt", `${block}\n`);
    expect(block).toContain(`--> net.nn:1:${text.indexOf("activaton") + 1}`);
  });

  it("starts the window at the line's start when the span is near it, and ends it at the line's end when the span is near that", () => {
    const tail = Array.from({ length: 60 }, (_, i) => `k${i}: 1`).join(", ");
    const near = `model M { input x: [4]  x -> dense(4, activaton: relu, ${tail}) }\n`;
    const far = `model M { input x: [4]  x -> dense(4, ${tail}, activaton: relu) }\n`;
    const first = (out: string) => out.split("\n\n").find((b) => b.includes("`activaton`"))!;
    expectGolden("long-line-start-end.txt", `${first(check(near, "near.nn", { maxPerFile: Infinity }))}\n\n${first(check(far, "far.nn", { maxPerFile: Infinity }))}\n`);
  });

  it("clips a span longer than the window (a 100,000-character name), and shortens the name in the message", () => {
    const name = `n${"x".repeat(100_000)}`;
    const out = check(`model M {\n  input x: [4]\n  x -> ${name}\n}\n`);
    expectGolden("long-span.txt", out);
    expect(out.length).toBeLessThan(1000);
  });

  it("draws a label far from the primary span on the same long line in a window of its own", () => {
    const text = `x${"-".repeat(300)}y${"=".repeat(300)}z\n`;
    const d = diagnostic({
      code: "E101",
      file: "f.nn",
      range: rangeAt(text, 301, 302),
      message: "`y` is declared twice",
      label: "again here",
      labels: [
        { file: "f.nn", range: rangeAt(text, 0, 1), message: "first declared here" },
        { file: "f.nn", range: rangeAt(text, 602, 603), message: "and here" },
      ],
      help: "rename one of them",
    });
    expectGolden("long-line-two-windows.txt", render([d], text));
  });

  it("marks a multi-line span to the end of its first line, clipped to the window", () => {
    const text = `model M {${" ".repeat(10)}${"/* comment */ ".repeat(30)}\n}\n`;
    const d = diagnostic({ code: "E103", file: "f.nn", range: rangeAt(text, 6, text.length - 1), message: "model `M` has no output" });
    expectGolden("long-line-multiline-span.txt", render([d], text));
  });

  it("never cuts a surrogate pair at the window's edges, and expands tabs inside it", () => {
    const text = `${"😀".repeat(100)}\tbad\t${"😀".repeat(100)}\n`;
    const at = text.indexOf("bad");
    const d = diagnostic({ code: "E002", file: "f.nn", range: rangeAt(text, at, at + 3), message: "bad character" });
    const out = render([d], text);
    expectGolden("long-line-surrogates-tabs.txt", out);
    expect(out).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
  });
});

describe("without the source", () => {
  it("draws no code frame, not even its empty first line, when the file's text is not there", () => {
    const start = { line: 1, column: 1, offset: 0 };
    const unread = diagnostic({ code: "E107", file: "unread.nn", range: { start, end: start }, message: 'cannot read "unread.nn": permission denied' });
    expect(renderDiagnostics([unread], () => undefined, { color: false })).toBe('error[E107]: cannot read "unread.nn": permission denied\n  --> unread.nn:1:1\n\n');
    // A label in a file that cannot be shown keeps its location line and nothing under it.
    const text = "use \"gone.nn\"\n";
    const labelled = diagnostic({
      code: "E101",
      file: "main.nn",
      range: rangeAt(text, 4, 13),
      message: "declared twice",
      labels: [{ file: "gone.nn", range: { start, end: start }, message: "first declared here" }],
    });
    expect(renderDiagnostics([labelled], (f) => (f === "main.nn" ? text : undefined), { color: false })).toBe(
      ["error[E101]: declared twice", "  --> main.nn:1:5", "   |", ' 1 | use "gone.nn"', "   |     ^^^^^^^^^", "  :: gone.nn:1:1", "", ""].join("\n"),
    );
  });
});

describe("how many diagnostics are shown", () => {
  it(`shows ${MAX_DIAGNOSTICS_PER_FILE} per file, then counts the others by severity`, () => {
    const text = "x\n";
    const make = (file: string, code: "E100" | "W401", n: number) =>
      Array.from({ length: n }, (_, i) => diagnostic({ code, file, range: rangeAt(text, 0, 1), message: `number ${i}` }));
    const diagnostics = [...make("a.nn", "E100", 4), ...make("a.nn", "W401", 1), ...make("b.nn", "E100", 2), ...make("c.nn", "E100", 3), ...make("c.nn", "W401", 2)];
    expectGolden("per-file-cap.txt", render(diagnostics, text, { maxPerFile: 2 }));

    const many = make("big.nn", "E100", 4000);
    const out = render(many, text);
    expect(out.match(/^error\[E100\]/gm)).toHaveLength(MAX_DIAGNOSTICS_PER_FILE);
    expect(out.trimEnd().split("\n").pop()).toBe("… and 3,800 more errors in big.nn (use --format json for all)");
    expect(render(many, text, { maxPerFile: Infinity }).match(/^error\[E100\]/gm)).toHaveLength(4000);
  });

  it("renders 8,000 unknown arguments on one line in output linear in their number (233 MB for 4,000 before; 8,000 crashed)", () => {
    const args = Array.from({ length: 8000 }, (_, i) => `zz${i}: 1`).join(", ");
    const text = `model M { input x: [4]  x -> dense(4, ${args}) }\n`;
    const result = checkSource(text, "dense.nn");
    expect(result.diagnostics).toHaveLength(8000);
    const all = renderDiagnostics(result.diagnostics, () => text, { color: false, maxPerFile: Infinity });
    const lines = all.split("\n");
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(MAX_SOURCE_COLUMNS + 10);
    expect(all.length).toBeLessThan(8000 * 600);
    const capped = renderDiagnostics(result.diagnostics, () => text, { color: false });
    expect(capped.length).toBeLessThan(MAX_DIAGNOSTICS_PER_FILE * 600);
    expect(capped).toContain("… and 7,800 more errors in dense.nn (use --format json for all)");
  });
});
