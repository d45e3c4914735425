/**
 * Rendered diagnostics as golden files: every `NAME.nn` in diagnostics/ (and every folder NAME/,
 * checked from its `main.nn`, for programs of several files) is checked, and what `nnc check`
 * prints (no color) and its `--format json` are compared with NAME.txt and NAME.json beside it.
 * `UPDATE_EXPECT=1` rewrites them (test/golden/README.md).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "vitest";
import { checkProgram, type CheckHost } from "../../compiler/check/check.js";
import { diagnosticsToJson } from "../../compiler/diagnostics/json.js";
import { renderDiagnostics, renderSummary } from "../../compiler/diagnostics/render.js";
import { expectFile } from "../support/expect-file.js";

const corpus = join(import.meta.dirname, "diagnostics");

/**
 * Reads sources from the corpus folder, so that files are named relative to it in the output
 * whatever the working directory; data files are not looked at (the corpus ships none).
 */
const corpusHost: CheckHost = {
  readFile: (path) => {
    const file = join(corpus, path);
    return existsSync(file) && statSync(file).isFile() ? readFileSync(file, "utf8") : undefined;
  },
  dataFiles: false,
};

/** Each case's name and the file it is checked from. */
const cases = readdirSync(corpus, { withFileTypes: true })
  .flatMap((entry) => {
    if (entry.isFile() && entry.name.endsWith(".nn")) return [{ name: entry.name.slice(0, -3), root: entry.name }];
    if (entry.isDirectory()) return [{ name: entry.name, root: `${entry.name}/main.nn` }];
    return [];
  })
  .sort((a, b) => (a.name < b.name ? -1 : 1));

describe("rendered diagnostics (golden files in test/golden/diagnostics/)", () => {
  it.each(cases)("$name", ({ name, root }) => {
    const result = checkProgram([root], corpusHost);
    const source = (file: string) => result.program.units.get(file)?.text;
    const summary = renderSummary(result.diagnostics);
    const text = renderDiagnostics(result.diagnostics, source, { color: false }) + (summary ? `${summary}\n` : "");
    expectFile(join(corpus, `${name}.txt`), text);
    expectFile(join(corpus, `${name}.json`), `${JSON.stringify(diagnosticsToJson(result.diagnostics), null, 2)}\n`);
  });

  it("has a case for each kind of mistake", () => {
    if (cases.length < 10) throw new Error(`only ${cases.length} cases in ${corpus}`);
  });
});
