/**
 * The language server keeps a `CheckCache` per document: a training whose data files appear,
 * disappear or change is checked again at the next check though the `.nn` text did not change, and
 * a check with the cache gives what a check without it gives.
 */
import fc from "fast-check";
import { existsSync, mkdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkProgram, type CheckResult } from "../../compiler/check/check.js";
import { CheckCache } from "../../compiler/check/check-cache.js";
import { forgetProbes } from "../../compiler/training/data-files.js";
import type { SourceHost } from "../../compiler/checker/program.js";
import { parse, type ParseResult } from "../../grammar/parse.js";
import { pngBytes, tempFolder } from "./support/data-files.js";

const SOURCE = `
model M {
  input x: [4]
  x -> dense(3, activation: softmax)
}
train tabular: M {
  data: csv("data.csv", label: "y", test: "test.csv")
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
}
model Pics {
  input image: [4, 4, 3]
  image -> flatten -> dense(3, activation: softmax)
}
train pictures: Pics {
  data: images("photos")
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
}
model Flat {
  input x: [784]
  x -> dense(10, activation: softmax)
}
train plain: Flat {
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
}
`;

/** A host serving one unchanged text, parsed once, so that the cache finds the same declarations. */
function host(path: string): SourceHost {
  let parsed: ParseResult | undefined;
  return { readFile: (p) => (p === path ? SOURCE : undefined), parse: (text, p) => (parsed ??= parse(text, p)) };
}

/** What may happen to the data files between two checks. */
type Step =
  | { readonly kind: "csv"; readonly file: "data.csv" | "test.csv"; readonly header: string }
  | { readonly kind: "remove"; readonly path: string }
  | { readonly kind: "folder"; readonly path: string }
  | { readonly kind: "class"; readonly name: string; readonly size: number }
  | { readonly kind: "empty class"; readonly name: string };

const HEADERS = ["a,b,c,d,y", "a,b,c,y", "a,b,c,d,e,y", "a,b,c,d,z", "a,b,c,d,Y", "1,2,3,4,5"];
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant("csv" as const), file: fc.constantFrom("data.csv" as const, "test.csv" as const), header: fc.constantFrom(...HEADERS) }),
  fc.record({ kind: fc.constant("remove" as const), path: fc.constantFrom("data.csv", "test.csv", "photos", "photos/cat", "photos/dog", "photos/owl", "photos/cat/1.png") }),
  fc.record({ kind: fc.constant("folder" as const), path: fc.constantFrom("data.csv", "photos") }),
  fc.record({ kind: fc.constant("class" as const), name: fc.constantFrom("cat", "dog", "owl"), size: fc.constantFrom(4, 5) }),
  fc.record({ kind: fc.constant("empty class" as const), name: fc.constantFrom("cat", "owl") }),
);

/**
 * Applies a step. Every entry it writes, and every folder whose names it changes, gets an mtime of
 * its own, as saves seconds apart would (two changes within one tick of the file system's clock
 * look alike to any stamp of mtime and size).
 */
function apply(dir: string, s: Step, time: number): void {
  const at = (path: string) => join(dir, path);
  const touch = (...paths: string[]) => {
    for (const path of paths) if (existsSync(at(path))) utimesSync(at(path), time, time);
  };
  switch (s.kind) {
    case "csv":
      rmSync(at(s.file), { recursive: true, force: true });
      writeFileSync(at(s.file), `${s.header}\n1,2,3,4,5\n`);
      touch(s.file, ".");
      return;
    case "remove":
      rmSync(at(s.path), { recursive: true, force: true });
      touch(dirname(s.path));
      return;
    case "folder":
      rmSync(at(s.path), { recursive: true, force: true });
      mkdirSync(at(s.path));
      touch(s.path, ".");
      return;
    case "class": {
      const newFolder = !existsSync(at(`photos/${s.name}`));
      const newImage = !existsSync(at(`photos/${s.name}/1.png`));
      if (!existsSync(at("photos"))) {
        mkdirSync(at("photos"));
        touch(".");
      }
      mkdirSync(at(`photos/${s.name}`), { recursive: true });
      writeFileSync(at(`photos/${s.name}/1.png`), pngBytes(s.size, s.size));
      touch(`photos/${s.name}/1.png`, ...(newImage ? [`photos/${s.name}`] : []), ...(newFolder ? ["photos"] : []));
      return;
    }
    case "empty class":
      if (!existsSync(at("photos"))) {
        mkdirSync(at("photos"));
        touch(".");
      }
      rmSync(at(`photos/${s.name}`), { recursive: true, force: true });
      mkdirSync(at(`photos/${s.name}`));
      touch(`photos/${s.name}`, "photos");
      return;
  }
}

/** A check without the cache, and without the headers the process keeps. */
function fresh(path: string, sources: SourceHost): CheckResult {
  forgetProbes();
  return checkProgram([path], { readFile: sources.readFile });
}

function same(cached: CheckResult, fresh: CheckResult): void {
  expect(cached.diagnostics).toEqual(fresh.diagnostics);
  expect(cached.trainings.map((t) => t.resolved)).toEqual(fresh.trainings.map((t) => t.resolved));
}

describe("checking with a cache, while data files change", () => {
  it("checks a training again when its data file appears, changes or disappears, and keeps it otherwise", () => {
    const dir = tempFolder("nnc-cache-data-");
    const path = join(dir, "train.nn");
    const cache = new CheckCache();
    const codes = (r: CheckResult) => r.diagnostics.filter((d) => d.file === path).map((d) => `${d.code}@${d.range.start.line}`);
    const sources = host(path);
    const first = checkProgram([path], sources, cache);
    expect(codes(first)).toEqual(["E107@7", "E107@7", "E107@16"]);

    writeFileSync(join(dir, "data.csv"), "a,b,c,d,y\n1,2,3,4,5\n");
    writeFileSync(join(dir, "test.csv"), "a,b,c,d,y\n1,2,3,4,5\n");
    const appeared = checkProgram([path], sources, cache);
    expect(codes(appeared)).toEqual(["E107@16"]);
    const again = checkProgram([path], sources, cache);
    expect(again.trainings[0]).toBe(appeared.trainings[0]);
    expect(again.trainings[2]).toBe(first.trainings[2]);

    writeFileSync(join(dir, "data.csv"), "a,b,c,d,e,y\n1,2,3,4,5,6\n");
    const changed = checkProgram([path], sources, cache);
    expect(changed.trainings[0]).not.toBe(appeared.trainings[0]);
    expect(codes(changed)).toContain("E300@7");
    same(changed, fresh(path, sources));

    rmSync(join(dir, "data.csv"));
    expect(codes(checkProgram([path], sources, cache))).toEqual(["E107@7", "E107@16"]);

    // A class folder that gets its first image: only that folder changes, not the image folder.
    mkdirSync(join(dir, "photos", "cat"), { recursive: true });
    writeFileSync(join(dir, "photos", "cat", "1.png"), pngBytes(4, 4));
    mkdirSync(join(dir, "photos", "dog"));
    utimesSync(join(dir, "photos"), 1_000_000, 1_000_000);
    expect(codes(checkProgram([path], sources, cache))).toEqual(["E107@7", "E108@16"]);
    writeFileSync(join(dir, "photos", "dog", "1.png"), pngBytes(4, 4));
    utimesSync(join(dir, "photos", "dog"), 2_000_000, 2_000_000);
    expect(codes(checkProgram([path], sources, cache))).toEqual(["E107@7", "E301@16"]);
  });

  it("gives what a check without the cache gives, after any sequence of changes to the files", () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 8 }), (steps) => {
        const dir = tempFolder("nnc-cache-data-");
        const path = join(dir, "train.nn");
        const sources = host(path);
        const cache = new CheckCache();
        checkProgram([path], sources, cache);
        steps.forEach((s, i) => {
          apply(dir, s, 1_000_000_000 + i * 10);
          same(checkProgram([path], sources, cache), fresh(path, sources));
        });
        rmSync(dir, { recursive: true, force: true });
      }),
      { numRuns: 100 },
    );
  }, 60_000);
});
