import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkProgram, diskHost, type CheckResult } from "../../compiler/check/check.js";
import { CheckCache } from "../../compiler/check/check-cache.js";
import type { SourceHost } from "../../compiler/checker/program.js";
import { parse, type ParseResult } from "../../grammar/parse.js";
import { reparse } from "../../grammar/reparse.js";
import { generate } from "../../bench/generated-program.mjs";
import { applyEdit, edit } from "../support/edits.js";
import { ACCEPTANCE, acceptancePrograms } from "../support/samples.js";

const OK = join(ACCEPTANCE, "ok");
const samples: Array<{ path: string; text: string }> = [
  ...acceptancePrograms(),
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

/** A document being edited: `check()` checks its current text with one cache, as the language server does. */
function editing(text: string): { check(): CheckResult; edit(change: (text: string) => string): void } {
  const path = join(OK, "generated.nn");
  let current = text;
  const host = editorHost(path, () => current);
  const cache = new CheckCache();
  return {
    check: () => checkProgram([path], host, cache),
    edit: (change) => {
      current = change(current);
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
  }, 60_000);

  it("elaborates again only the model an edit touched and the training of it", () => {
    const document = editing(generate(60));
    const before = document.check();
    document.edit((text) => text.replace("-> fc1: dense(width", "-> fc1: dense(width + 1"));
    const after = document.check();
    const changed = after.models.filter((m, i) => m !== before.models[i]).map((m) => m.name);
    expect(changed).toEqual(["Net1"]);
    const retrained = after.trainings.filter((t, i) => t !== before.trainings[i]).map((t) => t.name);
    expect(retrained).toEqual(["run1"]);
  });

  it("checks again a model whose block changed", () => {
    const document = editing(generate(60));
    const before = document.check();
    document.edit((text) => text.replace("maxpool(2)", "maxpool(20)"));
    const after = document.check();
    expect(after.models.every((m, i) => m !== before.models[i])).toBe(true);
    expect(after.diagnostics.length).toBeGreaterThan(0);
  });

  it("reports a kept entry's diagnostics again, and checks it again once it has moved", () => {
    const document = editing(generate(60));
    document.edit((text) => text.replace("-> fc2: dense(width", "-> fc2: dense(width, units: 3"));
    const broken = document.check();
    expect(broken.diagnostics.length).toBeGreaterThan(0);
    const lines = broken.diagnostics.map((d) => d.range.start.line);
    // An edit after it: the broken model is kept, diagnostics and all.
    document.edit((text) => text.replace("-> fc4: dense(width", "-> fc4: dense(width "));
    const kept = document.check();
    expect(kept.models[2]).toBe(broken.models[2]);
    expect(kept.diagnostics).toEqual(broken.diagnostics);
    // A line inserted before it moves it: checked again, its diagnostics one line lower.
    document.edit((text) => `\n${text}`);
    const moved = document.check();
    expect(moved.models[2]).not.toBe(broken.models[2]);
    expect(moved.diagnostics.map((d) => d.range.start.line)).toEqual(lines.map((line) => line + 1));
  });

  it("follows a change in a `use`d file: blocks that changed or moved", () => {
    const files = new Map([
      ["/tmp/nnc-cache/lib.nn", "block Pool(x) {\n  x -> maxpool(2)\n}\n"],
      ["/tmp/nnc-cache/main.nn", 'use "./lib.nn"\n\nmodel M {\n  input image: [28, 28, 1]\n  image -> Pool -> flatten -> dense(10)\n}\n'],
    ]);
    const parses = new Map<string, ParseResult>();
    const host: SourceHost = {
      readFile: (p) => files.get(p),
      parse: (text, p) => {
        const last = parses.get(p);
        const result = last ? reparse(last, text, p) : parse(text, p);
        parses.set(p, result);
        return result;
      },
    };
    const cache = new CheckCache();
    const fresh = () => checkProgram(["/tmp/nnc-cache/main.nn"], { readFile: (p) => files.get(p) });
    const check = () => checkProgram(["/tmp/nnc-cache/main.nn"], host, cache);
    const first = check();
    expect(first.models[0].layers.at(-1)?.params).toEqual(fresh().models[0].layers.at(-1)?.params);
    for (const lib of [
      "block Pool(x) {\n  x -> maxpool(4)\n}\n",
      "\n\nblock Pool(x) {\n  x -> maxpool(4)\n}\n",
      "block Pool(x) {\n  x -> maxpool(40)\n}\n",
      "block Pooling(x) {\n  x -> maxpool(4)\n}\n",
      "block Pool(x) {\n  x -> maxpool(2)\n}\n",
    ]) {
      files.set("/tmp/nnc-cache/lib.nn", lib);
      const cached = check();
      const expected = fresh();
      expect(cached.diagnostics).toEqual(expected.diagnostics);
      expect(cached.models).toEqual(expected.models);
    }
  });
});
