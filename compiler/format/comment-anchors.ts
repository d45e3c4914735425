/**
 * Where a comment is, as the formatter must keep it: its *anchor*.
 *
 * Every comment lies between two consecutive tokens (comments aside) of its file, or before the
 * first, or after the last. Its anchor is
 * - `after`: the index of the token before it (−1 when there is none), counting only the tokens the
 *   layout keeps (it drops `;`, trailing commas and a model's or training's empty `()`; a comment next
 *   to a dropped token is anchored to the kept token before it);
 * - `trailing`: whether it starts on the line where that token ends — with only spaces, and
 *   comments that do not span lines, between them. A trailing comment follows its token on that
 *   token's line; any other comment is an own-line comment, which precedes the token after it.
 *
 * The formatter keeps every comment's anchor: the same comments, in the same order, each after the
 * same token and before the next one, trailing exactly when it was.
 */
import type { IToken } from "chevrotain";
import type * as A from "../../grammar/ast.js";
import { tokenEnd } from "../../grammar/positions.js";

export interface Anchor {
  readonly after: number;
  readonly trailing: boolean;
}

/** The anchors of `comments` among `tokens` (every one of them kept), in order. Linear. */
export function anchorsOf(text: string, tokens: readonly IToken[], comments: readonly A.Comment[]): Anchor[] {
  const anchors: Anchor[] = [];
  let after = -1;
  let from = 0;
  let trailing = false;
  for (const c of comments) {
    const start = c.range.start.offset;
    if (after + 1 < tokens.length && tokens[after + 1].startOffset < start) {
      while (after + 1 < tokens.length && tokens[after + 1].startOffset < start) after++;
      from = tokenEnd(tokens[after]);
      trailing = true;
    }
    if (trailing) {
      for (let i = from; i < start; i++) {
        if (text.charCodeAt(i) === 10) {
          trailing = false;
          break;
        }
      }
      from = start;
    }
    anchors.push({ after, trailing });
  }
  return anchors;
}

export function sameAnchors(a: readonly Anchor[], b: readonly Anchor[]): boolean {
  return a.length === b.length && a.every((x, i) => x.after === b[i].after && x.trailing === b[i].trailing);
}
