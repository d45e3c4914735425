/**
 * Lexing again after an edit: only the text around the change is tokenized; the tokens before it are
 * kept and those after it are moved. The lexer has a single mode, so it starts afresh after every
 * token: the tokens before the last one that ends before the change cannot change, and once the
 * lexer, past the change, reaches whitespace that precedes an old token, everything from there on
 * is the old tokens, moved. When no such point is found in the slice tried (a comment or string the
 * edit opened runs past it), the whole text is lexed. The result equals `NnLexer.tokenize(text)`.
 */
import type { ILexingError, IToken } from "chevrotain";
import { lex, type Lexed } from "./lex.js";
import { tokenEnd } from "./positions.js";
import type { TextChange } from "./text-change.js";
import * as T from "./tokens.js";


/** How many old tokens after the change are tried as the place where the lexer falls in step again. */
const RESYNC_TRIES = 4;

/**
 * Lexes `text`, which `change` made from the text `previous` was lexed from. The tokens of
 * `previous` are reused (and moved in place): it must not be used afterwards.
 */
export function relex(previous: Lexed, oldText: string, text: string, change: TextChange): Lexed {
  const start = restartPoint(previous, change.start);
  const shift = change.newEnd - change.oldEnd;
  let tries = 0;
  for (let i = firstStartingAfter(previous.tokens, change.oldEnd); i < previous.tokens.length && tries < RESYNC_TRIES; i++) {
    const resume = previous.tokens[i].startOffset;
    if (!isWhitespace(oldText.charCodeAt(resume - 1))) continue;
    tries++;
    const slice = lexSlice(text, start, resume + shift);
    if (!slice) continue;
    const { moveToken, moveError } = movers(oldText, text, resume, shift);
    const kept = (list: IToken[]): IToken[] => list.slice(0, firstStartingAfter(list, -1, (t) => tokenEnd(t) > start));
    const moved = (list: IToken[], from: number): IToken[] => list.slice(from).map(moveToken);
    return {
      tokens: kept(previous.tokens).concat(slice.tokens, moved(previous.tokens, i)),
      comments: kept(previous.comments).concat(slice.comments, moved(previous.comments, firstStartingAfter(previous.comments, resume - 1))),
      errors: [
        ...previous.errors.filter((e) => e.offset + e.length <= start),
        ...slice.errors,
        ...previous.errors.filter((e) => e.offset >= resume).map(moveError),
      ],
    };
  }
  return lex(text);
}

/** The end of the last token (of either group) that ends before `offset`: lexing from there is lexing afresh. */
function restartPoint(lexed: Lexed, offset: number): number {
  let point = 0;
  for (const list of [lexed.tokens, lexed.comments]) {
    const i = firstStartingAfter(list, -1, (t) => tokenEnd(t) >= offset) - 1;
    if (i >= 0) point = Math.max(point, tokenEnd(list[i]));
  }
  for (const e of lexed.errors) if (e.offset + e.length < offset && e.offset + e.length > point) point = e.offset + e.length;
  return point;
}

/** The index of the first token that starts after `offset` (or, with `past`, the first for which it holds). */
function firstStartingAfter(list: readonly IToken[], offset: number, past: (t: IToken) => boolean = (t) => t.startOffset > offset): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (past(list[mid])) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function isWhitespace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13 || code === 12 || code === 11 || code === 0xa0 || code === 0xfeff;
}

/**
 * The tokens of `text` in `[from, to)`, placed in the whole text; undefined when one of them reaches
 * the end of the slice, where it might have gone on in the whole text.
 */
function lexSlice(text: string, from: number, to: number): Lexed | undefined {
  const slice = lex(text.slice(from, to));
  const all = [...slice.tokens, ...slice.comments];
  if (all.some((t) => tokenEnd(t) >= to - from) || slice.errors.some((e) => e.offset + e.length >= to - from)) return undefined;
  const { line, column } = lineAndColumn(text, from);
  for (const t of all) {
    if (t.startLine === 1) t.startColumn = (t.startColumn ?? 1) + column - 1;
    if (t.endLine === 1) t.endColumn = (t.endColumn ?? 1) + column - 1;
    t.startOffset += from;
    t.endOffset = (t.endOffset ?? t.startOffset) + from;
    t.startLine = (t.startLine ?? 1) + line - 1;
    t.endLine = (t.endLine ?? 1) + line - 1;
  }
  const errors = slice.errors.map((e) => ({
    ...e,
    offset: e.offset + from,
    line: e.line === undefined ? undefined : e.line + line - 1,
    column: e.column === undefined || e.line !== 1 ? e.column : e.column + column - 1,
  }));
  return { tokens: slice.tokens, comments: slice.comments, errors };
}

/** Moves old tokens (in place) and lexing errors at or after `resume` (old offsets) to their places in the new text. */
function movers(oldText: string, text: string, resume: number, shift: number): { moveToken(t: IToken): IToken; moveError(e: ILexingError): ILexingError } {
  const before = lineAndColumn(oldText, resume);
  const after = lineAndColumn(text, resume + shift);
  const lineShift = after.line - before.line;
  const columnShift = after.column - before.column;
  if (shift === 0 && lineShift === 0 && columnShift === 0) return { moveToken: (t) => t, moveError: (e) => e };
  const line = (n: number | undefined): number | undefined => (n === undefined ? undefined : n + lineShift);
  const column = (n: number | undefined, onLine: number | undefined): number | undefined =>
    n === undefined || onLine !== before.line ? n : n + columnShift;
  return {
    moveToken: (t) => {
      t.startColumn = column(t.startColumn, t.startLine);
      t.endColumn = column(t.endColumn, t.endLine);
      t.startLine = line(t.startLine);
      t.endLine = line(t.endLine);
      t.startOffset += shift;
      t.endOffset = t.endOffset === undefined ? undefined : t.endOffset + shift;
      return t;
    },
    moveError: (e) => ({ ...e, offset: e.offset + shift, line: line(e.line), column: column(e.column, e.line) }),
  };
}

/** The 1-based line and column of `offset` in `text`. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
