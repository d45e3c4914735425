/**
 * Where the cursor is, for completion and signature help, read from the tokens before it rather than
 * from the tree: half-typed text (`-> den`, `dense(10, activation: `) is exactly what recovery turns
 * into holes. The scan keeps a stack of open declarations, calls and lists, so it knows which call's
 * which argument, which training key's value, or which pipeline stage is being written.
 */
import type { IToken } from "chevrotain";
import * as T from "../../grammar/tokens.js";

/** An open bracket around the cursor. */
export type Frame =
  | { readonly kind: "body"; readonly decl: "model" | "block" | "train"; currentKey?: string }
  | {
      readonly kind: "call";
      readonly callee: string;
      readonly piped: boolean;
      readonly trainHeader: boolean;
      /** Positional arguments before the one being written. */
      positional: number;
      /** Names of the named arguments before the one being written. */
      readonly named: string[];
      /** The name of the argument being written, after `name:`. */
      currentName?: string;
    }
  | { readonly kind: "params" }
  | { readonly kind: "list" }
  | { readonly kind: "group" };

export type Place =
  /** Between declarations. */
  | { readonly kind: "top" }
  /** After `train` or `train label:`: a model name. */
  | { readonly kind: "trained-model" }
  /** After `->`: a layer or block. */
  | { readonly kind: "stage" }
  /** At the start of a statement in a model or block body. */
  | { readonly kind: "statement" }
  /** Where an expression goes in a body (after `=`, an operator, `(`); `operand` after `+ - * /`. */
  | { readonly kind: "expression"; readonly operand?: boolean }
  /** At the start of a training entry: a key. */
  | { readonly kind: "key" }
  /** The value of a training key (possibly inside its calls and lists, see `frames`). */
  | { readonly kind: "value" }
  /** At the start of an argument of the innermost call: an argument name or a value. */
  | { readonly kind: "argument" }
  /** After `name:` in a call: the value of that argument. */
  | { readonly kind: "argument-value" }
  /** After `:` in a parameter list: a scalar type. */
  | { readonly kind: "param-type" }
  /** Nothing to offer (inside a name being declared, a string, a comment, after a complete value). */
  | { readonly kind: "none" };

export interface CompletionSite {
  readonly place: Place;
  /** The open brackets, outermost first. */
  readonly frames: readonly Frame[];
  /** The word being typed (possibly empty) and where it starts. */
  readonly prefix: string;
  readonly prefixStart: number;
  /**
   * When the innermost open bracket is a call: its arguments after the one being written (read from
   * the text after the cursor up to the call's `)`), so that what they bind is not offered again.
   */
  readonly following?: FollowingArguments;
}

/** The arguments of a call after the cursor's: their names, and how many are positional. */
export interface FollowingArguments {
  readonly names: readonly string[];
  readonly positional: number;
}

/** How far after the cursor the arguments of its call are looked for. */
const FOLLOWING_LIMIT = 4000;

/**
 * Reads the tokens of `text` from `from` (the start of the declaration around the cursor, or 0) up to
 * `offset`, and says what goes at `offset`.
 */
export function completionSite(text: string, offset: number, from = 0): CompletionSite {
  const slice = text.slice(from, offset);
  const lexed = T.NnLexer.tokenize(slice);
  const comments = lexed.groups.comments ?? [];
  let tokens = lexed.tokens;
  const none = (prefixStart = offset): CompletionSite => ({ place: { kind: "none" }, frames: [], prefix: "", prefixStart });

  // In a comment (a line comment or an unclosed block comment reaching the cursor) or a string: nothing.
  const lastComment = comments[comments.length - 1];
  if (lastComment && (lastComment.endOffset ?? 0) + 1 === slice.length && lastComment.tokenType !== T.BlockComment) return none();
  const last = tokens[tokens.length - 1];
  if (last && (last.tokenType === T.UnterminatedString || (last.tokenType === T.StringLiteral && (last.endOffset ?? 0) + 1 === slice.length))) return none();
  if (last && last.tokenType === T.NumberLiteral && (last.endOffset ?? 0) + 1 === slice.length) return none();

  let prefix = "";
  let prefixStart = offset;
  if (last && isWord(last) && (last.endOffset ?? 0) + 1 === slice.length) {
    prefix = last.image;
    prefixStart = from + last.startOffset;
    tokens = tokens.slice(0, -1);
  }

  const frames = scan(tokens);
  const place = placeOf(tokens, frames, slice);
  const top = frames[frames.length - 1];
  const following = top?.kind === "call" && place.kind !== "none" ? followingArguments(text.slice(offset, offset + FOLLOWING_LIMIT)) : undefined;
  return { place, frames, prefix, prefixStart, ...(following ? { following } : {}) };
}

/** Words that start a statement or a declaration: an unclosed call ends before them. */
const STATEMENT_STARTS = new Set(["let", "input", "output", "model", "block", "train", "use"]);

/**
 * The arguments after the one at the start of `rest` (the text after the cursor, inside a call):
 * split at the call's own commas, up to its `)` (or where the call evidently ended unclosed).
 */
function followingArguments(rest: string): FollowingArguments {
  const tokens = T.NnLexer.tokenize(rest).tokens;
  const names: string[] = [];
  let positional = 0;
  let depth = 0;
  // The argument being written (the first segment) is skipped; `start` is where a later one begins.
  let start = -1;
  const close = (end: number): void => {
    if (start < 0 || end <= start) return;
    if (end - start >= 2 && isWord(tokens[start]) && tokens[start + 1].image === ":") names.push(tokens[start].image);
    else positional++;
  };
  let i = 0;
  for (; i < tokens.length; i++) {
    const image = tokens[i].image;
    // Braces, `;` and statement keywords never occur inside a call: an unclosed call ends there.
    if (image === "{" || image === "}" || image === ";" || STATEMENT_STARTS.has(image) || (depth === 0 && (image === ")" || image === "]"))) break;
    if (image === "(" || image === "[") depth++;
    else if (image === ")" || image === "]") depth--;
    else if (image === "," && depth === 0) {
      close(i);
      start = i + 1;
    }
  }
  close(i);
  return { names, positional };
}

function isWord(t: IToken): boolean {
  return t.tokenType === T.Identifier || T.KEYWORDS.some((k) => k === t.image);
}

function kindOf(t: IToken | undefined): string {
  return t ? t.image : "";
}

/** The stack of open brackets after `tokens`. */
function scan(tokens: readonly IToken[]): Frame[] {
  const frames: Frame[] = [];
  let declKeyword: "model" | "block" | "train" | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const image = tokens[i].image;
    const top = frames[frames.length - 1];
    if (frames.length === 0 && (image === "model" || image === "block" || image === "train" || image === "use")) {
      declKeyword = image === "use" ? undefined : image;
    }
    if (image === "{") {
      frames.push(frames.length === 0 && declKeyword ? { kind: "body", decl: declKeyword } : { kind: "group" });
    } else if (image === "(") {
      const before = tokens[i - 1];
      if (frames.length === 0 && (declKeyword === "model" || declKeyword === "block")) frames.push({ kind: "params" });
      else if (before && isWord(before)) {
        const arrow = tokens[i - 2]?.image === "->" || (tokens[i - 2]?.image === ":" && tokens[i - 4]?.image === "->");
        frames.push({ kind: "call", callee: before.image, piped: arrow, trainHeader: frames.length === 0 && declKeyword === "train", positional: 0, named: [] });
      } else frames.push({ kind: "group" });
    } else if (image === "[") {
      frames.push({ kind: "list" });
    } else if (image === ")" || image === "]" || image === "}") {
      const want = image === ")" ? ["call", "params", "group"] : image === "]" ? ["list"] : ["body", "group"];
      const at = findLastIndex(frames, (f) => want.includes(f.kind));
      if (at >= 0) frames.length = at;
      if (frames.length === 0 && image === "}") declKeyword = undefined;
    } else if (image === "," && top?.kind === "call") {
      if (top.currentName === undefined) top.positional++;
      else top.named.push(top.currentName);
      top.currentName = undefined;
    } else if (image === ":" && top?.kind === "call" && tokens[i - 1] && isWord(tokens[i - 1]) && isArgStart(tokens, i - 1)) {
      top.currentName = tokens[i - 1].image;
    } else if (image === ":" && top?.kind === "body" && top.decl === "train" && tokens[i - 1] && isWord(tokens[i - 1])) {
      top.currentKey = tokens[i - 1].image;
    }
  }
  return frames;
}

/** Whether `tokens[i]` starts an argument (it follows `(` or `,`). */
function isArgStart(tokens: readonly IToken[], i: number): boolean {
  const before = tokens[i - 1]?.image;
  return before === "(" || before === ",";
}

function findLastIndex<T>(items: readonly T[], test: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i])) return i;
  return -1;
}

/** What goes after `tokens`, given the open brackets. */
function placeOf(tokens: readonly IToken[], frames: readonly Frame[], slice: string): Place {
  const last = tokens[tokens.length - 1];
  const before = tokens[tokens.length - 2];
  const top = frames[frames.length - 1];
  const prev = kindOf(last);
  // Was there a line break between the last token and the cursor? Entries and statements are one a line.
  const newLine = !last || /[\r\n]/.test(slice.slice((last.endOffset ?? 0) + 1));

  if (!top) {
    if (prev === "train" || (prev === ":" && before && isWord(before) && kindOf(tokens[tokens.length - 3]) === "train")) return { kind: "trained-model" };
    if (!last || prev === "}" || prev === ";" || (newLine && !["model", "block", "train", "use", "(", ":", "=", ",", "->"].includes(prev))) return { kind: "top" };
    return { kind: "none" };
  }
  switch (top.kind) {
    case "params":
      return prev === ":" ? { kind: "param-type" } : { kind: "none" };
    case "call": {
      if (prev === "(" || prev === ",") return { kind: "argument" };
      if (prev === ":" && top.currentName !== undefined) return { kind: "argument-value" };
      return isOperator(prev) ? { kind: "expression", operand: true } : { kind: "none" };
    }
    case "list":
      return prev === "[" || prev === "," ? { kind: frames.some((f) => f.kind === "body" && f.decl === "train") ? "value" : "expression" } : { kind: "none" };
    case "group":
      return isOperator(prev) ? { kind: "expression", operand: true } : prev === "(" ? { kind: "expression" } : { kind: "none" };
    case "body":
      if (top.decl === "train") {
        if (prev === "{" || prev === ";" || (newLine && prev !== ":")) return { kind: "key" };
        if (prev === ":" && top.currentKey !== undefined && before && isWord(before)) return { kind: "value" };
        return isOperator(prev) ? { kind: "value" } : { kind: "none" };
      }
      if (prev === "->" || (prev === ":" && before && isWord(before) && kindOf(tokens[tokens.length - 3]) === "->")) return { kind: "stage" };
      if (prev === "{" || prev === ";" || (newLine && !isOperator(prev) && prev !== ":" && prev !== "let" && prev !== "input" && prev !== "output")) return { kind: "statement" };
      if (prev === "=" || isOperator(prev) || prev === "output") return { kind: "expression" };
      return { kind: "none" };
  }
}

function isOperator(image: string): boolean {
  return image === "+" || image === "-" || image === "*" || image === "/" || image === "=";
}
