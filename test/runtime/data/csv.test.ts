import fc from "fast-check";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dataErrorOf as errorOf } from "../../support/data-errors.js";
import { loadCsv, type CsvSetting } from "../../../runtime/data/csv.js";

const dir = mkdtempSync(join(tmpdir(), "nnc-csv-"));

function write(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return name;
}

function setting(path: string, label: string | number, more: Partial<CsvSetting> = {}): CsvSetting {
  return { path, label, features: null, classes: null, targets: null, ...more };
}


describe("loadCsv", () => {
  const digits = write("digits.csv", "a,digit,b\n0.5,2,1\n-1,0,2e1\n3,1,.25\n\n\n");

  it("reads a header, the label by name and every other column as a feature", () => {
    const data = loadCsv(setting(digits, "digit"), dir);
    expect(data).toMatchObject({ count: 3, xShape: [2], yShape: [3], classes: 3 });
    expect(Array.from(data.x)).toEqual([0.5, 1, -1, 20, 3, 0.25]);
    expect(Array.from(data.y)).toEqual([0, 0, 1, 1, 0, 0, 0, 1, 0]);
    expect(loadCsv(setting(digits, 1, { features: 2, classes: 4 }), dir)).toMatchObject({ yShape: [4], classes: 4 });
  });

  it("reads a file without a header by column index", () => {
    const data = loadCsv(setting(write("plain.csv", "1,2,0\r\n3,4,1\r\n"), 2), dir);
    expect(data).toMatchObject({ count: 2, xShape: [2], classes: 2 });
    expect(Array.from(data.x)).toEqual([1, 2, 3, 4]);
  });

  it("parses quoted fields with commas, doubled quotes and line breaks (RFC 4180), and a byte-order mark", () => {
    const text = '\uFEFF"x, first","say ""hi""",label\n"1.5",2,0\n3,"4",1\n';
    const data = loadCsv(setting(write("quoted.csv", text), "label"), dir);
    expect(Array.from(data.x)).toEqual([1.5, 2, 3, 4]);
    const named = loadCsv(setting(write("quoted-label.csv", '"a, b","the ""label"""\n1,0\n'), 'the "label"'), dir);
    expect(named.count).toBe(1);
  });

  it("reads non-integer labels, or `targets`, as regression targets", () => {
    const data = loadCsv(setting(write("reg.csv", "x,t\n1,0.5\n2,1.5\n"), "t"), dir);
    expect(data).toMatchObject({ yShape: [1], classes: null });
    expect(Array.from(data.y)).toEqual([0.5, 1.5]);
    expect(loadCsv(setting(digits, "digit", { targets: 1 }), dir)).toMatchObject({ yShape: [1], classes: null, y: Float32Array.of(2, 0, 1) });
    // `targets: 2`: the label column and the one after it.
    const two = loadCsv(setting(digits, "digit", { targets: 2, features: 1 }), dir);
    expect(two).toMatchObject({ xShape: [1], yShape: [2], classes: null });
    expect(Array.from(two.x)).toEqual([0.5, -1, 3]);
    expect(Array.from(two.y)).toEqual([2, 1, 0, 20, 1, 0.25]);
  });

  it("names the file, the line, the column and what was expected", () => {
    const short = write("short.csv", "a,b,label\n1,2,0\n3,4\n");
    expect(errorOf(() => loadCsv(setting(short, "label"), dir))).toBe("short.csv:3: expected 3 columns, found 2");
    // A quoted line break: the next row still reports its own line of the file.
    const multiline = write("multiline.csv", '"first\nfeature",b,label\n1,2,0\n1,2,3,4\n');
    expect(errorOf(() => loadCsv(setting(multiline, "label"), dir))).toBe("multiline.csv:4: expected 3 columns, found 4");
    const text = write("text.csv", "a,pixel1,label\n1,2,0\n1,2,1\n1,abc,1\n");
    expect(errorOf(() => loadCsv(setting(text, "label"), dir))).toBe('text.csv:4: column "pixel1" holds "abc", expected a number');
    const lines = write("lines.csv", 'a,label\n"x\ny",0\n');
    expect(errorOf(() => loadCsv(setting(lines, "label"), dir))).toBe('lines.csv:2: column "a" holds "x\\ny", expected a number');
    const empty = write("empty-cell.csv", "1,2,0\n1,,1\n");
    expect(errorOf(() => loadCsv(setting(empty, 2), dir))).toBe('empty-cell.csv:2: column 1 holds "", expected a number');
    expect(errorOf(() => loadCsv(setting(digits, "digit", { features: 784 }), dir))).toBe(
      'digits.csv: 2 feature columns (every column but the label column "digit"), expected 784 from `features`',
    );
    expect(errorOf(() => loadCsv(setting(digits, "digits"), dir))).toBe('digits.csv: no column named "digits" in the header; its columns are a, digit, b');
    expect(errorOf(() => loadCsv(setting(digits, 3), dir))).toBe("digits.csv: label column index 3 is outside the file's 3 columns (0…2)");
    const plain = write("plain2.csv", "1,2,0\n");
    expect(errorOf(() => loadCsv(setting(plain, "label"), dir))).toBe(
      'plain2.csv: the label column is named "label", but the file has no header row (its first row is all numbers); give the label as a 0-based column index',
    );
    expect(errorOf(() => loadCsv(setting(digits, "digit", { classes: 2 }), dir))).toBe('digits.csv:2: column "digit": label 2 is not a class index in 0…1');
    const word = write("word.csv", "x,label\n1,cat\n");
    expect(errorOf(() => loadCsv(setting(word, "label", { classes: 2 }), dir))).toBe('word.csv:2: label column "label" holds "cat", expected a class index 0…1');
    const blank = write("blank.csv", "x,label\n1,0\n\n2,1\n");
    expect(errorOf(() => loadCsv(setting(blank, "label"), dir))).toBe("blank.csv:3: blank line, expected 2 columns");
    const quote = write("quote.csv", 'x,label\n1,0\n"2,1\n');
    expect(errorOf(() => loadCsv(setting(quote, "label"), dir))).toMatch(/^quote\.csv:\d+: not valid CSV: /);
    expect(errorOf(() => loadCsv(setting(digits, "digit", { targets: 3 }), dir))).toBe(
      'digits.csv: `targets: 3` takes 3 columns from the label column "digit" (index 1), but the file has 3 columns (the last index is 2)',
    );
    expect(errorOf(() => loadCsv(setting(write("header-only.csv", "x,label\n"), "label"), dir))).toBe("header-only.csv: the file holds no examples");
    expect(errorOf(() => loadCsv(setting("none.csv", 0), dir))).toBe(`cannot read data file "none.csv" (resolved to ${join(dir, "none.csv")}): no such file`);
  });

  it("round-trips random float32 features and class labels", () => {
    let n = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 5 }),
        fc.array(fc.float({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 40 }),
        fc.boolean(),
        (features, labelAt, pool, header) => {
          const label = Math.min(labelAt, features);
          const count = Math.max(1, Math.floor(pool.length / features));
          const rows: string[] = header ? [[...Array(features + 1).keys()].map((i) => (i === label ? "label" : `"f ${i}"`)).join(",")] : [];
          const values: number[] = [];
          for (let r = 0; r < count; r++) {
            const cells = Array.from({ length: features }, (_, f) => pool[(r * features + f) % pool.length]);
            values.push(...cells);
            const text = cells.map((v) => String(v));
            text.splice(label, 0, String(r % 3));
            rows.push(text.join(","));
          }
          const name = write(`prop-${n++}.csv`, rows.join("\n") + "\n");
          const data = loadCsv(setting(name, header ? "label" : label, { features, classes: 3 }), dir);
          expect(data.count).toBe(count);
          // String(-0) is "0", so a written -0 reads back as 0.
          expect(Array.from(data.x)).toEqual(values.map((v) => (Object.is(v, -0) ? 0 : v)));
          for (let r = 0; r < count; r++) expect(data.y[r * 3 + (r % 3)]).toBe(1);
        },
      ),
      { numRuns: 60 },
    );
  });
});
