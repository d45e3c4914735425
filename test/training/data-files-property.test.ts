/**
 * The check reads a CSV header the way the runtime reads the file: for random headers and `label`,
 * `features` and `targets` settings, `nnc check` reports a column problem exactly when `readCsv`
 * rejects a file with that header and one valid row.
 */
import fc from "fast-check";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkSource } from "../../compiler/check/check.js";
import { readCsv } from "../../runtime/data/csv.js";
import { DataError } from "../../runtime/data/examples.js";
import { put, tempFolder } from "./support/data-files.js";

const CELLS = ["a", "b", "y", "label", " a", "x1", "1", "2.5", "-3", ""];

/**
 * A header, then labels mostly among its names and indices, `features` often the count that fits,
 * and `targets` sometimes: most settings are near the boundary between accepted and rejected.
 */
const setting = fc
  .record({ header: fc.array(fc.constantFrom(...CELLS), { minLength: 1, maxLength: 6 }), crlf: fc.boolean(), targets: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }) })
  .chain(({ header, crlf, targets }) => {
    const width = header.length;
    const label = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...header.map((h) => h.trim())) },
      { weight: 3, arbitrary: fc.integer({ min: 0, max: width - 1 }) },
      { weight: 1, arbitrary: fc.constantFrom("zz", " a", "y") },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 7 }) },
    );
    return fc.array(label, { minLength: 1, maxLength: 3 }).chain((labels) => {
      const fits = width - (labels.length === 1 && targets !== undefined ? targets : labels.length);
      const features = fc.oneof(
        { weight: 2, arbitrary: fc.constant(undefined) },
        { weight: 2, arbitrary: fc.constant(fits > 0 ? [fits] : [1]) },
        { weight: 1, arbitrary: fc.constant(fits > 1 ? [1, fits - 1] : [1, 1]) },
        { weight: 1, arbitrary: fc.integer({ min: 1, max: 6 }).map((n) => [n]) },
        { weight: 1, arbitrary: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 2, maxLength: 2 }) },
      );
      return features.map((f) => ({ header, crlf, targets, labels, features: f as number[] | undefined }));
    });
  });

type Setting = { header: string[]; crlf: boolean; targets?: number; labels: (string | number)[]; features?: number[] };

/** A model with one input per feature count (sizes left to the data: `[F0]`) and one output per label column. */
function source(file: string, s: Setting, targets: number | undefined): string {
  const inputs = (s.features ?? [0]).map((_, i) => `x${i}`);
  const written = (l: string | number) => (typeof l === "string" ? JSON.stringify(l) : String(l));
  const labelText = s.labels.length === 1 ? written(s.labels[0]) : `[${s.labels.map(written).join(", ")}]`;
  const args = [`label: ${labelText}`];
  if (s.features) args.push(`features: ${s.features.length === 1 ? s.features[0] : `[${s.features.join(", ")}]`}`);
  if (targets !== undefined) args.push(`targets: ${targets}`);
  const merged = inputs.length === 1 ? inputs[0] : `concat(${inputs.join(", ")})`;
  return `
model P {
${inputs.map((x, i) => `  input ${x}: [F${i}]`).join("\n")}
  let h = ${merged} -> dense(4)
${s.labels.map((_, i) => `  output y${i} = h -> dense(${targets ?? 1})`).join("\n")}
}
train P {
  data: csv(${JSON.stringify(file)}, ${args.join(", ")})
  loss: mse
  optimizer: sgd(lr: 0.1)
}`;
}

describe("property: the CSV header check agrees with readCsv", () => {
  it("reports a column problem exactly when the runtime rejects the file", () => {
    const dir = tempFolder("nnc-csv-property-");
    let n = 0;
    fc.assert(
      fc.property(setting, (s) => {
        const file = `data${n++}.csv`;
        const width = s.header.length;
        const end = s.crlf ? "\r\n" : "\n";
        put(dir, file, `${s.header.join(",")}${end}${Array.from({ length: width }, () => "1").join(",")}${end}`);
        // `targets` describes one output: with several labels it is E303 here and an error there.
        const targets = s.labels.length === 1 ? s.targets : undefined;
        let accepted = true;
        try {
          readCsv({ path: file, label: s.labels, features: s.features ?? null, targets: targets ?? null }, dir);
        } catch (error) {
          if (!(error instanceof DataError)) throw error;
          accepted = false;
        }
        const errors = checkSource(source(file, s, targets), join(dir, "p.nn")).diagnostics.filter((d) => d.severity === "error");
        expect(errors.filter((d) => !["E105", "E108"].includes(d.code)), errors.map((d) => d.message).join("\n")).toEqual([]);
        expect(errors.length === 0, `${JSON.stringify(s)}\n${errors.map((d) => `${d.code} ${d.message}`).join("\n")}`).toBe(accepted);
      }),
      { numRuns: 500 },
    );
  });
});
