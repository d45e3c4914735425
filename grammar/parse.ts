/**
 * `parse(text, path)`: the public face of the grammar. Never throws: every input gives a SourceFile
 * (with holes where recovery had to guess) and the lexical (E002) and syntax (E001) diagnostics.
 */
import type { IRecognitionException, IToken } from "chevrotain";
import { createTokenInstance } from "./chevrotain.js";
import type { Comment, SourceFile } from "../compiler/ast.js";
import { diagnostic, type Diagnostic } from "../compiler/diagnostics/diagnostic.js";
import { AstBuilder } from "./build-ast.js";
import { parser } from "./parser.js";
import * as T from "./tokens.js";

export interface ParseResult {
  readonly file: SourceFile;
  readonly diagnostics: Diagnostic[];
}

const CLOSERS: Record<string, string> = { ")": "(", "]": "[", "}": "{" };

/** What a grammar rule stands for, to say what the parser expected. */
const RULE_WORDS: Record<string, string> = {
  file: "a declaration (`model`, `block`, `train` or `use`)",
  decl: "a declaration (`model`, `block`, `train` or `use`)",
  stmt: "a statement (`input`, `let`, `output` or an expression)",
  body: "a statement or `}`",
  entry: "a training entry such as `epochs: 10`",
  expr: "an expression",
  additive: "an expression",
  multiplicative: "an expression",
  unary: "an expression",
  primary: "an expression",
  typeRef: "a type or a shape such as `[28, 28, 1]`",
  stage: "a layer or block name",
  param: "a parameter",
  arg: "an argument",
};

export function parse(text: string, path: string): ParseResult {
  const lexed = T.NnLexer.tokenize(text);
  const builder = new AstBuilder(path, text, (lexed.groups.comments ?? []).filter((c: IToken) => c.tokenType === T.DocComment));
  const diagnostics: Diagnostic[] = [];

  for (const error of lexed.errors) {
    const range = { start: builder.positionAt(error.offset), end: builder.positionAt(error.offset + Math.max(1, error.length)) };
    const bad = text.slice(error.offset, error.offset + error.length);
    diagnostics.push(
      diagnostic({
        code: "E002",
        file: path,
        range,
        message: `unexpected character${bad.length > 1 ? "s" : ""} \`${bad}\``,
        help: "names are letters, digits and `_`; strings go in double quotes",
      }),
    );
  }

  const tokens = lexed.tokens.map((t) => {
    if (t.tokenType !== T.UnterminatedString) return t;
    diagnostics.push(
      diagnostic({
        code: "E002",
        file: path,
        range: builder.tokenRange(t),
        message: "unterminated string",
        help: 'close it with `"` on the same line',
      }),
    );
    // Parse on as if the string were closed, so the rest of the line still makes sense.
    return createTokenInstance(T.StringLiteral, t.image, t.startOffset, t.endOffset ?? t.startOffset, t.startLine ?? 1, t.endLine ?? 1, t.startColumn ?? 1, t.endColumn ?? 1);
  });

  const comments: Comment[] = [];
  for (const c of lexed.groups.comments ?? []) {
    if (c.tokenType === T.UnterminatedComment) {
      diagnostics.push(
        diagnostic({
          code: "E002",
          file: path,
          range: { start: builder.positionAt(c.startOffset), end: builder.positionAt(c.startOffset + 2) },
          message: "unterminated block comment",
          help: "close it with `*/`",
        }),
      );
    }
    comments.push({
      kind: "Comment",
      text: c.image,
      block: c.tokenType === T.BlockComment || c.tokenType === T.UnterminatedComment,
      doc: c.tokenType === T.DocComment,
      range: builder.tokenRange(c),
    });
  }

  parser.input = tokens;
  let cst;
  try {
    cst = parser.file();
  } catch {
    // Recovery gave up entirely (it should not); report at the start rather than crash.
    cst = undefined;
  }
  const seen = new Set<number>();
  for (const error of parser.errors) {
    const d = syntaxDiagnostic(error, tokens, text, path, builder);
    if (seen.has(d.range.start.offset)) continue;
    seen.add(d.range.start.offset);
    diagnostics.push(d);
  }
  const built = cst ? builder.file(cst) : { decls: [], range: { start: builder.positionAt(0), end: builder.positionAt(text.length) } };
  for (const d of builder.diagnostics) if (!seen.has(d.range.start.offset)) diagnostics.push(d);
  diagnostics.sort((a, b) => a.range.start.offset - b.range.start.offset);
  return { file: { kind: "File", path, decls: built.decls, comments, range: built.range }, diagnostics };
}

function describeToken(t: IToken): string {
  if (t.tokenType.name === "EOF" || !Number.isFinite(t.startOffset)) return "the end of the file";
  return `\`${t.image.length > 20 ? `${t.image.slice(0, 20)}…` : t.image}\``;
}

function syntaxDiagnostic(error: IRecognitionException, tokens: readonly IToken[], text: string, path: string, builder: AstBuilder): Diagnostic {
  const token = error.token;
  const atEnd = token.tokenType.name === "EOF" || !Number.isFinite(token.startOffset);
  const range = atEnd ? { start: builder.positionAt(text.length), end: builder.positionAt(text.length) } : builder.tokenRange(token);
  const found = describeToken(token);
  const expected = /Expecting --> (.*?) <--/.exec(error.message)?.[1] ?? /Expecting token of type --> (.*?) <--/.exec(error.message)?.[1];
  let message: string;
  let help: string | undefined;
  if (expected) {
    const words = expected === "Identifier" || expected === "AnyName" ? "a name" : expected;
    message = `expected ${words}, found ${found}`;
    const closer = expected.replace(/`/g, "");
    if (CLOSERS[closer]) {
      const opener = findOpener(tokens, token, CLOSERS[closer], closer);
      if (opener) {
        message = `expected ${expected} to close the \`${opener.image}\` at line ${builder.positionAt(opener.startOffset).line}, found ${found}`;
        help = `add ${expected}`;
      }
    }
  } else {
    const rule = [...error.context.ruleStack].reverse().find((r) => RULE_WORDS[r]);
    message = `expected ${rule ? RULE_WORDS[rule] : "something else"}, found ${found}`;
  }
  return diagnostic({ code: "E001", file: path, range, message, help });
}

/** The unmatched opener that a missing closer would close, searching back from `at`. */
function findOpener(tokens: readonly IToken[], at: IToken, opener: string, closer: string): IToken | undefined {
  let index = tokens.indexOf(at);
  if (index < 0) index = tokens.length;
  let depth = 0;
  for (let i = index - 1; i >= 0; i--) {
    const image = tokens[i].image;
    if (image === closer) depth++;
    else if (image === opener) {
      if (depth === 0) return tokens[i];
      depth--;
    }
  }
  return undefined;
}
