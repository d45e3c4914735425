/**
 * The ```nn blocks of docs/*.md, each with the marker written before it, for the tests of
 * test/docs/: examples.test.ts checks that each compiles, coverage.test.ts that together they show
 * every construct, key, data source, layer and value the registries define.
 *
 * A marker is the nearest non-blank line before a block:
 *
 *     <!-- expect: E301 -->           the block checks with exactly these codes
 *     <!-- fragment -->               not a whole program (a `use` line, a sketch): not checked
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface DocBlock {
  readonly doc: string;
  /** The 1-based line of the opening fence. */
  readonly line: number;
  readonly text: string;
  readonly marker: { readonly kind: "expect"; readonly codes: readonly string[] } | { readonly kind: "fragment" } | null;
}

const MARKER = /^<!--\s*(expect|fragment)\s*:?\s*(.*?)\s*-->$/;

/** The ```nn blocks of a Markdown file, each with the marker before it. */
export function nnBlocks(doc: string, markdown: string): DocBlock[] {
  const lines = markdown.split("\n");
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^(\s*)(`{3,})nn\s*$/.exec(lines[i]);
    if (!fence) continue;
    const close = lines.findIndex((l, k) => k > i && l.trim() === fence[2]);
    if (close < 0) throw new Error(`${doc}:${i + 1}: the \`\`\`nn block is never closed`);
    let before = i - 1;
    while (before >= 0 && lines[before].trim() === "") before--;
    const m = before >= 0 ? MARKER.exec(lines[before].trim()) : null;
    let marker: DocBlock["marker"] = null;
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

/** Every ```nn block of the Markdown files in `folder` (not its subfolders), the files in name order. */
export function docBlocks(folder: string): DocBlock[] {
  return readdirSync(folder)
    .filter((f) => f.endsWith(".md"))
    .sort()
    .flatMap((doc) => nnBlocks(doc, readFileSync(join(folder, doc), "utf8")));
}
