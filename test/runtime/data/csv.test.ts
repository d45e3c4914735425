import fc from "fast-check";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dataErrorOf as errorOf } from "../../support/data-errors.js";
import { readAndEncode, rowsOf, type RuleOptions } from "../../support/user-data.js";
import { readCsv, type CsvSetting } from "../../../runtime/data/csv.js";
import { indexNames } from "../../../runtime/data/examples.js";

const dir = mkdtempSync(join(tmpdir(), "nnc-csv-"));

function write(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return name;
}

function setting(path: string, label: string | number | readonly (string | number)[], more: Partial<CsvSetting> = {}): CsvSetting {
  return { path, label: typeof label === "object" ? label : [label], features: null, targets: null, ...more };
}

/** Reads the file and encodes its labels as a training without a model would; `targets` comes from the setting. */
function loadCsv(s: CsvSetting, rule: RuleOptions = {}) {
  return readAndEncode(readCsv(s, dir), { targets: s.targets, ...rule });
}

describe("readCsv", () => {
  const digits = write("digits.csv", "a,digit,b\n0.5,2,1\n-1,0,2e1\n3,1,.25\n\n\n");

  it("reads a header, the label by name and every other column as a feature", () => {
    const raw = readCsv(setting(digits, "digit"), dir);
    expect(raw.labels).toEqual([{ kind: "numbers", values: Float64Array.of(2, 0, 1), shape: [] }]);
    expect(raw.where(1)).toBe("digits.csv:3");
    const data = loadCsv(setting(digits, "digit"));
    expect(data.count).toBe(3);
    expect(data.inputs).toHaveLength(1);
    expect(data.inputs[0].shape).toEqual([2]);
    expect(data.targets[0]).toMatchObject({ shape: [3], classes: indexNames(3) });
    expect(Array.from(data.inputs[0].values)).toEqual([0.5, 1, -1, 20, 3, 0.25]);
    expect(Array.from(data.targets[0].values)).toEqual([0, 0, 1, 1, 0, 0, 0, 1, 0]);
    expect(loadCsv(setting(digits, 1, { features: [2] }), { classes: 4 }).targets[0]).toMatchObject({ shape: [4], classes: indexNames(4) });
  });

  it("reads a file without a header by column index", () => {
    const data = loadCsv(setting(write("plain.csv", "1,2,0\r\n3,4,1\r\n"), 2));
    expect(data.count).toBe(2);
    expect(data.inputs[0].shape).toEqual([2]);
    expect(data.targets[0].classes).toEqual(indexNames(2));
    expect(Array.from(data.inputs[0].values)).toEqual([1, 2, 3, 4]);
  });

  it("parses quoted fields with commas, doubled quotes and line breaks (RFC 4180), and a byte-order mark", () => {
    const text = '\uFEFF"x, first","say ""hi""",label\n"1.5",2,0\n3,"4",1\n';
    const data = loadCsv(setting(write("quoted.csv", text), "label"));
    expect(Array.from(data.inputs[0].values)).toEqual([1.5, 2, 3, 4]);
    const named = loadCsv(setting(write("quoted-label.csv", '"a, b","the ""label"""\n1,0\n'), 'the "label"'));
    expect(named.count).toBe(1);
  });

  it("reads non-integer labels, or `targets`, as regression targets", () => {
    const data = loadCsv(setting(write("reg.csv", "x,t\n1,0.5\n2,1.5\n"), "t"));
    expect(data.targets[0]).toMatchObject({ shape: [1], classes: null });
    expect(Array.from(data.targets[0].values)).toEqual([0.5, 1.5]);
    expect(loadCsv(setting(digits, "digit", { targets: 1 })).targets[0]).toMatchObject({ shape: [1], classes: null, values: Float32Array.of(2, 0, 1) });
    // `targets: 2`: the label column and the one after it.
    const two = loadCsv(setting(digits, "digit", { targets: 2, features: [1] }));
    expect(two.inputs[0].shape).toEqual([1]);
    expect(two.targets[0]).toMatchObject({ shape: [2], classes: null });
    expect(Array.from(two.inputs[0].values)).toEqual([0.5, -1, 3]);
    expect(Array.from(two.targets[0].values)).toEqual([2, 1, 0, 20, 1, 0.25]);
  });

  it("reads a label column with any non-number cell as class names, sorted by code point", () => {
    const iris = write("iris.csv", "a,species,b\n1,virginica,2\n3,setosa,4\n5,Versicolor,6\n7,setosa,8\n");
    const raw = readCsv(setting(iris, "species"), dir);
    expect(raw.labels).toEqual([{ kind: "names", names: ["virginica", "setosa", "Versicolor", "setosa"] }]);
    const data = loadCsv(setting(iris, "species"));
    // Upper case sorts before lower case by code point.
    expect(data.targets[0]).toMatchObject({ shape: [3], classes: ["Versicolor", "setosa", "virginica"] });
    expect(rowsOf(data.targets[0], 4)).toEqual([
      [0, 0, 1],
      [0, 1, 0],
      [1, 0, 0],
      [0, 1, 0],
    ]);
    // A number among names is a name too.
    const mixed = readCsv(setting(write("mixed.csv", "x,label\n1,cat\n2,7\n"), "label"), dir);
    expect(mixed.labels[0]).toEqual({ kind: "names", names: ["cat", "7"] });
  });

  it("splits the features among several inputs and reads one label column per output", () => {
    const file = write("two.csv", "kind,f1,f2,size,f3,f4,f5\ncat,1,2,0.5,3,4,5\ndog,6,7,1.5,8,9,10\n");
    const raw = readCsv(setting(file, ["kind", "size"], { features: [2, 3] }), dir);
    expect(raw.inputs.map((c) => c.shape)).toEqual([[2], [3]]);
    expect(rowsOf(raw.inputs[0], 2)).toEqual([
      [1, 2],
      [6, 7],
    ]);
    expect(rowsOf(raw.inputs[1], 2)).toEqual([
      [3, 4, 5],
      [8, 9, 10],
    ]);
    expect(raw.labels).toEqual([
      { kind: "names", names: ["cat", "dog"] },
      { kind: "numbers", values: Float64Array.of(0.5, 1.5), shape: [] },
    ]);
    expect(errorOf(() => readCsv(setting(file, ["kind", "size"], { features: [2, 2] }), dir))).toBe(
      "two.csv: 5 feature columns (every column but the 2 label columns), expected 2 + 2 = 4 from `features`",
    );
    expect(errorOf(() => readCsv(setting(file, ["kind", 0]), dir))).toBe("two.csv: a column is named twice in `label`");
    expect(errorOf(() => readCsv(setting(file, ["kind", "size"], { targets: 1 }), dir))).toBe(
      "two.csv: `targets` reads adjacent columns for one output; with several label columns give one column per output",
    );
    expect(errorOf(() => readCsv(setting(file, []), dir))).toBe("two.csv: no label column given");
  });

  it("names the file, the line, the column and what was expected", () => {
    const short = write("short.csv", "a,b,label\n1,2,0\n3,4\n");
    expect(errorOf(() => loadCsv(setting(short, "label")))).toBe("short.csv:3: expected 3 columns, found 2");
    // A quoted line break: the next row still reports its own line of the file.
    const multiline = write("multiline.csv", '"first\nfeature",b,label\n1,2,0\n1,2,3,4\n');
    expect(errorOf(() => loadCsv(setting(multiline, "label")))).toBe("multiline.csv:4: expected 3 columns, found 4");
    const text = write("text.csv", "a,pixel1,label\n1,2,0\n1,2,1\n1,abc,1\n");
    expect(errorOf(() => loadCsv(setting(text, "label")))).toBe('text.csv:4: column "pixel1" holds "abc", expected a number');
    const lines = write("lines.csv", 'a,label\n"x\ny",0\n');
    expect(errorOf(() => loadCsv(setting(lines, "label")))).toBe('lines.csv:2: column "a" holds "x\\ny", expected a number');
    const empty = write("empty-cell.csv", "1,2,0\n1,,1\n");
    expect(errorOf(() => loadCsv(setting(empty, 2)))).toBe('empty-cell.csv:2: column 1 holds "", expected a number');
    const emptyLabel = write("empty-label.csv", "x,label\n1,0\n2,\n");
    expect(errorOf(() => loadCsv(setting(emptyLabel, "label")))).toBe('empty-label.csv:3: column "label" is empty, expected a label; fill in the example\'s label, or remove the row');
    // After class names too: the empty cell is not a class named "".
    const emptyName = write("empty-name.csv", "f1,f2,kind\n0.1,0.2,a\n0.3,0.4,b\n0.1,0.2,\n0.5,0.6,a\n");
    expect(errorOf(() => loadCsv(setting(emptyName, "kind")))).toBe('empty-name.csv:4: column "kind" is empty, expected a label; fill in the example\'s label, or remove the row');
    expect(errorOf(() => loadCsv(setting(emptyName, "kind"), { classes: ["a", "b"] }))).toMatch(/^empty-name\.csv:4: column "kind" is empty/);
    expect(errorOf(() => loadCsv(setting(digits, "digit", { features: [784] })))).toBe(
      'digits.csv: 2 feature columns (every column but the label column "digit"), expected 784 from `features`',
    );
    expect(errorOf(() => loadCsv(setting(digits, "digits")))).toBe('digits.csv: no column named "digits" in the header; its columns are a, digit, b');
    expect(errorOf(() => loadCsv(setting(digits, 3)))).toBe("digits.csv: label column index 3 is outside the file's 3 columns (0…2)");
    const plain = write("plain2.csv", "1,2,0\n");
    expect(errorOf(() => loadCsv(setting(plain, "label")))).toBe(
      'plain2.csv: the label column is named "label", but the file has no header row (its first row is all numbers); give the label as a 0-based column index',
    );
    expect(errorOf(() => loadCsv(setting(digits, "digit"), { classes: 2 }))).toBe("digits.csv:2: label 2 is not a class index in 0…1");
    // Class names are classes now; `classes: 2` must then count them.
    const word = write("word.csv", "x,label\n1,cat\n");
    expect(errorOf(() => loadCsv(setting(word, "label"), { classes: 2 }))).toBe(
      'word.csv: `classes: 2`, but the labels are 1 class names ("cat"); give the names in order with `classes: ["cat"]`',
    );
    expect(errorOf(() => loadCsv(setting(word, "label", { targets: 1 })))).toBe('word.csv:2: column "label" holds "cat", expected a number (`targets` makes the labels real values)');
    const blank = write("blank.csv", "x,label\n1,0\n\n2,1\n");
    expect(errorOf(() => loadCsv(setting(blank, "label")))).toBe("blank.csv:3: blank line, expected 2 columns");
    const quote = write("quote.csv", 'x,label\n1,0\n"2,1\n');
    expect(errorOf(() => loadCsv(setting(quote, "label")))).toMatch(/^quote\.csv:3: not valid CSV: /);
    // The line where the quote opens, not the end of the file where the parser gave up.
    const malformed = write("malformed.csv", 'f1,f2,f3,f4,kind\n0.1,0.2,0.3,0.4,a\n0.1,0.2,0.3,0.4,b\n0.1,0.2,"0.3,0.4,a\n0.1,0.2,0.3,0.4,b\n0.1,0.2,0.3,0.4,a\n0.1,0.2,0.3,0.4,b\n');
    expect(errorOf(() => loadCsv(setting(malformed, "kind")))).toBe(
      'malformed.csv:4: not valid CSV: the quote that opens the field `"0.3,0.4,a` is never closed, so the rest of the file would be read as that one field; close the quote at the end of the field, or remove it (a quote inside a quoted field is written twice: "")',
    );
    const closing = write("closing.csv", 'x,label\n1,0\n"2"x,1\n');
    expect(errorOf(() => loadCsv(setting(closing, "label")))).toBe(
      'closing.csv:3: not valid CSV: a quoted field is followed by more text before the next comma or line break; put that text inside the quotes, or write a quote inside the field twice ("")',
    );
    const opening = write("opening.csv", 'x,label\n1,0\n2x"y,1\n');
    expect(errorOf(() => loadCsv(setting(opening, "label")))).toBe(
      'opening.csv:3: not valid CSV: a field has a quote after its first character; put the whole field in quotes and write the quote inside twice (""), or remove it',
    );
    expect(errorOf(() => loadCsv(setting(digits, "digit", { targets: 3 })))).toBe(
      'digits.csv: `targets: 3` takes 3 columns from the label column "digit" (index 1), but the file has 3 columns (the last index is 2)',
    );
    expect(errorOf(() => loadCsv(setting(write("header-only.csv", "x,label\n"), "label")))).toBe("header-only.csv: the file holds no examples");
    expect(errorOf(() => loadCsv(setting("none.csv", 0)))).toBe(`cannot read data file "none.csv" (resolved to ${join(dir, "none.csv")}): no such file`);
  });

  it("an empty label cell is an error at its line, wherever it is among class names or numbers", () => {
    let n = 0;
    fc.assert(
      fc.property(fc.array(fc.constantFrom("a", "b", "c", "0", "1", "2.5"), { minLength: 1, maxLength: 12 }), fc.nat(), (labels, at) => {
        const empty = at % (labels.length + 1);
        const cells = [...labels.slice(0, empty), "", ...labels.slice(empty)];
        const name = write(`empty-${n++}.csv`, `x,kind\n${cells.map((c, i) => `${i},${c}`).join("\n")}\n`);
        expect(errorOf(() => loadCsv(setting(name, "kind")))).toBe(`${name}:${empty + 2}: column "kind" is empty, expected a label; fill in the example's label, or remove the row`);
      }),
      { numRuns: 60 },
    );
  });

  it("an unclosed quote is reported on the line it opens, after any well-quoted fields and line breaks", () => {
    let n = 0;
    // Cells: plain numbers, quoted ones with doubled quotes or line breaks inside; one field opens a quote never closed.
    const cell = fc.oneof(
      fc.integer({ min: 0, max: 99 }).map((v) => ({ text: String(v), lines: 0 })),
      fc.constant({ text: '"a ""b"""', lines: 0 }),
      fc.constant({ text: '"two\nlines"', lines: 1 }),
      fc.constant({ text: '"three\r\nshort\rlines"', lines: 2 }),
    );
    const row = fc.array(cell, { minLength: 2, maxLength: 2 });
    // Rows after it hold no quote, which would close it.
    const plainRow = fc.array(fc.integer({ min: 0, max: 99 }).map((v) => ({ text: String(v), lines: 0 })), { minLength: 2, maxLength: 2 });
    fc.assert(
      fc.property(fc.array(row, { minLength: 0, maxLength: 6 }), fc.integer({ min: 0, max: 1 }), fc.array(plainRow, { maxLength: 3 }), fc.boolean(), (before, column, after, crlf) => {
        const eol = crlf ? "\r\n" : "\n";
        const rows = before.map((r) => r.map((c) => c.text).join(","));
        const line = 2 + before.reduce((sum, r) => sum + 1 + r.reduce((k, c) => k + c.lines, 0), 0);
        rows.push(column === 0 ? '"7,8' : '7,"8');
        rows.push(...after.map((r) => r.map((c) => c.text).join(",")));
        const name = write(`unclosed-${n++}.csv`, `x,label${eol}${rows.join(eol)}${eol}`);
        expect(errorOf(() => loadCsv(setting(name, "label")))).toMatch(new RegExp(`^${name.replace(".", "\\.")}:${line}: not valid CSV: the quote that opens the field \`${column === 0 ? '"7,8' : '"8'}\` is never closed`));
      }),
      { numRuns: 60 },
    );
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
          const data = loadCsv(setting(name, header ? "label" : label, { features: [features] }), { classes: 3 });
          expect(data.count).toBe(count);
          // String(-0) is "0", so a written -0 reads back as 0.
          expect(Array.from(data.inputs[0].values)).toEqual(values.map((v) => (Object.is(v, -0) ? 0 : v)));
          for (let r = 0; r < count; r++) expect(data.targets[0].values[r * 3 + (r % 3)]).toBe(1);
        },
      ),
      { numRuns: 60 },
    );
  });
});
