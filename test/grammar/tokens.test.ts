import { describe, expect, it } from "vitest";
import type { ModelDecl } from "../../grammar/ast.js";
import { numberFormProblem } from "../../grammar/literals.js";
import { parse } from "../../grammar/parse.js";
import { NnLexer } from "../../grammar/tokens.js";

/** The token type names and images of `text`, comments and errors apart. */
function lex(text: string) {
  const result = NnLexer.tokenize(text);
  return {
    tokens: result.tokens.map((t) => [t.tokenType.name, t.image]),
    comments: (result.groups.comments ?? []).map((t) => [t.tokenType.name, t.image]),
    errors: result.errors.map((e) => [e.offset, e.length]),
  };
}

describe("lexer", () => {
  it("tells keywords from identifiers that start with one", () => {
    expect(lex("model models use user train trainer input output let letter true false falsy").tokens).toEqual([
      ["Kw_model", "model"],
      ["Identifier", "models"],
      ["Kw_use", "use"],
      ["Identifier", "user"],
      ["Kw_train", "train"],
      ["Identifier", "trainer"],
      ["Kw_input", "input"],
      ["Kw_output", "output"],
      ["Kw_let", "let"],
      ["Identifier", "letter"],
      ["Kw_true", "true"],
      ["Kw_false", "false"],
      ["Identifier", "falsy"],
    ]);
  });

  it("reads identifiers with underscores and digits", () => {
    expect(lex("_x batch_size conv2d").tokens).toEqual([
      ["Identifier", "_x"],
      ["Identifier", "batch_size"],
      ["Identifier", "conv2d"],
    ]);
  });

  it("reads numbers with fractions, exponents and digit separators", () => {
    expect(lex("10 0.5 1e-3 60_000 2.5E+4 1e5").tokens).toEqual([
      ["NumberLiteral", "10"],
      ["NumberLiteral", "0.5"],
      ["NumberLiteral", "1e-3"],
      ["NumberLiteral", "60_000"],
      ["NumberLiteral", "2.5E+4"],
      ["NumberLiteral", "1e5"],
    ]);
  });

  it("takes `.5` (a number without its leading digit, a slip `parse` reports) as one number token", () => {
    const { tokens, errors } = lex(".5 .25e-3 x.y");
    expect(tokens).toEqual([
      ["DotNumber", ".5"],
      ["DotNumber", ".25e-3"],
      ["Identifier", "x"],
      ["Identifier", "y"],
    ]);
    expect(errors).toEqual([[11, 1]]);
  });

  it("reads every punctuation mark, `->` as one token", () => {
    expect(lex("-> - ( ) [ ] { } , : ; = + * /").tokens.map(([, image]) => image)).toEqual(["->", "-", "(", ")", "[", "]", "{", "}", ",", ":", ";", "=", "+", "*", "/"]);
    expect(lex("a->b").tokens.map(([name]) => name)).toEqual(["Identifier", "Arrow", "Identifier"]);
  });

  it("reads strings with escapes, and a string left open to the end of its line", () => {
    expect(lex(String.raw`"a\"b\\c\nd\te"`).tokens).toEqual([["StringLiteral", String.raw`"a\"b\\c\nd\te"`]]);
    expect(lex('"open\nx').tokens).toEqual([
      ["UnterminatedString", '"open'],
      ["Identifier", "x"],
    ]);
    expect(lex('"ends in a quote\\"\nx').tokens[0]).toEqual(["UnterminatedString", '"ends in a quote\\"']);
  });

  it("keeps comments in their own group, out of the parser's way", () => {
    const { tokens, comments } = lex("/// doc\n// line\nx /* block\n spanning */ y //tail\r\n");
    expect(tokens).toEqual([
      ["Identifier", "x"],
      ["Identifier", "y"],
    ]);
    expect(comments).toEqual([
      ["DocComment", "/// doc"],
      ["LineComment", "// line"],
      ["BlockComment", "/* block\n spanning */"],
      ["LineComment", "//tail"],
    ]);
  });

  it("turns an unclosed block comment into one token that runs to the end", () => {
    expect(lex("x /* never\nclosed").comments).toEqual([["UnterminatedComment", "/* never\nclosed"]]);
  });

  it("skips an unknown character, reports it, and goes on", () => {
    const { tokens, errors } = lex("a @ b $% c");
    expect(tokens.map(([, image]) => image)).toEqual(["a", "b", "c"]);
    expect(errors).toEqual([
      [2, 1],
      [6, 2],
    ]);
  });

  it("reads Python's `# comment` as a comment and `'string'` as a string (slips reported by `parse`)", () => {
    const { tokens, comments, errors } = lex(String.raw`a # b 'c'` + "\n" + String.raw`'d' 'e\'f'`);
    expect(comments).toEqual([["HashComment", "# b 'c'"]]);
    expect(tokens).toEqual([
      ["Identifier", "a"],
      ["SingleQuotedString", "'d'"],
      ["SingleQuotedString", String.raw`'e\'f'`],
    ]);
    expect(errors).toEqual([]);
    // Left open, it runs to the end of its line (as a `"` string does), and is reported once.
    expect(lex("a 'b c\nd").tokens).toEqual([
      ["Identifier", "a"],
      ["UnterminatedSingleQuotedString", "'b c"],
      ["Identifier", "d"],
    ]);
    const open = (quote: string) => parse(`model M {\n  input x: [4]\n  x -> dense(2, activation: ${quote}relu)\n}\n`, "q.nn").diagnostics.map((d) => [d.code, d.range, d.message]);
    expect(open("'")[0]).toEqual(["E002", { start: { line: 3, column: 29, offset: 53 }, end: { line: 3, column: 35, offset: 59 } }, "unterminated string"]);
    expect(open("'")).toEqual(open('"'));
  });
});

describe("number literals", () => {
  it("take single underscores between digits, in every part", () => {
    for (const text of ["60_000", "1_000.000_1", "1e1_0", "1_2.3_4e-5_6", "0", "007"]) expect(numberFormProblem(text), text).toBeUndefined();
  });

  it("report a misplaced or doubled underscore as E002 at the number, with the number meant", () => {
    const cases: Record<string, string> = { "1_": "1", "1__0": "1_0", "1_.5": "1.5", "1.5_": "1.5", "1_e3": "1e3", "1e3_": "1e3", "1___000__000": "1_000_000" };
    for (const [text, fixed] of Object.entries(cases)) {
      const { diagnostics } = parse(`model M { input x: [4] x -> dense(${text}) }`, "n.nn");
      expect(diagnostics.map((d) => [d.code, d.range.start.column, d.range.end.column - d.range.start.column, d.message, d.help]), text).toEqual([
        ["E002", 35, text.length, `malformed number \`${text}\`: \`_\` goes between two digits, one at a time, as in \`60_000\``, `write \`${fixed}\``],
      ]);
    }
  });

  it("keep a malformed number one number token, so the parser goes on as if it were well formed", () => {
    expect(lex("1__0 x").tokens).toEqual([
      ["NumberLiteral", "1__0"],
      ["Identifier", "x"],
    ]);
    const { file, diagnostics } = parse("model M { input x: [4] x -> dense(1__0, activation: relu) }\nmodel N { input y: [1] y }", "n.nn");
    expect(diagnostics.map((d) => d.code)).toEqual(["E002"]);
    expect(file.decls.map((d) => (d as ModelDecl).name.name)).toEqual(["M", "N"]);
    expect((file.decls[0] as ModelDecl).body[1]).toMatchObject({ value: { stage: { args: [{ value: { kind: "Number", value: 10, text: "1__0" } }, { name: { name: "activation" } }] } } });
  });
});
