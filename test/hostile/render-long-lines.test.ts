/**
 * Hostile sources for the text renderer: one long line holding many faults. Before, every diagnostic
 * reprinted the whole line (4,000 unknown arguments printed 233 MB; 8,000 crashed with "Invalid string
 * length"). Now each diagnostic's output is bounded whatever the line, so the output is linear in the
 * number of diagnostics, and at most MAX_DIAGNOSTICS_PER_FILE are shown per file.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkSource } from "../../compiler/check/check.js";
import { MAX_DIAGNOSTICS_PER_FILE, MAX_SOURCE_COLUMNS, renderDiagnostic, renderDiagnostics } from "../../compiler/diagnostics/render.js";

/** The most one diagnostic of these programs may print: header, location, a few windows, help. */
const PER_DIAGNOSTIC = 3000;
/** The widest line: a window of MAX_SOURCE_COLUMNS characters whose tabs are 4 columns, a gutter, ellipses, a label. */
const WIDEST_LINE = 4 * (MAX_SOURCE_COLUMNS + 2) + 40;

const name = fc.stringMatching(/^[a-z_][a-z0-9_]{0,199}$/);
const gap = fc.constantFrom(" ", "  ", "\t", " \t ", "");

/** One line: padding, then `dense(4, …)` with unknown arguments, then a trailing comment. */
const line = fc.record({
  padding: fc.nat(3000),
  args: fc.array(fc.tuple(name, gap), { minLength: 1, maxLength: 300, size: "max" }),
  comment: fc.string({ maxLength: 200 }).map((s) => s.replace(/[\n\r]/g, " ")),
});

function source({ padding, args, comment }: { padding: number; args: [string, string][]; comment: string }): string {
  const list = args.map(([n, g], i) => `${g}${n}_${i}:${g}1`).join(",");
  return `model M {\n  input x: [4]\n${" ".repeat(padding)}  x -> dense(4,${list}) // ${comment}\n}\n`;
}

describe("rendering many diagnostics on one long line", () => {
  it("prints at most a bounded amount per diagnostic, lines no wider than a window, the total linear in their number", () => {
    fc.assert(
      fc.property(line, (l) => {
        const text = source(l);
        const { diagnostics } = checkSource(text, "long.nn");
        expect(diagnostics.length).toBeGreaterThanOrEqual(l.args.length);
        const read = () => text;
        const all = renderDiagnostics(diagnostics, read, { color: false, maxPerFile: Infinity });
        let sum = 0;
        for (const d of diagnostics) {
          const one = renderDiagnostic(d, read, { color: false });
          expect(one.length).toBeLessThanOrEqual(PER_DIAGNOSTIC);
          sum += one.length;
        }
        expect(all.length).toBe(sum);
        for (const printed of all.split("\n")) expect(printed.length).toBeLessThanOrEqual(WIDEST_LINE);
        const capped = renderDiagnostics(diagnostics, read, { color: false });
        expect(capped.length).toBeLessThanOrEqual(Math.min(diagnostics.length, MAX_DIAGNOSTICS_PER_FILE) * PER_DIAGNOSTIC + 200);
      }),
      { numRuns: 60 },
    );
  });

  it("puts the caret under the span's own text, and keeps the real line and column in `-->`", () => {
    fc.assert(
      fc.property(line, (l) => {
        // Without tabs, a shown column is a source column.
        const text = source({ ...l, args: l.args.map(([n]) => [n, " "] as [string, string]) });
        const { diagnostics } = checkSource(text, "long.nn");
        for (const d of diagnostics.filter((x) => x.code === "E102")) {
          const out = renderDiagnostic(d, () => text, { color: false }).split("\n");
          expect(out[1]).toBe(`  --> long.nn:${d.range.start.line}:${d.range.start.column}`);
          const shown = out[3].slice(out[3].indexOf("| ") + 2);
          const carets = out[4].slice(out[4].indexOf("| ") + 2);
          const from = carets.indexOf("^");
          const to = carets.lastIndexOf("^") + 1;
          const span = text.slice(d.range.start.offset, d.range.end.offset);
          const under = shown.slice(from, to);
          // The span's text, or its start followed by the window's `…`.
          if (under.endsWith("…")) expect(span.startsWith(under.slice(0, -1))).toBe(true);
          else expect(under).toBe(span);
        }
      }),
      { numRuns: 40 },
    );
  });

  it("renders 20,000 faults on one line (which ran out of memory before) in bounded output", { timeout: 30_000 }, () => {
    const args = Array.from({ length: 20_000 }, (_, i) => `zz${i}: 1`).join(", ");
    const text = `model M { input x: [4]  x -> dense(4, ${args}) }\n`;
    const { diagnostics } = checkSource(text, "dense.nn");
    expect(diagnostics).toHaveLength(20_000);
    const out = renderDiagnostics(diagnostics, () => text, { color: false });
    expect(out.length).toBeLessThanOrEqual(MAX_DIAGNOSTICS_PER_FILE * PER_DIAGNOSTIC);
    expect(out).toContain("… and 19,800 more errors in dense.nn (use --format json for all)");
  });
});
