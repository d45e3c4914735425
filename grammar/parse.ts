/**
 * `parse(text, path)`: the public face of the grammar. It never throws: every input gives a
 * `SourceFile` (with holes where recovery had to do without something) and the lexical (E002) and
 * syntax (E001) diagnostics, in source order, at most one syntax error per position.
 *
 * The pipeline: lex (comments go to their own group, bad characters and unterminated strings or
 * comments become E002, and so do `# comments`, `'strings'` and `.5`), leave out the Python statements
 * written where a declaration goes (`import …`, `def …`: one E001 each, see `slips.ts`), read the
 * keywords written where a name goes as names (one E001 each, see `keyword-names.ts`), split the
 * tokens at declaration keywords, parse each declaration with the one recovering parser, build the
 * AST (which reports misplaced commas and the other slips), attach doc comments.
 */
import type { CstNode, IRecognitionException, IToken } from "chevrotain";
import type { Comment, Decl, SourceFile } from "./ast.js";
import { syntaxDiagnostic, type SyntaxDiagnostic } from "./syntax-diagnostic.js";
import { AstBuilder } from "./build-ast.js";
import { MAX_NESTING, TokenContext, withTokens } from "./messages.js";
import { createTokenInstance } from "./chevrotain.js";
import { parser } from "./parser.js";
import { tokenEnd } from "./positions.js";
import type { MutablePosition } from "./relocate.js";
import { numberFormProblem, withLeadingDigit } from "./literals.js";
import { lex, type Lexed } from "./lex.js";
import { foreignStatements, hashComment, insideForeign, keywordAsName, keywordNotAName, leadingDot, singleQuoted, slipDiagnostic, type ForeignStatement } from "./slips.js";
import { keywordNames, startsDeclaration } from "./keyword-names.js";
import * as T from "./tokens.js";

export interface ParseResult {
  readonly file: SourceFile;
  readonly diagnostics: SyntaxDiagnostic[];
}

/**
 * The span of one declaration chunk, from the end of the previous chunk's last token (so comments
 * and doc comments before the declaration are part of it) to the end of its own last token.
 */
export interface ChunkExtent {
  readonly start: number;
  readonly end: number;
  readonly tokenCount: number;
}

/** One chunk of a parsed file: what `reparse.ts` may take over when the chunk's text has not changed. */
export interface Chunk extends ChunkExtent {
  readonly decls: readonly Decl[];
  /** True when parsing and building the chunk reported nothing; only such chunks are taken over. */
  readonly clean: boolean;
  /** Every position in `decls`, listed the first time the chunk moves (by `reparse`). */
  positions?: MutablePosition[];
}

/**
 * The chunk of an earlier parse with the same text as the chunk at `extent`, its declarations moved
 * to where the chunk now is; undefined when the chunk must be parsed.
 */
export type ChunkSource = (extent: ChunkExtent) => Chunk | undefined;

/** What a file was parsed from, for `reparse`. */
export interface ParsedFrom {
  readonly text: string;
  readonly lexed: Lexed;
  readonly chunks: readonly Chunk[];
}

const parsedFrom = new WeakMap<SourceFile, ParsedFrom>();

/** The text, tokens and chunks `file` was parsed from; undefined when it cannot be reparsed chunk by chunk. */
export function chunksOf(file: SourceFile): ParsedFrom | undefined {
  return parsedFrom.get(file);
}

/** Parses one `.nn` file; `path` is only used to name the file in diagnostics. */
export function parse(text: string, path: string): ParseResult {
  return parseReusing(text, path, lex(text), undefined);
}

/**
 * Parses `text`, lexed as `lexed`, taking over from `reuse` the declarations of chunks it already
 * has. The result is the same as `parse` gives: bracket context and every diagnostic are computed
 * afresh.
 */
export function parseReusing(text: string, path: string, lexed: Lexed, reuse: ChunkSource | undefined): ParseResult {
  // Python statements where declarations go are reported once each and left out, with what is in them.
  const foreign = foreignStatements(lexed.tokens, text);
  // Keywords where only a name can stand are read as names, so that recovery never starts there.
  const named = keywordNames(foreign.length === 0 ? lexed.tokens : withoutForeign(lexed.tokens, foreign));
  const tokens = named.tokens;
  const commentTokens = lexed.comments;
  const context = new TokenContext(tokens, text);
  const lines = context.lines;
  const diagnostics: SyntaxDiagnostic[] = [];

  for (const error of lexed.errors) {
    if (insideForeign(foreign, error.offset, error.offset + error.length)) continue;
    const bad = text.slice(error.offset, error.offset + Math.max(1, error.length));
    diagnostics.push(
      syntaxDiagnostic({
        code: "E002",
        file: path,
        range: lines.range(error.offset, error.offset + bad.length),
        message: `unexpected character${[...bad].length > 1 ? "s" : ""} ${quoteCharacters(bad)}`,
        help: "names are ASCII letters, digits and `_`; strings go in double quotes; comments start with `//`",
      }),
    );
  }
  for (const t of tokens) {
    if (t.tokenType === T.SingleQuotedString) {
      diagnostics.push(slipDiagnostic(path, lines, singleQuoted(t)));
      continue;
    }
    if (t.tokenType === T.DotNumber) {
      const written = withLeadingDigit(t.image);
      diagnostics.push(slipDiagnostic(path, lines, leadingDot(t, numberFormProblem(written)?.fixed ?? written)));
      continue;
    }
    if (t.tokenType === T.NumberLiteral) {
      const problem = numberFormProblem(t.image);
      if (problem) diagnostics.push(syntaxDiagnostic({ code: "E002", file: path, range: lines.token(t), message: problem.message, help: `write \`${problem.fixed}\`` }));
      continue;
    }
    if (t.tokenType !== T.UnterminatedString && t.tokenType !== T.UnterminatedSingleQuotedString) continue;
    diagnostics.push(
      syntaxDiagnostic({
        code: "E002",
        file: path,
        range: lines.token(t),
        message: "unterminated string",
        help: t.tokenType === T.UnterminatedString ? 'close it with `"` on the same line' : 'strings are written in double quotes, closed on the same line: `"..."`',
      }),
    );
  }
  const comments: Comment[] = commentTokens.map((c) => {
    if (c.tokenType === T.HashComment && !insideForeign(foreign, c.startOffset, c.startOffset + 1)) {
      diagnostics.push(slipDiagnostic(path, lines, hashComment(c)));
    }
    if (c.tokenType === T.UnterminatedComment && !insideForeign(foreign, c.startOffset, c.startOffset + 2)) {
      diagnostics.push(
        syntaxDiagnostic({
          code: "E002",
          file: path,
          range: lines.range(c.startOffset, c.startOffset + 2),
          message: "unterminated block comment",
          help: "close it with `*/`",
        }),
      );
    }
    return {
      kind: "Comment",
      text: c.image,
      block: c.tokenType === T.BlockComment || c.tokenType === T.UnterminatedComment,
      doc: c.tokenType === T.DocComment,
      range: lines.token(c),
    };
  });

  const seen = new Set<number>();
  const syntax = (d: SyntaxDiagnostic): void => {
    if (seen.has(d.range.start.offset)) return;
    seen.add(d.range.start.offset);
    diagnostics.push(d);
  };
  for (const f of foreign) syntax(slipDiagnostic(path, lines, f.slip));
  for (const k of named.declared) syntax(slipDiagnostic(path, lines, keywordAsName(k.token, k.place)));
  for (const k of named.misplaced) syntax(slipDiagnostic(path, lines, keywordNotAName(k)));

  // Brackets nested too deep for the recursive parser: report them once, and leave the rest of the
  // file unchecked. The bracket group that holds them (the outermost inside the declaration) is read
  // as holding a hole, `f(…)`, which the checker is silent about; and the parser never has to recover
  // out of 64 open brackets, which costs Chevrotain tens of milliseconds.
  const tooDeep = context.tooDeep;
  const limit = tooDeep >= 0 ? context.tooDeepGroup + 1 : tokens.length;
  const filler = tooDeep >= 0 ? holeIn(tokens[context.tooDeepGroup]) : [];
  if (limit < tokens.length) {
    syntax(
      syntaxDiagnostic({
        code: "E001",
        file: path,
        range: lines.token(tokens[tooDeep]),
        message: `brackets nest more than ${MAX_NESTING} levels deep here; the rest of the file is not checked`,
        help: "split the expression with `let` bindings",
      }),
    );
  }

  const chunks: Chunk[] = [];
  const decls: Decl[] = [];
  const built: SyntaxDiagnostic[][] = [];
  const starts = declarationStarts(tokens, limit);
  for (let i = 0; i < starts.length; i++) {
    const first = starts[i];
    const end = i + 1 < starts.length ? starts[i + 1] : limit;
    const extent = { start: first === 0 ? 0 : tokenEnd(tokens[first - 1]), end: tokenEnd(tokens[end - 1]), tokenCount: end - first };
    const reused = reuse?.(extent);
    if (reused) {
      for (const decl of reused.decls) decls.push(decl);
      chunks.push({ ...reused, ...extent });
      continue;
    }
    context.chunkEnd = tokens[end];
    const input = end === limit && filler.length > 0 ? [...tokens.slice(first, end), ...filler] : tokens.slice(first, end);
    const { cst, errors } = withTokens(context, () => parseTokens(input));
    if (!cst) syntax(syntaxDiagnostic({ code: "E001", file: path, range: lines.token(tokens[first]), message: "this declaration could not be parsed" }));
    for (const error of errors) {
      const token: IToken = error.token;
      const atEnd = token.tokenType.name === "EOF" || !Number.isFinite(token.startOffset);
      if ((atEnd && end === limit && limit < tokens.length) || filler.includes(token)) continue; // cut off above
      const range = !atEnd ? lines.token(token) : end < tokens.length ? lines.token(tokens[end]) : lines.point(text.length);
      syntax(syntaxDiagnostic({ code: "E001", file: path, range, message: error.message, help: context.helps.get(error.message) }));
    }
    const builder = new AstBuilder(path, lines, tokens, commentTokens);
    const chunkDecls = cst ? buildDecls(builder, cst, text.length) : [];
    if (cst && !chunkDecls) {
      syntax(syntaxDiagnostic({ code: "E001", file: path, range: lines.token(tokens[first]), message: "this declaration nests too deeply to be read", help: "split the expression with `let` bindings" }));
    }
    for (const decl of chunkDecls ?? []) decls.push(decl);
    built.push(builder.diagnostics);
    chunks.push({ ...extent, decls: chunkDecls ?? [], clean: chunkDecls !== undefined && errors.length === 0 && builder.diagnostics.length === 0 });
  }
  for (const d of built.flat()) {
    if (d.code === "E001") syntax(d);
    else diagnostics.push(d);
  }

  diagnostics.sort((a, b) => a.range.start.offset - b.range.start.offset);
  const file: SourceFile = { kind: "File", path, decls, comments, range: lines.range(0, text.length) };
  // A file cut off for nesting too deep is never taken over chunk by chunk: the cut may move.
  if (limit === tokens.length) parsedFrom.set(file, { text, lexed, chunks });
  return { file, diagnostics };
}

/** `tokens` without those of the Python statements (which are in order and do not overlap). */
function withoutForeign(tokens: readonly IToken[], foreign: readonly ForeignStatement[]): IToken[] {
  const kept: IToken[] = [];
  let next = 0;
  for (const f of foreign) {
    for (let i = next; i < f.first; i++) kept.push(tokens[i]);
    next = f.last + 1;
  }
  for (let i = next; i < tokens.length; i++) kept.push(tokens[i]);
  return kept;
}

/**
 * Where the declarations start: at `use`, `block`, `model` and `train`, unless a `:` follows (an
 * argument or key named `train`), or a `=` (the same, with `=` for `:`, a slip), or the word stands
 * in a body without what a declaration begins with (`startsDeclaration`). These words are keywords,
 * so in a well-formed file they start a declaration and nothing else; parsing each declaration on its
 * own is therefore the same as parsing the whole file, except that a broken declaration can never
 * swallow the ones after it. Tokens before the first declaration form a chunk of their own.
 */
function declarationStarts(tokens: readonly IToken[], limit: number): number[] {
  const starts: number[] = [];
  // Nothing past the limit is looked at: where the file is cut must not depend on what is cut off.
  const kept = limit < tokens.length ? tokens.slice(0, limit) : tokens;
  let open = 0;
  for (let i = 0; i < limit; i++) {
    if (startsDeclaration(kept, i, open) || i === 0) {
      starts.push(i);
      open = 0;
    }
    if (kept[i].tokenType === T.LBrace) open++;
    else if (kept[i].tokenType === T.RBrace) open = Math.max(0, open - 1);
  }
  return starts;
}

/**
 * What stands for the inside of a bracket group cut off for nesting too deep: a number token and the
 * group's closer, zero-width at the end of `opener` and marked as inserted, so that the parser reads
 * an expression (`f(…)`, `[…]`, `(…)`) and the AST builder, which ignores inserted tokens, makes it a
 * hole.
 */
function holeIn(opener: IToken): IToken[] {
  const at = tokenEnd(opener);
  const closer = opener.image === "(" ? T.RParen : opener.image === "[" ? T.RBracket : T.RBrace;
  return [T.NumberLiteral, closer].map((type) => {
    const token = createTokenInstance(type, "", at, at - 1, opener.endLine ?? NaN, opener.endLine ?? NaN, NaN, NaN);
    token.isInsertedInRecovery = true;
    return token;
  });
}

/**
 * The declarations of one chunk's CST, or undefined if building them ran out of stack. The bracket
 * limit (`MAX_NESTING`) keeps the builder far from that and chains are built by iterating; this is
 * the guarantee that parsing never throws, whatever the caller's stack.
 */
function buildDecls(builder: AstBuilder, cst: CstNode, textLength: number): Decl[] | undefined {
  try {
    return builder.file([cst], textLength).decls;
  } catch (error) {
    if (isStackOverflow(error)) return undefined;
    throw error;
  }
}

/** V8's "Maximum call stack size exceeded", and no other RangeError (those are bugs). */
export function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}

/** Runs the parser over some tokens; a crash inside Chevrotain (it should not happen) gives no CST. */
function parseTokens(tokens: IToken[]): { cst: CstNode | undefined; errors: IRecognitionException[] } {
  parser.input = tokens;
  // Chevrotain signals syntax errors with exceptions; their stack traces are never read and
  // capturing them dominates the cost of a file with many errors.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return { cst: parser.file(), errors: parser.errors };
  } catch {
    return { cst: undefined, errors: [] };
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

/** `` `@` ``, or `U+0007` for a character that would not show; long runs are cut short. */
function quoteCharacters(text: string): string {
  const chars = [...text];
  const shown = chars.length > 12 ? `${chars.slice(0, 12).join("")}…` : text;
  if (/^[\p{L}\p{N}\p{P}\p{S}…]+$/u.test(shown) && !shown.includes("`")) return `\`${shown}\``;
  return chars
    .slice(0, 12)
    .map((c) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`)
    .join(" ");
}
