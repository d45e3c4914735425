import { describe, expect, it } from "vitest";
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

  it("requires a leading digit: `.5` is a bad character and a number", () => {
    const { tokens, errors } = lex(".5");
    expect(tokens).toEqual([["NumberLiteral", "5"]]);
    expect(errors).toEqual([[0, 1]]);
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
    const { tokens, errors } = lex("a @ b #$ c");
    expect(tokens.map(([, image]) => image)).toEqual(["a", "b", "c"]);
    expect(errors).toEqual([
      [2, 1],
      [6, 2],
    ]);
  });
});
