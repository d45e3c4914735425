import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { BlockDecl, Expr, ExprStmt, LetStmt, ModelDecl, OutputStmt, PipeExpr, SourceFile, TrainDecl } from "../../grammar/ast.js";
import { parse } from "../../grammar/parse.js";

const ACCEPTANCE = join(import.meta.dirname, "../../../shared/acceptance");
const programs = (sub: string) =>
  readdirSync(join(ACCEPTANCE, sub))
    .filter((f) => f.endsWith(".nn"))
    .map((f) => ({ name: `${sub}/${f}`, text: readFileSync(join(ACCEPTANCE, sub, f), "utf8") }));

/** Parses a program that must have no diagnostics. */
function parseOk(text: string): SourceFile {
  const { file, diagnostics } = parse(text, "test.nn");
  expect(diagnostics).toEqual([]);
  return file;
}

/** The value of the only expression of `let v = …` in a model. */
function exprOf(source: string): Expr {
  const model = parseOk(`model M { let v = ${source} }`).decls[0] as ModelDecl;
  return (model.body[0] as LetStmt).value;
}

const at = (line: number, column: number, offset: number) => ({ line, column, offset });

describe("acceptance programs", () => {
  it.each(programs("ok"))("parses $name without diagnostics", ({ text, name }) => {
    const { file, diagnostics } = parse(text, name);
    expect(diagnostics).toEqual([]);
    expect(file.decls.length).toBeGreaterThan(0);
  });

  it.each(programs("errors").filter((p) => !p.name.endsWith("syntax_errors.nn")))("parses $name without syntax errors", ({ text, name }) => {
    expect(parse(text, name).diagnostics).toEqual([]);
  });
});

describe("declarations", () => {
  it("reads `use`", () => {
    expect(parseOk('use "./blocks.nn"').decls).toMatchObject([{ kind: "Use", path: { kind: "String", value: "./blocks.nn" } }]);
  });

  it("reads a block with tensor, scalar and defaulted parameters and a result shape", () => {
    const block = parseOk("block Residual(x: [H, W, C], filters: int, act: activation = relu, y,) -> [H, W, C] { x }").decls[0] as BlockDecl;
    expect(block).toMatchObject({
      kind: "Block",
      name: { name: "Residual" },
      params: [
        { kind: "Param", name: { name: "x" }, type: { kind: "ShapeType", dims: [{ kind: "Name" }, { kind: "Name" }, { kind: "Name" }] } },
        { name: { name: "filters" }, type: { kind: "ScalarType", name: { name: "int" } } },
        { name: { name: "act" }, type: { kind: "ScalarType" }, default: { kind: "Name", name: { name: "relu" } } },
        { name: { name: "y" } },
      ],
      result: { kind: "ShapeType", dims: [{ name: { name: "H" } }, { name: { name: "W" } }, { name: { name: "C" } }] },
      body: [{ kind: "ExprStmt", value: { kind: "Name" } }],
    });
    expect(block.params[3].type).toBeUndefined();
    expect(block.params[3].default).toBeUndefined();
  });

  it("reads a block without parameters or result", () => {
    expect(parseOk("block B() { 1 }").decls[0]).toMatchObject({ kind: "Block", params: [], result: undefined });
  });

  it("reads models with and without parameters", () => {
    const file = parseOk("model A { input x: [1] x }\nmodel B(hidden: int = 100, act: activation = sigmoid) { input x: [1] x }");
    expect(file.decls).toMatchObject([
      { kind: "Model", name: { name: "A" }, params: [] },
      { kind: "Model", name: { name: "B" }, params: [{ name: { name: "hidden" }, default: { kind: "Number", value: 100 } }, { name: { name: "act" } }] },
    ]);
  });

  it("reads trainings with a label, model arguments and entries", () => {
    const train = parseOk("train run: Mlp(hidden: 30, 4) {\n  data: mnist(flat: true)\n  epochs: 10;\n  metrics: [accuracy]\n}").decls[0] as TrainDecl;
    expect(train).toMatchObject({
      kind: "Train",
      label: { name: "run" },
      model: { name: "Mlp" },
      args: [{ name: { name: "hidden" }, value: { value: 30 } }, { value: { value: 4 } }],
      entries: [
        { kind: "TrainEntry", key: { name: "data" }, value: { kind: "Call", callee: { name: "mnist" }, args: [{ name: { name: "flat" }, value: { kind: "Bool", value: true } }] } },
        { key: { name: "epochs" }, value: { kind: "Number", value: 10 } },
        { key: { name: "metrics" }, value: { kind: "List", items: [{ kind: "Name" }] } },
      ],
    });
  });

  it("reads a training without label or arguments", () => {
    const train = parseOk("train Mlp { epochs: 1 }").decls[0] as TrainDecl;
    expect(train.label).toBeUndefined();
    expect(train.args).toEqual([]);
    expect(train.model.name).toBe("Mlp");
  });

  it("reads a training body written on one line", () => {
    const train = parseOk("train plain: Mlp { data: mnist(flat: true) loss: cross_entropy optimizer: sgd(lr: 0.1) batch_size: 10 epochs: 10 }").decls[0] as TrainDecl;
    expect(train.entries.map((e) => e.key.name)).toEqual(["data", "loss", "optimizer", "batch_size", "epochs"]);
    expect(train.entries[2].value).toMatchObject({ kind: "Call", callee: { name: "sgd" }, args: [{ name: { name: "lr" }, value: { value: 0.1 } }] });
  });

  it("accepts keywords as argument names and training keys", () => {
    const train = parseOk("train t: M { data: mnist(train: 100, test: 10); train: 3 }").decls[0] as TrainDecl;
    expect(train.entries[0].value).toMatchObject({ args: [{ name: { name: "train" } }, { name: { name: "test" } }] });
    expect(train.entries[1].key.name).toBe("train");
  });
});

describe("statements", () => {
  it("reads input, let, output and expression statements, with or without `;`", () => {
    const model = parseOk("model M { input a: [28, 28, 1]; input t: int32[T]\n let h = a; output y = h output h; h }").decls[0] as ModelDecl;
    expect(model.body).toMatchObject([
      { kind: "Input", name: { name: "a" }, type: { kind: "ShapeType", dtype: undefined, dims: [{ value: 28 }, { value: 28 }, { value: 1 }] } },
      { kind: "Input", name: { name: "t" }, type: { kind: "ShapeType", dtype: { name: "int32" }, dims: [{ kind: "Name", name: { name: "T" } }] } },
      { kind: "Let", name: { name: "h" }, value: { kind: "Name" } },
      { kind: "Output", name: { name: "y" }, value: { kind: "Name" } },
      { kind: "Output", value: { kind: "Name" } },
      { kind: "ExprStmt", value: { kind: "Name" } },
    ]);
    expect((model.body[4] as OutputStmt).name).toBeUndefined();
  });

  it("reads a scalar input type and symbolic dimensions", () => {
    const model = parseOk("model M { input n: int input s: [T - 2, 8,] s }").decls[0] as ModelDecl;
    expect(model.body[0]).toMatchObject({ type: { kind: "ScalarType", name: { name: "int" } } });
    expect(model.body[1]).toMatchObject({ type: { dims: [{ kind: "Binary", op: "-", left: { kind: "Name" }, right: { value: 2 } }, { value: 8 }] } });
  });
});

describe("expressions", () => {
  it("nests pipelines to the left; stages are calls, with or without parentheses", () => {
    const pipe = exprOf("a -> b -> c(1)") as PipeExpr;
    expect(pipe).toMatchObject({
      kind: "Pipe",
      source: { kind: "Pipe", source: { kind: "Name", name: { name: "a" } }, stage: { kind: "Call", callee: { name: "b" }, args: [], hasParens: false } },
      stage: { kind: "Call", callee: { name: "c" }, args: [{ value: { value: 1 } }], hasParens: true },
    });
  });

  it("labels a stage", () => {
    expect(exprOf("x -> fc: dense(100, activation: relu)")).toMatchObject({
      kind: "Pipe",
      label: { name: "fc" },
      stage: { callee: { name: "dense" }, args: [{ name: undefined, value: { value: 100 } }, { name: { name: "activation" }, value: { kind: "Name", name: { name: "relu" } } }] },
    });
  });

  it("binds the pipeline loosest", () => {
    expect(exprOf("a + b -> relu")).toMatchObject({ kind: "Pipe", source: { kind: "Binary", op: "+" }, stage: { callee: { name: "relu" } } });
  });

  it("gives `*` and `/` precedence over `+` and `-`, all left-associative", () => {
    expect(exprOf("1 - 2 - 3")).toMatchObject({ kind: "Binary", op: "-", left: { kind: "Binary", op: "-", left: { value: 1 }, right: { value: 2 } }, right: { value: 3 } });
    expect(exprOf("1 + 2 * 3 / 4")).toMatchObject({
      op: "+",
      left: { value: 1 },
      right: { op: "/", left: { op: "*", left: { value: 2 }, right: { value: 3 } }, right: { value: 4 } },
    });
  });

  it("reads unary minus, parentheses, lists, calls, strings and booleans", () => {
    expect(exprOf("-(-3)")).toMatchObject({ kind: "Unary", op: "-", operand: { kind: "Paren", inner: { kind: "Unary", operand: { value: 3 } } } });
    expect(exprOf("(a + b) * 2")).toMatchObject({ kind: "Binary", op: "*", left: { kind: "Paren", inner: { kind: "Binary", op: "+" } } });
    expect(exprOf("[shift(2), rotate(10),]")).toMatchObject({ kind: "List", items: [{ kind: "Call", hasParens: true }, { kind: "Call" }] });
    expect(exprOf("[]")).toMatchObject({ kind: "List", items: [] });
    expect(exprOf("relu(h + x)")).toMatchObject({ kind: "Call", callee: { name: "relu" }, hasParens: true, args: [{ value: { kind: "Binary" } }] });
    expect(exprOf("f()")).toMatchObject({ kind: "Call", args: [], hasParens: true });
    expect(exprOf(String.raw`"a\"b\\c\nd\te"`)).toMatchObject({ kind: "String", value: 'a"b\\c\nd\te' });
    expect(exprOf("true")).toMatchObject({ kind: "Bool", value: true });
    expect(exprOf("false")).toMatchObject({ kind: "Bool", value: false });
  });

  it("keeps number literals as written and knows integers", () => {
    expect(exprOf("60_000")).toMatchObject({ kind: "Number", value: 60000, text: "60_000", isInteger: true });
    expect(exprOf("1e-3")).toMatchObject({ value: 0.001, text: "1e-3", isInteger: false });
    expect(exprOf("2.0")).toMatchObject({ value: 2, text: "2.0", isInteger: false });
    expect(exprOf("10")).toMatchObject({ value: 10, isInteger: true });
  });

  it("reads nested calls with named arguments", () => {
    expect(exprOf("bidirectional(lstm(32, return_sequences: true), merge: concat)")).toMatchObject({
      callee: { name: "bidirectional" },
      args: [{ value: { kind: "Call", callee: { name: "lstm" }, args: [{}, { name: { name: "return_sequences" } }] } }, { name: { name: "merge" } }],
    });
  });
});

describe("ranges", () => {
  const text = "model M {\n  input x: [784]\n  x -> fc: dense(10, activation: relu) -> flatten\n}\n";
  const model = () => parseOk(text).decls[0] as ModelDecl;

  it("covers declarations, statements and names exactly", () => {
    const m = model();
    expect(m.range).toEqual({ start: at(1, 1, 0), end: at(4, 2, 78) });
    expect(m.name.range).toEqual({ start: at(1, 7, 6), end: at(1, 8, 7) });
    expect(m.body[0].range).toEqual({ start: at(2, 3, 12), end: at(2, 17, 26) });
    expect(parseOk(text).range).toEqual({ start: at(1, 1, 0), end: at(5, 1, 79) });
  });

  it("covers pipes, stages, arguments and literals exactly", () => {
    const outer = (model().body[1] as ExprStmt).value as PipeExpr;
    const inner = outer.source as PipeExpr;
    expect(outer.range).toEqual({ start: at(3, 3, 29), end: at(3, 50, 76) });
    expect(outer.stage.range).toEqual({ start: at(3, 43, 69), end: at(3, 50, 76) });
    expect(inner.range).toEqual({ start: at(3, 3, 29), end: at(3, 39, 65) });
    expect(inner.label?.range).toEqual({ start: at(3, 8, 34), end: at(3, 10, 36) });
    expect(inner.stage.range).toEqual({ start: at(3, 12, 38), end: at(3, 39, 65) });
    expect(inner.stage.args[0].value.range).toEqual({ start: at(3, 18, 44), end: at(3, 20, 46) });
    expect(inner.stage.args[1].range).toEqual({ start: at(3, 22, 48), end: at(3, 38, 64) });
  });

  it("covers binary expressions from the left operand to the right one", () => {
    const e = exprOf("a  +  b * c");
    expect(e.range.end.offset - e.range.start.offset).toBe("a  +  b * c".length);
  });
});

describe("comments", () => {
  it("attaches `///` comments to the declaration after them, lines joined", () => {
    const file = parseOk("/// The net.\n///   Indented.\nmodel M { input x: [1] x }\n\n/// Runs it.\ntrain M { epochs: 1 }\nblock B(x) { x }");
    expect(file.decls.map((d) => (d.kind === "Use" ? undefined : d.doc))).toEqual(["The net.\n  Indented.", "Runs it.", undefined]);
  });

  it("attaches a `///` comment to the pipeline stage after it", () => {
    const model = parseOk("model M {\n  input x: [4]\n  x\n    /// hidden layer\n    -> dense(2)\n    -> dense(1)\n}\n").decls[0] as ModelDecl;
    const outer = (model.body[1] as ExprStmt).value as PipeExpr;
    expect(outer.doc).toBeUndefined();
    expect((outer.source as PipeExpr).doc).toBe("hidden layer");
  });

  it("does not attach a doc comment across other code or a plain comment", () => {
    const file = parseOk("/// orphan\n// plain\nmodel M { input x: [1] x }\nmodel N { input x: [1] x /// inside\n}\nmodel O { input x: [1] x }");
    expect(file.decls.map((d) => (d as ModelDecl).doc)).toEqual([undefined, undefined, undefined]);
  });

  it("collects every comment for the formatter, with its kind and range", () => {
    const file = parseOk("// line\n/* block */ /// doc\nmodel M { input x: [1] x } // tail");
    expect(file.comments).toEqual([
      { kind: "Comment", text: "// line", block: false, doc: false, range: { start: at(1, 1, 0), end: at(1, 8, 7) } },
      { kind: "Comment", text: "/* block */", block: true, doc: false, range: { start: at(2, 1, 8), end: at(2, 12, 19) } },
      { kind: "Comment", text: "/// doc", block: false, doc: true, range: { start: at(2, 13, 20), end: at(2, 20, 27) } },
      { kind: "Comment", text: "// tail", block: false, doc: false, range: { start: at(3, 28, 55), end: at(3, 35, 62) } },
    ]);
  });

  it("keeps the line ending out of comments in CRLF files", () => {
    const file = parseOk("/// doc\r\nmodel M { input x: [1] x }\r\n");
    expect(file.comments[0].text).toBe("/// doc");
    expect((file.decls[0] as ModelDecl).doc).toBe("doc");
  });
});
