/**
 * Loading data in steps (runtime/data/loading.ts): a loader is written once, as a generator; run at
 * once (`loadNow`) or paced (`loadPaced`, which lets the event loop run so a training hears Ctrl-C),
 * it gives the same data, and a stop gives the loading up. A CSV file is parsed in chunks cut at
 * records' ends: the rows are those of parsing it whole, and a file the parser refuses gets the
 * error of parsing it whole.
 */
import fc from "fast-check";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Rng } from "../../../runtime/core/random.js";
import { readCsv, readCsvRows, readCsvSteps } from "../../../runtime/data/csv.js";
import { loadNow, loadPaced, LoadingStopped, type Loading } from "../../../runtime/data/loading.js";
import { expandExamples, expandExamplesSteps, type Transform } from "../../../runtime/data/transforms.js";
import { readDataFile, withDataFileLog } from "../../../runtime/data/user-files.js";

/** The rows of `text` parsed in chunks of about `chunk` characters, or the message of the error. */
function rowsIn(text: string, chunk: number): unknown {
  try {
    return loadNow(readCsvRows(text, "f.csv", chunk));
  } catch (error) {
    return { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

/** Text made of the pieces CSV files are made of, quotes and line breaks of every kind included. */
const csvText = fc
  .array(fc.constantFrom("a", "1", "-2.5", ",", ",", '"', '""', "\n", "\n", "\r\n", "\r", " ", "x y", "\uFEFF"), { maxLength: 60 })
  .map((pieces) => pieces.join(""));

describe("CSV in chunks", () => {
  it("property: chunks cut at records' ends give the rows (and lines) of the whole text, or the same error", () => {
    fc.assert(
      fc.property(csvText, fc.integer({ min: 1, max: 24 }), (text, chunk) => {
        expect(rowsIn(text, chunk)).toEqual(rowsIn(text, Infinity));
      }),
      { numRuns: 2000 },
    );
  });

  it("a quoted field with line breaks is never cut; an unclosed quote is reported where it opens", () => {
    const text = 'a,b\n"x\ny\nz",1\n2,3\n';
    expect(rowsIn(text, 3)).toEqual([
      { cells: ["a", "b"], line: 1 },
      { cells: ["x\ny\nz", "1"], line: 2 },
      { cells: ["2", "3"], line: 5 },
    ]);
    expect(rowsIn('a,b\n1,2\n"open,3\n4,5\n', 2)).toEqual({ error: 'DataError: f.csv:3: not valid CSV: the quote that opens the field `"open,3` is never closed, so the rest of the file would be read as that one field; close the quote at the end of the field, or remove it (a quote inside a quoted field is written twice: "")' });
  });
});

describe("paced loading", () => {
  const dir = mkdtempSync(join(tmpdir(), "nnc-loading-"));

  it("property: paced, with a turn of the event loop at every step, the CSV reader gives what it gives at once", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.array(fc.integer({ min: -999, max: 999 }), { minLength: 2, maxLength: 2 }), fc.constantFrom("cat", "dog")), { minLength: 1, maxLength: 40 }),
        async (rows) => {
          const path = "rows.csv";
          writeFileSync(join(dir, path), `u,v,kind\n${rows.map(([x, kind]) => `${x[0] / 10},${x[1]},${kind}`).join("\n")}\n`);
          const setting = { path, label: ["kind"], features: null, targets: null };
          const paced = await loadPaced(readCsvSteps(setting, dir), { every: 0 });
          const now = readCsv(setting, dir);
          expect({ ...paced, where: paced.where(0) }).toEqual({ ...now, where: now.where(0) });
        },
      ),
      { numRuns: 50 },
    );
  });

  it("property: expansion paced at every step draws the same random fields and gives the same copies", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1100 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.subarray<Transform>([{ kind: "shift", pixels: 1 }, { kind: "elastic", alpha: 2, sigma: 1 }, { kind: "rotate", degrees: 10 }], { minLength: 1 }),
        async (count, seed, transforms) => {
          const values = Float32Array.from({ length: count * 16 }, (_, i) => (i * 7919) % 13);
          const data = { inputs: [{ values, shape: [4, 4, 1] }], targets: [{ values: new Float32Array(count), shape: [1], classes: null }], count };
          const paced = await loadPaced(expandExamplesSteps(data, transforms, new Rng(seed)), { every: 0 });
          expect(paced).toEqual(expandExamples(data, transforms, new Rng(seed)));
        },
      ),
      { numRuns: 10 },
    );
  });

  it("an aborted stop ends the loading at its next turn of the event loop, closing the loader", async () => {
    let steps = 0;
    let closed = false;
    const endless = function* (): Loading<never> {
      try {
        for (;;) {
          steps++;
          yield;
        }
      } finally {
        closed = true;
      }
    };
    const controller = new AbortController();
    setTimeout(() => controller.abort("SIGINT"), 30);
    const error = await loadPaced(endless(), { stop: controller.signal, every: 5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoadingStopped);
    expect((error as LoadingStopped).reason).toBe("SIGINT");
    expect(closed).toBe(true);
    expect(steps).toBeGreaterThan(0);
    // A signal aborted without a reason of its own is the program's ("abort").
    const program = new AbortController();
    program.abort();
    expect(await loadPaced(endless(), { stop: program.signal, every: 0 }).catch((e: LoadingStopped) => e.reason)).toBe("abort");
  });

  it("the data file log notes the files a loading reads while its steps run, not those read while it is paused", async () => {
    for (const name of ["a.csv", "b.csv", "c.csv"]) writeFileSync(join(dir, name), "x,y\n1,2\n");
    const reads = function* (): Loading<number> {
      readDataFile("a.csv", dir);
      yield;
      readDataFile("b.csv", dir);
      return 7;
    };
    const loading = withDataFileLog(reads());
    expect(loading.next().done).toBe(false);
    // Between two steps (as while paced, when the event loop runs): not the loading's file.
    readDataFile("c.csv", dir);
    const last = loading.next();
    expect(last.done && last.value.value).toBe(7);
    expect(last.done && last.value.files.map((f) => f.path)).toEqual([join(dir, "a.csv"), join(dir, "b.csv")]);
    const paced = await loadPaced(withDataFileLog(reads()), { every: 0 });
    expect(paced.files.map((f) => f.path)).toEqual([join(dir, "a.csv"), join(dir, "b.csv")]);
  });

});
