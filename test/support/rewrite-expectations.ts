/**
 * `UPDATE_EXPECT=1` for inline `// expect:` annotations: finds each annotation of a checked source
 * in the running test file and rewrites it to what the compiler reports on that line.
 *
 * Sources are often assembled from pieces (`train("mse   // expect: W403")`), so an annotation is
 * looked for as text inside the file's string and template literals, unescaped, not as a whole
 * source: either a `// expect: …` comment in a literal, or a literal holding just what follows
 * `expect:` (a helper that writes the `// expect:` itself). When the same text occurs more than once,
 * the occurrence nearest the call of the harness is taken. Lines with diagnostics but no annotation
 * are left to the author: the test fails and says what to write.
 */
import { readFileSync, writeFileSync } from "node:fs";
import ts from "typescript";
import { expect } from "vitest";
import type { Diagnostic } from "../../compiler/diagnostics/diagnostic.js";

/** The annotation that states `d`, without its `// `: `expect: E100 col 8: unknown …`. */
function annotationOf(d: Diagnostic): string {
  return `expect: ${d.code} col ${d.range.start.column}: ${d.message}`;
}

/** A span of the test file's text that holds one annotation, with the quoting of its literal. */
interface Place {
  readonly start: number;
  readonly end: number;
  /** The annotation as the source reads it (escapes undone). */
  readonly text: string;
  readonly quote: "`" | '"' | "'";
  /** Whether the span is only what follows `expect:` (a literal a helper puts after `// expect: `). */
  readonly bodyOnly: boolean;
  readonly line: number;
}

/**
 * Rewrites the annotations of `source` in the running test file to `diagnostics`. Returns whether
 * every annotated line was found and no diagnostic is left on a line without one.
 */
export function rewriteExpectations(source: string, diagnostics: readonly Diagnostic[]): boolean {
  const testFile = expect.getState().testPath;
  if (!testFile) return false;
  const lines = source.split("\n");
  const byLine = new Map<number, Diagnostic[]>();
  for (const d of diagnostics) byLine.set(d.range.start.line, [...(byLine.get(d.range.start.line) ?? []), d]);

  let text = readFileSync(testFile, "utf8");
  const callSite = callSiteIn(testFile);
  let complete = true;
  // Once one annotation is found, the others of one literal sit as many lines further on.
  let lineOffset: number | undefined;
  const annotated = lines.flatMap((line, i) => (/\/\/\s*expect:/.test(line) ? [{ line: i + 1, old: line.slice(line.search(/\/\/\s*expect:/)).trimEnd() }] : []));
  const pick = (candidates: Place[], sourceLine: number): Place => {
    const aligned = (offset: number) => annotated.filter((a) => a.line > sourceLine && text.split("\n")[a.line + offset - 1]?.includes(a.old)).length;
    const score = (p: Place) => (lineOffset !== undefined ? (p.line - sourceLine === lineOffset ? 1000 : 0) : aligned(p.line - sourceLine));
    const best = candidates.reduce((a, b) => {
      const [sa, sb] = [score(a), score(b)];
      return sb > sa || (sb === sa && Math.abs(b.line - callSite.line) < Math.abs(a.line - callSite.line)) ? b : a;
    });
    if (!best.bodyOnly) lineOffset = best.line - sourceLine;
    return best;
  };
  lines.forEach((line, i) => {
    const here = [...(byLine.get(i + 1) ?? [])].sort((a, b) => a.range.start.column - b.range.start.column || a.code.localeCompare(b.code));
    byLine.delete(i + 1);
    const at = line.search(/\/\/\s*expect:/);
    if (at < 0) {
      if (here.length > 0) complete = false;
      return;
    }
    const old = line.slice(at).trimEnd();
    const wanted = here.map((d) => `// ${annotationOf(d)}`).join(" ");
    if (old === wanted) return;
    const { places, call } = placesIn(text, callSite);
    const inCall = (p: Place) => call !== undefined && call.start <= p.start && p.end <= call.end;
    const whole = places.filter((p) => !p.bodyOnly && p.text.trimEnd() === old);
    // A bare literal of codes counts only as an argument of this very call, not as any "E107" in the file.
    const body = places.filter((p) => p.bodyOnly && inCall(p) && p.text.trim() === old.replace(/^\/\/\s*expect:\s*/, ""));
    // The call's own literals first; a source built earlier from a literal elsewhere, nearest first.
    const candidates = whole.some(inCall) ? whole.filter(inCall) : body.length > 0 ? body : whole;
    if (candidates.length === 0) {
      // Already rewritten by an earlier test that shares the literal, to the same annotations.
      if (!places.some((p) => p.text.trimEnd() === wanted || p.text.trim() === wanted.replace(/^\/\/\s*expect:\s*/, ""))) complete = false;
      return;
    }
    // An annotation with nothing reported on its line is left for the author to remove.
    if (here.length === 0) {
      complete = false;
      return;
    }
    const place = pick(candidates, i + 1);
    const replacement = place.bodyOnly ? wanted.replace(/^\/\/\s*expect:\s*/, "") : wanted;
    text = text.slice(0, place.start) + escapeFor(place.quote, replacement) + text.slice(place.end);
  });
  if (byLine.size > 0) complete = false;
  writeFileSync(testFile, text);
  return complete;
}

/** Where in `testFile` the harness was called (1-based line and column), from the stack. */
function callSiteIn(testFile: string): { line: number; column: number } {
  const frame = (new Error().stack ?? "").split("\n").find((f) => f.includes(testFile));
  const match = frame?.match(/:(\d+):(\d+)\)?$/);
  return match ? { line: Number(match[1]), column: Number(match[2]) } : { line: 0, column: 0 };
}

/** Escapes `text` to stand inside a literal quoted with `quote`. */
function escapeFor(quote: Place["quote"], text: string): string {
  const escaped = text.replace(/\\/g, "\\\\");
  if (quote === "`") return escaped.replace(/`/g, "\\`").replace(/\$\{/g, "\\${");
  return escaped.replaceAll(quote, `\\${quote}`);
}

/**
 * Every annotation span in the string and template literals of `text`: from `//` before `expect:`
 * to the end of its line in the source (a real line end, a `\n` escape, or the literal's end), and
 * every literal that is just codes after `expect:` (`"E107"`, `"E108 expect: E301"`).
 */
function placesIn(text: string, callSite: { line: number; column: number }): { places: Place[]; call?: { start: number; end: number } } {
  const file = ts.createSourceFile("test.ts", text, ts.ScriptTarget.Latest, true);
  const places: Place[] = [];
  let call: { start: number; end: number } | undefined;
  const at = callSite.line > 0 ? file.getPositionOfLineAndCharacter(callSite.line - 1, callSite.column - 1) : -1;
  const visit = (node: ts.Node): void => {
    // The innermost call the stack points into is the harness's call.
    if (ts.isCallExpression(node) && node.getStart() <= at && at < node.end) call = { start: node.getStart(), end: node.end };
    const literal = literalSpan(node, text);
    if (literal) {
      const { start, end, quote } = literal;
      const raw = text.slice(start, end);
      const lineOf = (offset: number) => file.getLineAndCharacterOfPosition(offset).line + 1;
      if (/^\s*[EW]\d{3}\b/.test(raw) && !raw.includes("//") && quote !== "`") {
        places.push({ start, end: start + raw.trimEnd().length, text: unescape(raw.trimEnd()), quote, bodyOnly: true, line: lineOf(start) });
      }
      for (const m of raw.matchAll(/\/\/\s*expect:/g)) {
        const from = m.index;
        const lineEnd = raw.slice(from).search(/\n|\\n/);
        // Trailing spaces stay outside the span, so a rewrite keeps them.
        const to = from + (lineEnd < 0 ? raw.slice(from) : raw.slice(from, from + lineEnd)).trimEnd().length;
        // A second `// expect:` on the same line belongs to this span.
        if (places.some((p) => p.start <= start + from && start + from < p.end)) continue;
        places.push({ start: start + from, end: start + to, text: unescape(raw.slice(from, to)), quote, bodyOnly: false, line: lineOf(start + from) });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return { places, call };
}

/** The raw span inside the quotes of a string or template literal piece, and its quote. */
function literalSpan(node: ts.Node, text: string): { start: number; end: number; quote: Place["quote"] } | undefined {
  const start = node.getStart();
  if (ts.isStringLiteral(node)) return { start: start + 1, end: node.end - 1, quote: text[start] === "'" ? "'" : '"' };
  if (ts.isNoSubstitutionTemplateLiteral(node)) return { start: start + 1, end: node.end - 1, quote: "`" };
  if (ts.isTemplateHead(node) || ts.isTemplateMiddle(node)) return { start: start + 1, end: node.end - 2, quote: "`" };
  if (ts.isTemplateTail(node)) return { start: start + 1, end: node.end - 1, quote: "`" };
  return undefined;
}

/** Undoes the escapes an annotation may hold (`\``, `\"`, `\'`, `\\`, `\$`). */
function unescape(raw: string): string {
  return raw.replace(/\\(.)/g, "$1");
}
