import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "../../grammar/parse.js";
import type { ModelDecl, PipeExpr, TrainDecl } from "../../compiler/ast.js";

const ACCEPTANCE = join(import.meta.dirname, "../../../shared/acceptance");
const programs = (sub: string) =>
  readdirSync(join(ACCEPTANCE, sub))
    .filter((f) => f.endsWith(".nn"))
    .map((f) => ({ name: `${sub}/${f}`, text: readFileSync(join(ACCEPTANCE, sub, f), "utf8") }));

describe("parse", () => {
  it.each(programs("ok"))("parses $name without diagnostics", ({ text, name }) => {
    expect(parse(text, name).diagnostics).toEqual([]);
  });

  it("builds pipelines, labels, calls and ranges", () => {
    const { file, diagnostics } = parse("model M {\n  input x: [784]\n  x -> fc: dense(10, activation: relu) -> flatten\n}\n", "m.nn");
    expect(diagnostics).toEqual([]);
    const model = file.decls[0] as ModelDecl;
    expect(model.body[0]).toMatchObject({ kind: "Input", name: { name: "x" }, type: { kind: "ShapeType", dims: [{ kind: "Number", value: 784 }] } });
    const pipe = (model.body[1] as { value: PipeExpr }).value;
    expect(pipe).toMatchObject({ kind: "Pipe", stage: { callee: { name: "flatten" }, hasParens: false } });
    const inner = pipe.source as PipeExpr;
    expect(inner).toMatchObject({
      label: { name: "fc" },
      stage: { callee: { name: "dense" }, args: [{ value: { value: 10 } }, { name: { name: "activation" }, value: { kind: "Name" } }] },
    });
    expect(inner.stage.range.start).toEqual({ line: 3, column: 12, offset: 38 });
    expect(inner.stage.range.end.column).toBe(39);
  });

  it("accepts keywords as argument names and training keys", () => {
    const { file, diagnostics } = parse("train t: M(width: 3) { data: mnist(train: 100, test: 10); epochs: 1 }", "t.nn");
    expect(diagnostics).toEqual([]);
    const train = file.decls[0] as TrainDecl;
    expect(train.label?.name).toBe("t");
    expect(train.entries.map((e) => e.key.name)).toEqual(["data", "epochs"]);
  });

  it("keeps number literals as written and knows integers", () => {
    const { file } = parse("model M { input x: [60_000] x -> dropout(1e-3) -> dense(2.0) }", "n.nn");
    const text = JSON.stringify(file);
    expect(text).toContain('"text":"60_000"');
    expect(text).toContain('"value":60000');
    expect(text).toContain('"text":"1e-3","isInteger":false');
  });

  it("attaches /// doc comments to declarations and stages", () => {
    const { file } = parse("/// The net.\n/// Two lines.\nmodel M {\n  input x: [4]\n  x\n    /// hidden layer\n    -> dense(2)\n}\n", "d.nn");
    const model = file.decls[0] as ModelDecl;
    expect(model.doc).toBe("The net.\nTwo lines.");
    expect(((model.body[1] as { value: PipeExpr }).value).doc).toBe("hidden layer");
    expect(file.comments).toHaveLength(3);
  });

  it("recovers from several syntax errors and keeps the rest", () => {
    const text = readFileSync(join(ACCEPTANCE, "errors/syntax_errors.nn"), "utf8");
    const { file, diagnostics } = parse(text, "s.nn");
    expect(diagnostics.map((d) => [d.code, d.range.start.line, d.range.start.column])).toEqual([
      ["E001", 3, 3],
      ["E001", 8, 16],
    ]);
    expect(diagnostics[0].message).toBe("expected `]` to close the `[` at line 2, found `x`");
    expect(file.decls.map((d) => (d as ModelDecl).name.name)).toEqual(["M", "N", "P"]);
    const n = file.decls[1] as ModelDecl;
    expect(((n.body[1] as { value: PipeExpr }).value).stage.args).toHaveLength(2);
  });

  it("reports lexical errors and goes on", () => {
    const bad = parse('model M { input x: [4] x -> dense(2) @ }\nmodel N { input y: [2] y -> dense("a) }', "l.nn");
    expect(bad.diagnostics.filter((d) => d.code === "E002").map((d) => d.message)).toEqual(["unexpected character `@`", "unterminated string"]);
    expect(bad.file.decls).toHaveLength(2);
    const comment = parse("model M { input x: [4] x -> dense(2) }\n/* never closed", "c.nn");
    expect(comment.diagnostics.map((d) => [d.code, d.range.start.line])).toEqual([["E002", 2]]);
  });

  it("reports a missing closing brace at the end of the file", () => {
    const { diagnostics } = parse("model M {\n  input x: [4]\n  x -> dense(2)\n", "e.nn");
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0].message).toContain("the end of the file");
    expect(diagnostics[0].range.start.line).toBe(4);
  });
});
