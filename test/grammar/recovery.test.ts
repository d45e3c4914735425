import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Decl, ExprStmt, InputStmt, LetStmt, ModelDecl, PipeExpr, TrainDecl } from "../../grammar/ast.js";
import { sameTree } from "../../compiler/format/same-tree.js";
import { parse } from "../../grammar/parse.js";
import { reparse } from "../../grammar/reparse.js";

const ACCEPTANCE = join(import.meta.dirname, "../../../shared/acceptance");

/** `[code, line, column, message]` of every diagnostic of `text`. */
function errors(text: string): [string, number, number, string][] {
  return parse(text, "e.nn").diagnostics.map((d) => [d.code, d.range.start.line, d.range.start.column, d.message]);
}

const names = (decls: readonly Decl[]) => decls.map((d) => (d.kind === "Train" ? d.model.name : d.kind === "Use" ? d.path.value : d.name.name));
const pipeOf = (model: Decl, index: number) => ((model as ModelDecl).body[index] as ExprStmt).value as PipeExpr;

describe("syntax_errors.nn", () => {
  const text = readFileSync(join(ACCEPTANCE, "errors/syntax_errors.nn"), "utf8");
  const { file, diagnostics } = parse(text, "syntax_errors.nn");

  it("reports exactly the two syntax errors, where the parser could not go on", () => {
    expect(diagnostics.map((d) => [d.code, d.range, d.message, d.help])).toEqual([
      [
        "E001",
        { start: { line: 3, column: 3, offset: 28 }, end: { line: 3, column: 4, offset: 29 } },
        "expected `]` to close the shape opened at line 2, found `x`",
        "add `]`",
      ],
      [
        "E001",
        { start: { line: 8, column: 16, offset: 131 }, end: { line: 8, column: 17, offset: 132 } },
        "expected an argument, found `,`",
        "remove the extra `,`",
      ],
    ]);
  });

  it("keeps model M's input shape and its pipeline", () => {
    const m = file.decls[0] as ModelDecl;
    expect(m.body).toMatchObject([
      { kind: "Input", name: { name: "x" }, type: { kind: "ShapeType", dims: [{ kind: "Number", value: 784 }] } },
      {
        kind: "ExprStmt",
        value: { kind: "Pipe", source: { kind: "Name", name: { name: "x" } }, stage: { callee: { name: "dense" }, args: [{ value: { value: 100 } }, { name: { name: "activation" } }] } },
      },
    ]);
  });

  it("keeps model N's dense call with both of its arguments", () => {
    expect(pipeOf(file.decls[1], 1).stage).toMatchObject({
      callee: { name: "dense" },
      args: [{ name: undefined, value: { value: 5 } }, { name: { name: "activation" }, value: { kind: "Name", name: { name: "relu" } } }],
    });
  });

  it("parses model P intact", () => {
    const p = parse("model P {\n  input z: [3]\n  z -> conv2d(4, kernel: 2)                  // expect: E200\n}\n", "p.nn").file.decls[0];
    const strip = (value: unknown) => JSON.parse(JSON.stringify(value, (k, v) => (k === "range" ? undefined : v)));
    expect(names(file.decls)).toEqual(["M", "N", "P"]);
    expect(strip(file.decls[2])).toEqual(strip(p));
  });
});

describe("missing closers", () => {
  it("ends an argument list at a new line that does not follow a comma", () => {
    const { file, diagnostics } = parse("model M {\n  input x: [784]\n  let h = x -> dense(100, activation: relu\n  h -> dense(3)\n}", "m.nn");
    expect(diagnostics.map((d) => [d.range.start.line, d.range.start.column, d.message])).toEqual([[4, 3, "expected `)` to close the arguments of `dense` opened at line 3, found `h`"]]);
    const m = file.decls[0] as ModelDecl;
    expect((m.body[1] as LetStmt).value).toMatchObject({ kind: "Pipe", stage: { callee: { name: "dense" }, args: [{}, {}] } });
    expect(m.body[2]).toMatchObject({ kind: "ExprStmt", value: { kind: "Pipe", stage: { args: [{ value: { value: 3 } }] } } });
  });

  it("ends a list at a new line", () => {
    expect(errors("model M {\n  let a = [1, 2\n  let b = 3\n}")).toEqual([["E001", 3, 3, "expected `]` to close the list opened at line 2, found `let`"]]);
  });

  it("names the parameters and the parenthesis", () => {
    expect(errors("block B(x { x }")).toEqual([["E001", 1, 11, "expected `)` to close the parameters of `B` opened at line 1, found `{`"]]);
    expect(errors("model M { let a = (1 + 2 }")).toEqual([["E001", 1, 26, "expected `)` to close the parenthesis opened at line 1, found `}`"]]);
  });

  it("never lets a body swallow the next declaration", () => {
    const cases = [
      "model A { input x: [1] x\nmodel B { input y: [1] y }",
      "model A { input x: [1] x -> dense(10,\nmodel B { input y: [1] y }",
      "model A { let a =\nmodel B { input y: [1] y }",
      "train A { data: mnist(\nmodel B { input y: [1] y }",
      "train A { data: mnist()\nmodel B { input y: [1] y }",
      "block A(x: [H, W { x }\nmodel B { input y: [1] y }",
      "use\nmodel B { input y: [1] y }",
    ];
    for (const text of cases) {
      const { file, diagnostics } = parse(text, "d.nn");
      expect(diagnostics, text).toHaveLength(1);
      expect(diagnostics[0].range.start.line, text).toBe(text.startsWith("block") ? 1 : 2);
      expect(file.decls.at(-1), text).toMatchObject({ kind: "Model", name: { name: "B" }, body: [{ kind: "Input" }, { kind: "ExprStmt" }] });
    }
  });

  it("ends a shape left open before a statement on the next line, even after a comma", () => {
    const { file, diagnostics } = parse("model M {\n  input x: [4,\n  x -> dense(3)\n}", "m.nn");
    expect(diagnostics.map((d) => [d.range.start.line, d.range.start.column, d.message])).toEqual([[3, 3, "expected `]` to close the shape opened at line 2, found `x`"]]);
    expect((file.decls[0] as ModelDecl).body).toMatchObject([{ kind: "Input", type: { dims: [{ value: 4 }] } }, { kind: "ExprStmt", value: { kind: "Pipe", source: { name: { name: "x" } } } }]);
    // A shape written over several lines is still one shape.
    expect(parse("model M {\n  input x: [4,\n    T]\n  x\n}", "m.nn").diagnostics).toEqual([]);
  });

  it("says which body a missing `}` leaves open", () => {
    expect(errors("train t: M { epochs: 1\ntrain u: M { epochs: 2 }")).toEqual([["E001", 2, 1, "expected `}` to close the body of training `t` opened at line 1, found `train`"]]);
    expect(errors("block B(x) {\n  x\n")).toEqual([["E001", 3, 1, "expected `}` to close the body of block `B` opened at line 1, found the end of the file"]]);
  });

  it("reports the end of the file as a zero-width range at the end of the text", () => {
    const text = "model M {\n  input x: [4]\n  x -> dense(2)\n";
    const { diagnostics } = parse(text, "e.nn");
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0].range).toEqual({ start: { line: 4, column: 1, offset: text.length }, end: { line: 4, column: 1, offset: text.length } });
    expect(diagnostics[0].message).toBe("expected `}` to close the body of model `M` opened at line 1, found the end of the file");
  });
});

describe("commas", () => {
  it("reports stray commas and keeps the items around them", () => {
    const { file, diagnostics } = parse("block B(, a,, b) { [1,, 2] }\nmodel M { input x: [,784] x -> f(1,,2,) }", "c.nn");
    expect(diagnostics.map((d) => [d.range.start.line, d.range.start.column, d.message])).toEqual([
      [1, 9, "expected a parameter, found `,`"],
      [1, 13, "expected a parameter, found `,`"],
      [1, 23, "expected an item, found `,`"],
      [2, 21, "expected a dimension, found `,`"],
      [2, 36, "expected an argument, found `,`"],
    ]);
    expect(file.decls[0]).toMatchObject({ params: [{ name: { name: "a" } }, { name: { name: "b" } }], body: [{ value: { kind: "List", items: [{ value: 1 }, { value: 2 }] } }] });
    expect(file.decls[1]).toMatchObject({ body: [{ type: { dims: [{ value: 784 }] } }, { value: { stage: { args: [{ value: { value: 1 } }, { value: { value: 2 } }] } } }] });
  });

  it("reports a missing comma between two items on one line and keeps both", () => {
    const { file, diagnostics } = parse("model M { input x: [784] x -> dense(5 activation: relu) }", "c.nn");
    expect(diagnostics.map((d) => [d.range.start.column, d.range.end.column, d.message, d.help])).toEqual([[39, 49, "expected `,` between arguments", "insert `,`"]]);
    expect(diagnostics[0].fixes).toEqual([{ title: "Insert `,`", edits: [{ file: "c.nn", range: { start: { line: 1, column: 38, offset: 37 }, end: { line: 1, column: 38, offset: 37 } }, newText: "," }] }]);
    expect(pipeOf(file.decls[0], 1).stage.args).toMatchObject([{ value: { value: 5 } }, { name: { name: "activation" } }]);
  });
});

describe("holes", () => {
  it("leaves an empty name where a name is missing", () => {
    const { file, diagnostics } = parse("model M {\n  let = x\n  x -> \n}", "h.nn");
    expect(diagnostics.map((d) => d.message)).toEqual(["expected a name for the binding, found `=`", "expected a layer or block name, found `}`"]);
    const m = file.decls[0] as ModelDecl;
    expect((m.body[0] as LetStmt).name).toEqual({ kind: "Identifier", name: "", range: { start: { line: 2, column: 6, offset: 15 }, end: { line: 2, column: 6, offset: 15 } } });
    expect(pipeOf(m, 1).stage.callee.name).toBe("");
  });

  it("leaves an Error expression where a value is missing", () => {
    const { file } = parse("model M(a: int = ) { let b = 1 + \n}\ntrain M(w: ) { data: }", "h.nn");
    const m = file.decls[0] as ModelDecl;
    expect(m.params[0].default).toMatchObject({ kind: "Error" });
    expect((m.body[0] as LetStmt).value).toMatchObject({ kind: "Binary", op: "+", left: { value: 1 }, right: { kind: "Error" } });
    const t = file.decls[1] as TrainDecl;
    expect(t.args[0].value.kind).toBe("Error");
    expect(t.entries[0].value.kind).toBe("Error");
  });

  it("leaves out a missing type, and keeps the statement after it", () => {
    const { file, diagnostics } = parse("model M {\n  input x:\n  x -> dense(2)\n}\nblock B(y: ) -> { y }", "h.nn");
    expect(diagnostics.map((d) => [d.range.start.line, d.message])).toEqual([
      [3, "expected a type such as `int` or a shape such as `[28, 28, 1]`, found `x`"],
      [5, "expected a type such as `int` or a shape such as `[28, 28, 1]`, found `)`"],
      [5, "expected a shape such as `[28, 28, 1]`, found `{`"],
    ]);
    const m = file.decls[0] as ModelDecl;
    expect(m.body).toMatchObject([{ kind: "Input", name: { name: "x" }, type: undefined }, { kind: "ExprStmt", value: { kind: "Pipe" } }]);
    expect(file.decls[1]).toMatchObject({ kind: "Block", params: [{ name: { name: "y" }, type: undefined }], result: undefined, body: [{ kind: "ExprStmt" }] });
  });

  it("gives a missing model name an empty identifier", () => {
    const { file, diagnostics } = parse("model { input x: [1] x }", "h.nn");
    expect(diagnostics.map((d) => d.message)).toEqual(["expected a name for the model, found `{`"]);
    expect(file.decls[0]).toMatchObject({ kind: "Model", name: { name: "" }, body: [{ kind: "Input" }, { kind: "ExprStmt" }] });
  });
});

describe("keywords where a name goes", () => {
  const HELP = "pick another name; the keywords are `use`, `block`, `model`, `train`, `input`, `output`, `let`, `true` and `false`";

  it("are one E001 each, read as the name, in every place a name is declared", () => {
    const text = [
      "block B(x, train: int = 2) { x -> dense(train) }",
      "model use {",
      "  input input: [4]",
      "  const let = input -> B(train: 3)",
      "  model = let -> block: dense(2)",
      "  output true = model",
      "}",
    ].join("\n");
    const { file, diagnostics } = parse(text, "k.nn");
    expect(diagnostics.map((d) => [d.code, d.range.start.line, d.range.start.column, d.message, d.help])).toEqual([
      ["E001", 1, 12, "`train` is a keyword and cannot name a parameter", HELP],
      ["E001", 2, 7, "`use` is a keyword and cannot name a model", HELP],
      ["E001", 3, 9, "`input` is a keyword and cannot name an input", HELP],
      ["E001", 4, 3, "nnc binds names with `let`, not `const`", "replace `const` with `let`"],
      ["E001", 4, 9, "`let` is a keyword and cannot name a binding", HELP],
      ["E001", 5, 3, "`model` is a keyword and cannot name a binding", HELP],
      ["E001", 5, 18, "`block` is a keyword and cannot label a layer", HELP],
      ["E001", 6, 10, "`true` is a keyword and cannot name an output", HELP],
    ]);
    expect(file.decls[0]).toMatchObject({ params: [{ name: { name: "x" } }, { name: { name: "train" } }], body: [{ value: { stage: { args: [{ value: { name: { name: "train" } } }] } } }] });
    expect(file.decls[1]).toMatchObject({
      name: { name: "use" },
      body: [
        { kind: "Input", name: { name: "input" } },
        { kind: "Let", name: { name: "let" }, value: { source: { name: { name: "input" } }, stage: { args: [{ name: { name: "train" } }] } } },
        { kind: "Let", name: { name: "model" }, value: { source: { name: { name: "let" } }, label: { name: "block" } } },
        { kind: "Output", name: { name: "true" }, value: { kind: "Name", name: { name: "model" } } },
      ],
    });
  });

  it("read the same after an edit as afresh, also when a line break next to them comes or goes", () => {
    const texts = [
      "model M {\n  input x: [1]\n  let input = x\n  let y = input \n  y\n}\nmodel N { input z: [1] z }\n",
      "model M {\n  input x: [1]\n  let train = x\n  train \n  -> relu\n}\nmodel N { input z: [1] z }\n",
      "model M {\n  input x: [1]\n  let let = x\n  x -> dense(let \n  )\n}\nmodel N { input z: [1] z }\n",
      "model M {\n  input x: [1]\n  x -> model \n}\ntrain M { epochs: 1 }\n",
      "model M {\n  input x: [1]\n  output \n  x\n}\nmodel N { input z: [1] z }\n",
    ];
    for (const text of texts) {
      const at = text.indexOf(" \n") + 1;
      const joined = `${text.slice(0, at)} ${text.slice(at + 1)}`;
      for (const [before, after] of [
        [text, joined],
        [joined, text],
      ]) {
        const again = reparse(parse(before, "r.nn"), after, "r.nn");
        const fresh = parse(after, "r.nn");
        expect(again.diagnostics, after).toEqual(fresh.diagnostics);
        expect(JSON.stringify(again.file), after).toBe(JSON.stringify(fresh.file));
      }
    }
  });

  it("are one E001 where they name nothing, read as a name left out; a declaration after a body left open still starts", () => {
    const { file: named, diagnostics: nothing } = parse("model M {\n  input x: [4]\n  x -> model\n  let y = x + input\n  train\n}", "k.nn");
    expect(nothing.map((d) => [d.code, d.range.start.line, d.range.start.column, d.message])).toEqual([
      ["E001", 3, 8, "`model` is a keyword, not a name"],
      ["E001", 4, 15, "`input` is a keyword, not a name"],
      ["E001", 5, 3, "`train` is a keyword, not a name"],
    ]);
    expect(nothing[0].help).toBe(`\`model\` only begins a declaration, outside any body; if you meant a name, ${HELP}`);
    expect((named.decls[0] as ModelDecl).body).toMatchObject([
      { kind: "Input" },
      { kind: "ExprStmt", value: { kind: "Pipe", stage: { callee: { name: "" } } } },
      { kind: "Let", value: { kind: "Binary", right: { kind: "Error" } } },
      { kind: "ExprStmt", value: { kind: "Error" } },
    ]);
    // At the start of a statement, a statement keyword begins its statement, however incomplete.
    expect(errors("model M {\n  input x: [4]\n  output\n}")).toEqual([["E001", 4, 1, "expected an expression, found `}`"]]);
    const { file, diagnostics } = parse("model M {\n  input x: [4]\n  let train = x\n  train -> dense(2)\ntrain M { epochs: 1 }", "k.nn");
    expect(diagnostics.map((d) => [d.range.start.line, d.message])).toEqual([
      [3, "`train` is a keyword and cannot name a binding"],
      [5, "expected `}` to close the body of model `M` opened at line 1, found `train`"],
    ]);
    expect(file.decls).toMatchObject([{ kind: "Model", body: [{}, {}, { kind: "ExprStmt" }] }, { kind: "Train", model: { name: "M" } }]);
  });
});

describe("stray tokens", () => {
  it("skips what cannot start a declaration", () => {
    const { file, diagnostics } = parse("foo bar\n}\nmodel N { input y: [1] y } }", "s.nn");
    expect(diagnostics.map((d) => [d.range.start.line, d.message, d.help])).toEqual([
      [1, "expected a declaration (`model`, `block`, `train` or `use`), found `foo`", undefined],
      [3, "expected a declaration (`model`, `block`, `train` or `use`), found `}`", "this `}` closes nothing: remove it"],
    ]);
    expect(names(file.decls)).toEqual(["N"]);
  });

  it("skips what cannot start a statement or an entry", () => {
    expect(errors("model M { input x: [1] ] x }")).toEqual([["E001", 1, 24, "expected a statement or `}`, found `]`"]]);
    expect(errors("train M { data: mnist() loss: epochs: 3 }")).toEqual([["E001", 1, 37, "expected a training entry such as `epochs: 10`, or `}`, found `:`"]]);
  });

  it("drops a stray token when the next one is what was expected", () => {
    const { file, diagnostics } = parse("model M x { input y: [1] y }", "s.nn");
    expect(diagnostics.map((d) => [d.range.start.column, d.message])).toEqual([[9, "expected `{`, found `x`"]]);
    expect(file.decls[0]).toMatchObject({ name: { name: "M" }, body: [{ kind: "Input" }, { kind: "ExprStmt" }] });
    const paren = parse("model M { let a = (1 + 2 3) }", "s.nn");
    expect(paren.diagnostics).toHaveLength(1);
    expect((paren.file.decls[0] as ModelDecl).body).toMatchObject([{ kind: "Let", value: { kind: "Paren", inner: { kind: "Binary" } } }]);
  });

  it("reports each fault once and goes on after each", () => {
    const text = "model A { input x: [1 }\nmodel B { x -> dense(1,, 2) }\nmodel C { let = 1 }\nmodel D { input y: [1] y }";
    const { file, diagnostics } = parse(text, "s.nn");
    expect(diagnostics.map((d) => d.range.start.line)).toEqual([1, 2, 3]);
    expect(names(file.decls)).toEqual(["A", "B", "C", "D"]);
    expect(((file.decls[0] as ModelDecl).body[0] as InputStmt).type).toMatchObject({ dims: [{ value: 1 }] });
  });
});

describe("pathological input", () => {
  it("reports brackets nested too deep once, instead of exhausting the stack", () => {
    const deep = `model M { let a = ${"f(".repeat(2000)}1${")".repeat(2000)} }\nmodel N { input y: [1] y }`;
    const { file, diagnostics } = parse(deep, "d.nn");
    expect(diagnostics.map((d) => d.message)).toEqual(["brackets nest more than 64 levels deep here; the rest of the file is not checked"]);
    expect(names(file.decls)).toEqual(["M"]);
    const fine = `model M { let a = ${"f(".repeat(60)}1${")".repeat(60)} }`;
    expect(parse(fine, "d.nn").diagnostics).toEqual([]);
  });

  it("copes with thousands of stray tokens in one body or between declarations", () => {
    const body = parse(`model M { ${") x ".repeat(2000)}}\nmodel N { input y: [1] y }`, "s.nn");
    expect(body.diagnostics.length).toBeGreaterThan(10);
    expect(names(body.file.decls)).toEqual(["M", "N"]);
    const top = parse("model A { input x: [1] x } ) ".repeat(1000), "s.nn");
    expect(top.diagnostics).toHaveLength(1000);
    expect(top.file.decls).toHaveLength(1000);
  });

  it("moves the positions of a deep chain on reparse without recursion", () => {
    const chain = `model M { input x: [4]\n x${" -> relu".repeat(20_000)} }\n`;
    const before = parse(`${chain}model N { input y: [1] y }`, "c.nn");
    const text = `// moved\n${chain}model N { input y: [1] y }`;
    const after = reparse(before, text, "c.nn");
    expect(after.diagnostics).toEqual([]);
    expect(sameTree(after.file, parse(text, "c.nn").file)).toBe(true);
    expect((after.file.decls[0] as ModelDecl).body[1].range.start.line).toBe(3);
  });

  it("reads long chains of operators, minus signs and stages without recursion", () => {
    const n = 10_000;
    const { file, diagnostics } = parse(`model M { let a = ${"-".repeat(n)}1 + ${"1 + ".repeat(n)}1\n x${" -> relu".repeat(n)} }`, "c.nn");
    expect(diagnostics).toEqual([]);
    expect((file.decls[0] as ModelDecl).body).toHaveLength(2);
  });
});

describe("lexical errors", () => {
  it("reports a bad character and parses around it", () => {
    const { file, diagnostics } = parse("model M { input x: [4] x -> dense(2) @ }", "l.nn");
    expect(diagnostics.map((d) => [d.code, d.range, d.message])).toEqual([
      ["E002", { start: { line: 1, column: 38, offset: 37 }, end: { line: 1, column: 39, offset: 38 } }, "unexpected character `@`"],
    ]);
    expect(file.decls[0]).toMatchObject({ body: [{ kind: "Input" }, { kind: "ExprStmt", value: { kind: "Pipe" } }] });
  });

  it("names invisible characters by code point, and reads `.5` as the `0.5` it suggests", () => {
    expect(parse("model M { x \u0007 }", "l.nn").diagnostics.map((d) => d.message)).toEqual(["unexpected character U+0007"]);
    const dot = parse("model M { x -> dropout(.5) }", "l.nn");
    expect(dot.diagnostics.map((d) => [d.code, d.message, d.help])).toEqual([["E002", "a number starts with a digit: `.5` is written `0.5`", "write `0.5`"]]);
    expect(dot.file.decls[0]).toMatchObject({ body: [{ value: { stage: { args: [{ value: { kind: "Number", value: 0.5, text: "0.5", isInteger: false } }] } } }] });
  });

  it("reports an unterminated string, takes it as a string, and goes on", () => {
    const { file, diagnostics } = parse('use "blocks.nn\nmodel N { input y: [2] y -> dense(2) }', "l.nn");
    expect(diagnostics.map((d) => [d.code, d.range, d.message])).toEqual([
      ["E002", { start: { line: 1, column: 5, offset: 4 }, end: { line: 1, column: 15, offset: 14 } }, "unterminated string"],
    ]);
    expect(file.decls).toMatchObject([{ kind: "Use", path: { value: "blocks.nn" } }, { kind: "Model", name: { name: "N" } }]);
  });

  it("reports an unterminated block comment at its opening", () => {
    const { file, diagnostics } = parse("model M { input x: [4] x }\n/* never closed\nmodel N {}", "c.nn");
    expect(diagnostics.map((d) => [d.code, d.range, d.message])).toEqual([
      ["E002", { start: { line: 2, column: 1, offset: 27 }, end: { line: 2, column: 3, offset: 29 } }, "unterminated block comment"],
    ]);
    expect(names(file.decls)).toEqual(["M"]);
    expect(file.comments).toMatchObject([{ block: true, text: "/* never closed\nmodel N {}" }]);
  });

  it("reports an unknown escape in a string", () => {
    const { file, diagnostics } = parse(String.raw`use "a\qb"`, "l.nn");
    expect(diagnostics.map((d) => [d.code, d.range.start.column, d.range.end.column, d.message])).toEqual([["E002", 7, 9, "unknown escape `\\q` in a string"]]);
    expect(file.decls[0]).toMatchObject({ path: { value: "aqb" } });
  });
});

describe("messages", () => {
  it("never name Chevrotain's token types", () => {
    const broken = ["model", "model M {", "model M { input x: [1", "model M { x -> }", "train { }", "block B(", "use 3", "model M { let a = (", "model M { output y = }", "train t: M(a: ) { x: }"];
    for (const text of broken) {
      for (const d of parse(text, "m.nn").diagnostics) {
        expect(d.message, text).not.toMatch(/RBracket|RParen|RBrace|LParen|Identifier|AnyName|Kw_|NumberLiteral|StringLiteral|EOF|-->/);
        expect(d.message, text).toMatch(/^expected .+, found /);
      }
    }
  });
});
