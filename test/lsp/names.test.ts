import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkSource } from "../../compiler/check/check.js";
import { indexSymbols, symbolKey } from "../../compiler/lsp/names.js";
import { nodesAt } from "../../compiler/lsp/syntax-tree.js";

const FOLDERS = ["../shared/acceptance/ok", "../shared/acceptance/errors", "examples/mnist"];
const PROGRAMS = FOLDERS.flatMap((folder) => readdirSync(folder).filter((f) => f.endsWith(".nn")).map((f) => join(process.cwd(), folder, f)));

/** The occurrences of the symbol declared at the first `needle`, as (line, text) pairs. */
function occurrencesOf(source: string, needle: string, n = 0) {
  const result = checkSource(source, "t.nn");
  const index = indexSymbols(result);
  let at = -1;
  for (let i = 0; i <= n; i++) at = source.indexOf(needle, at + 1);
  const found = index.at("t.nn", at);
  if (!found) throw new Error(`no symbol at ${needle}`);
  return index.occurrencesOf(found.symbol).map((o) => `${o.declaration ? "decl" : "ref"} ${o.range.start.line}:${o.range.start.column}`);
}

describe("symbol index", () => {
  it("names the symbol at every occurrence, in every acceptance program", () => {
    for (const path of PROGRAMS) {
      const text = readFileSync(path, "utf8");
      const result = checkSource(text, path);
      const index = indexSymbols(result);
      for (const o of index.occurrences) {
        const source = result.program.units.get(o.file)!.text;
        expect(source.slice(o.range.start.offset, o.range.end.offset), path).toBe(o.symbol.name);
        // Every symbol has exactly one declaration, and it is where the symbol says.
        const declarations = index.occurrencesOf(o.symbol).filter((x) => x.declaration);
        expect(declarations.map((d) => symbolKey(d)), path).toEqual([symbolKey(o.symbol.declaredAt)]);
      }
    }
  });

  it("resolves bindings, inputs and parameters in their body only", () => {
    const source = "model A(width: int = 4) {\n  input x: [8]\n  let h = x -> dense(width)\n  h\n}\nmodel B {\n  input x: [8]\n  x -> dense(2)\n}\n";
    expect(occurrencesOf(source, "x:")).toEqual(["decl 2:9", "ref 3:11"]);
    expect(occurrencesOf(source, "width")).toEqual(["decl 1:9", "ref 3:22"]);
    expect(occurrencesOf(source, "h =")).toEqual(["decl 3:7", "ref 4:3"]);
  });

  it("links a block's parameters to named arguments and its dimension symbols to their uses", () => {
    const source = "block R(x: [H, W, C], k: int = 3) -> [H, W, C] {\n  x -> conv2d(C, kernel: k, padding: same)\n}\nmodel M {\n  input i: [8, 8, 2]\n  i -> R(k: 5) -> flatten -> dense(1)\n}\n";
    expect(occurrencesOf(source, "k:")).toEqual(["decl 1:23", "ref 2:26", "ref 6:10"]);
    expect(occurrencesOf(source, "C]")).toEqual(["decl 1:19", "ref 1:45", "ref 2:15"]);
    expect(occurrencesOf(source, "R(")).toEqual(["decl 1:7", "ref 6:8"]);
  });

  it("links `freeze` and `reinit` entries to the labels of the trained model, inside blocks too", () => {
    const source = 'block B(x) {\n  x -> inner: dense(4)\n}\nmodel M {\n  input x: [8]\n  x -> B -> head: dense(2)\n}\ntrain M {\n  data: mnist()\n  loss: mse\n  optimizer: sgd(lr: 0.1)\n  init_from: "m.json"\n  freeze: [inner]\n  reinit: head\n}\n';
    expect(occurrencesOf(source, "inner")).toEqual(["decl 2:8", "ref 13:12"]);
    expect(occurrencesOf(source, "head")).toEqual(["decl 6:13", "ref 14:11"]);
  });

  it("finds the innermost node under the cursor, preferring a name that ends there", () => {
    const source = "model M {\n  input x: [8]\n  x -> dense(2)\n}\n";
    const file = checkSource(source, "t.nn").program.units.get("t.nn")!.ast;
    const at = (offset: number) => nodesAt(file, offset).map((n) => n.kind);
    expect(at(source.indexOf("dense") + 2).slice(-3)).toEqual(["Pipe", "Call", "Identifier"]);
    expect(at(source.indexOf("x ->") + 1).slice(-2)).toEqual(["Name", "Identifier"]);
  });
});
