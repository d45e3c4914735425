/**
 * Every ```nn block of docs/*.md is a program the compiler accepts, so the documentation cannot
 * drift from the language.
 *
 * Convention (stated in docs/training.md): each block is checked as if it were a file in
 * examples/own-data/, so data paths in examples name the files there (`csv("iris.csv", …)`), and
 * every data file a block names must exist. A block must check without any diagnostic, unless the
 * nearest non-blank line before it is a marker:
 *
 *     <!-- expect: E301 -->           exactly these codes (errors or warnings), in any order
 *     <!-- expect: E303, W403 -->
 *     <!-- fragment -->               not a whole program (a `use` line, a sketch): not checked
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { checkProgram, diskHost } from "../../compiler/check/check.js";
import type { SourceHost } from "../../compiler/checker/program.js";
import type { DataSetting, ResolvedTraining } from "../../runtime/core/settings.js";

const ROOT = resolve(import.meta.dirname, "../..");
const DOCS = join(ROOT, "docs");
/** Where every block is checked from: its data paths are relative to this folder. */
const HOME = join(ROOT, "examples/own-data");

interface Block {
  readonly doc: string;
  /** The 1-based line of the opening fence. */
  readonly line: number;
  readonly text: string;
  readonly marker: { readonly kind: "expect"; readonly codes: readonly string[] } | { readonly kind: "fragment" } | null;
}

const MARKER = /^<!--\s*(expect|fragment)\s*:?\s*(.*?)\s*-->$/;

/** The ```nn blocks of a Markdown file, each with the marker before it. */
export function nnBlocks(doc: string, markdown: string): Block[] {
  const lines = markdown.split("\n");
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^(\s*)(`{3,})nn\s*$/.exec(lines[i]);
    if (!fence) continue;
    const close = lines.findIndex((l, k) => k > i && l.trim() === fence[2]);
    if (close < 0) throw new Error(`${doc}:${i + 1}: the \`\`\`nn block is never closed`);
    let before = i - 1;
    while (before >= 0 && lines[before].trim() === "") before--;
    const m = before >= 0 ? MARKER.exec(lines[before].trim()) : null;
    let marker: Block["marker"] = null;
    if (m?.[1] === "fragment") marker = { kind: "fragment" };
    else if (m?.[1] === "expect") {
      const codes = m[2].split(/[\s,]+/).filter((c) => c !== "");
      if (codes.length === 0 || codes.some((c) => !/^[EW]\d{3}$/.test(c))) throw new Error(`${doc}:${before + 1}: a marker lists diagnostic codes: <!-- expect: E301 -->`);
      marker = { kind: "expect", codes };
    }
    blocks.push({ doc, line: i + 1, text: lines.slice(i + 1, close).join("\n") + "\n", marker });
    i = close;
  }
  return blocks;
}

/** Every file or folder a user data source names (training files and parts). */
function dataPaths(data: DataSetting): string[] {
  const parts = (d: { test: { kind: string; paths?: readonly string[] } | null; validation: { kind: string; paths?: readonly string[] } | null }) =>
    [d.test, d.validation].flatMap((p) => (p?.kind === "files" ? [...(p.paths ?? [])] : []));
  const str = (v: unknown): string[] => (typeof v === "string" ? [v] : []);
  switch (data.kind) {
    case "mnist":
    case "adding_problem":
      return [];
    case "idx":
      return [...str(data.images), ...str(data.labels), ...parts(data)];
    case "npy":
      return [...data.x.flatMap(str), ...data.y.flatMap(str), ...parts(data)];
    default:
      return [...str(data.path), ...parts(data)];
  }
}

function trainingPaths(resolved: ResolvedTraining): string[] {
  const sources: unknown[] = [resolved.data];
  if (resolved.validation.kind === "dataset") sources.push(resolved.validation.data);
  // A searched data source (`choice(csv(…), csv(…))`) names the files of every option.
  const settled = sources.flatMap((s) => (typeof s === "object" && s !== null && "search" in s && "options" in s ? (s.options as unknown[]) : [s]));
  return settled.flatMap((s) => dataPaths(s as DataSetting));
}

const docs = readdirSync(DOCS)
  .filter((f) => f.endsWith(".md"))
  .sort();
const blocks = docs.flatMap((doc) => nnBlocks(doc, readFileSync(join(DOCS, doc), "utf8")));

describe("the ```nn examples of docs/", () => {
  it("finds the examples of the training reference and the data guide", () => {
    expect(blocks.filter((b) => b.doc === "training.md").length).toBeGreaterThan(40);
    expect(blocks.filter((b) => b.doc === "your-own-data.md").length).toBeGreaterThanOrEqual(2);
  });

  for (const block of blocks) {
    const name = `${block.doc}:${block.line}`;
    if (block.marker?.kind === "fragment") {
      it.skip(`${name} (fragment)`, () => {});
      continue;
    }
    it(name, () => {
      const file = join(HOME, `${block.doc.replace(/\.md$/, "")}-line-${block.line}.nn`);
      const host: SourceHost = { readFile: (path) => (resolve(path) === file ? block.text : diskHost.readFile(path)) };
      const result = checkProgram([file], host);
      const found = [...new Set(result.diagnostics.map((d) => d.code))].sort();
      const expected = block.marker?.kind === "expect" ? [...new Set(block.marker.codes)].sort() : [];
      const shown = result.diagnostics.map((d) => `  ${d.code} line ${d.range.start.line}: ${d.message}`).join("\n");
      expect(found, `${name}: diagnostics\n${shown}`).toEqual(expected);
      if (expected.length > 0) return;
      for (const training of result.trainings) {
        if (!training.resolved) continue;
        for (const path of trainingPaths(training.resolved)) {
          expect(existsSync(resolve(HOME, path)), `${name}: training ${training.name} names ${path}, which is not in ${relative(ROOT, HOME)}/`).toBe(true);
        }
      }
    });
  }
});
