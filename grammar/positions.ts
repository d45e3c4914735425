/**
 * Offsets to positions. Lines end at `\n` only (a `\r` before it is part of the line), columns count
 * UTF-16 code units from 1, offsets from 0. Every range the grammar produces is derived from offsets
 * through one `LineMap`, so lines and columns always agree with offsets, whatever recovery did.
 */
import type { IToken } from "chevrotain";
import type { Position, Range } from "./ast.js";

/** The offset just after a token's last character. */
export function tokenEnd(t: IToken): number {
  return (t.endOffset ?? t.startOffset) + 1;
}

export class LineMap {
  private readonly starts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) this.starts.push(i + 1);
  }

  /** The position of `offset`, clamped into the text. */
  position(offset: number): Position {
    const at = Math.max(0, Math.min(Number.isFinite(offset) ? offset : this.text.length, this.text.length));
    const line = lineContaining(this.starts, at);
    return { line: line + 1, column: at - this.starts[line] + 1, offset: at };
  }

  /** The half-open range `[start, end)`. */
  range(start: number, end: number): Range {
    return { start: this.position(start), end: this.position(Math.max(start, end)) };
  }

  /** The range a token covers. */
  token(t: IToken): Range {
    return this.range(t.startOffset, tokenEnd(t));
  }

  /** The text between two offsets. */
  slice(start: number, end: number): string {
    return this.text.slice(start, end);
  }

  /** A zero-width range at `offset`. */
  point(offset: number): Range {
    const p = this.position(offset);
    return { start: p, end: p };
  }
}

/** The index of the line that contains `offset`, given each line's start offset (ascending, from 0). */
export function lineContaining(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
