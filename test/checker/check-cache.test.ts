import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkProgram, diskHost, type CheckResult } from "../../compiler/check.js";
import { CheckCache } from "../../compiler/check-cache.js";
import type { SourceHost } from "../../compiler/checker/program.js";
import { parse, type ParseResult } from "../../grammar/parse.js";
import { reparse } from "../../grammar/reparse.js";
import { generate } from "../../bench/generated-program.mjs";
import { applyEdit, edit } from "../support/edits.js";

const ACCEPTANCE = join(import.meta.dirname, "../../../shared/acceptance");
const OK = join(ACCEPTANCE, "ok");
const samples: Array<{ path: string; text: string }> = [
  ...["ok", "errors"].flatMap((sub) =>
    readdirSync(join(ACCEPTANCE, sub))
      .filter((f) => f.endsWith(".nn"))
      .map((f) => ({ path: join(ACCEPTANCE, sub, f), text: readFileSync(join(ACCEPTANCE, sub, f), "utf8") })),
  ),
  { path: join(OK, "generated.nn"), text: generate(150) },
];

/** A host that serves `text` for `path`, reparsing it from its last parse, as the language server does. */
function editorHost(path: string, current: () => string): SourceHost {
  let last: ParseResult | undefined;
  return {
    readFile: (p) => (p === path ? current() : diskHost.readFile(p)),
    parse: (text, p) => {
      if (p !== path) return parse(text, p);
      last = last ? reparse(last, text, p) : parse(text, p);
      return last;
    },
  };
}

/** The values an editor reads, keyed by where their nodes are rather than by node identity. */
function valuesByPlace(result: CheckResult): unknown[] {
  return [...result.values]
    .map(([node, values]) => [node.range.start.offset, node.range.end.offset, node.kind, values] as const)
    .sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2].localeCompare(b[2]));
}

describe("checking with a cache", () => {
  it("gives what a fresh check gives, after any sequence of edits", () => {
    fc.assert(
      fc.property(fc.constantFrom(...samples), fc.array(edit, { minLength: 1, maxLength: 4 }), ({ path, text: original }, edits) => {
        let text = original;
        const host = editorHost(path, () => text);
        const cache = new CheckCache();
        checkProgram([path], host, cache);
        for (const e of edits) {
          text = applyEdit(text, e);
          const cached = checkProgram([path], host, cache);
          const fresh = checkProgram([path], { readFile: (p) => (p === path ? text : diskHost.readFile(p)) });
          expect(cached.diagnostics).toEqual(fresh.diagnostics);
          expect(cached.models).toEqual(fresh.models);
          expect(cached.trainings).toEqual(fresh.trainings);
          expect(valuesByPlace(cached)).toEqual(valuesByPlace(fresh));
        }
      }),
      { numRuns: 300 },
    );
  });

  it("elaborates again only the model an edit touched and the training of it", () => {
    const path = join(OK, "generated.nn");
    let text = generate(60);
    const host = editorHost(path, () => text);
    const cache = new CheckCache();
    const before = checkProgram([path], host, cache);
    text = text.replace("-> fc1: dense(width", "-> fc1: dense(width + 1");
    const after = checkProgram([path], host, cache);
    const changed = after.models.filter((m, i) => m !== before.models[i]).map((m) => m.name);
    expect(changed).toEqual(["Net1"]);
    const retrained = after.trainings.filter((t, i) => t !== before.trainings[i]).map((t) => t.name);
    expect(retrained).toEqual(["run1"]);
  });

  it("checks again a model whose block changed", () => {
    const path = join(OK, "generated.nn");
    let text = generate(60);
    const host = editorHost(path, () => text);
    const cache = new CheckCache();
    const before = checkProgram([path], host, cache);
    text = text.replace("maxpool(2)", "maxpool(20)");
    const after = checkProgram([path], host, cache);
    expect(after.models.every((m, i) => m !== before.models[i])).toBe(true);
    expect(after.diagnostics.length).toBeGreaterThan(0);
  });

  it("reports a kept entry's diagnostics again, and checks it again once it has moved", () => {
    const path = join(OK, "generated.nn");
    let text = generate(60);
    const host = editorHost(path, () => text);
    const cache = new CheckCache();
    text = text.replace("-> fc2: dense(width", "-> fc2: dense(width, units: 3");
    const broken = checkProgram([path], host, cache);
    expect(broken.diagnostics.length).toBeGreaterThan(0);
    const lines = broken.diagnostics.map((d) => d.range.start.line);
    // An edit after it: the broken model is kept, diagnostics and all.
    text = text.replace("-> fc4: dense(width", "-> fc4: dense(width ");
    const kept = checkProgram([path], host, cache);
    expect(kept.models[2]).toBe(broken.models[2]);
    expect(kept.diagnostics).toEqual(broken.diagnostics);
    // A line inserted before it moves it: checked again, its diagnostics one line lower.
    text = `\n${text}`;
    const moved = checkProgram([path], host, cache);
    expect(moved.models[2]).not.toBe(broken.models[2]);
    expect(moved.diagnostics.map((d) => d.range.start.line)).toEqual(lines.map((line) => line + 1));
  });
});
