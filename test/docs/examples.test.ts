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
import { existsSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { checkProgram, diskHost } from "../../compiler/check/check.js";
import type { SourceHost } from "../../compiler/checker/program.js";
import type { DataSetting, ResolvedTraining } from "../../runtime/core/settings.js";
import { docBlocks } from "../support/doc-blocks.js";

const ROOT = resolve(import.meta.dirname, "../..");
const DOCS = join(ROOT, "docs");
/** Where every block is checked from: its data paths are relative to this folder. */
const HOME = join(ROOT, "examples/own-data");

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

const blocks = docBlocks(DOCS);

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
