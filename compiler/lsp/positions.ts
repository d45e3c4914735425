/**
 * Positions as the editor counts them. LSP positions are 0-based lines and UTF-16 columns, and a line
 * ends at `\n`, `\r\n` or a lone `\r`; the compiler's ranges carry 0-based offsets into the same text,
 * so every conversion goes through offsets and one `LineIndex` per text. (The compiler's own 1-based
 * lines end at `\n` only; they are never used here.)
 */
import type { Position as LspPosition, Range as LspRange } from "vscode-languageserver";
import { lineContaining } from "../../grammar/positions.js";
import type { Range } from "../../grammar/ast.js";

export class LineIndex {
  /** The offset at which each line starts. */
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 13 /* \r */) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      } else if (c === 10 /* \n */) {
        this.starts.push(i + 1);
      }
    }
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** The editor position of an offset, clamped into the text. */
  positionAt(offset: number): LspPosition {
    let at = Math.max(0, Math.min(Number.isFinite(offset) ? Math.floor(offset) : 0, this.text.length));
    // Between the `\r` and `\n` of a line break is still the end of the line.
    if (at > 0 && this.text.charCodeAt(at - 1) === 13 && this.text.charCodeAt(at) === 10) at--;
    const line = lineContaining(this.starts, at);
    return { line, character: at - this.starts[line] };
  }

  /**
   * The offset of an editor position. A line past the end gives the text's length; a character past
   * the end of its line gives the end of the line (before its line break), as the protocol asks.
   */
  offsetAt(position: LspPosition): number {
    const line = Math.floor(position.line);
    if (!(line >= 0)) return 0;
    if (line >= this.starts.length) return this.text.length;
    const start = this.starts[line];
    let end = line + 1 < this.starts.length ? this.starts[line + 1] : this.text.length;
    // The line break is not part of the line.
    if (end > start && this.text.charCodeAt(end - 1) === 10) end--;
    if (end > start && this.text.charCodeAt(end - 1) === 13) end--;
    const character = Math.floor(position.character);
    return character >= 0 ? Math.min(start + character, end) : start;
  }

  /** The editor range of a compiler range. */
  range(range: Range): LspRange {
    return { start: this.positionAt(range.start.offset), end: this.positionAt(range.end.offset) };
  }

  /** The editor range of the offsets `[start, end)`. */
  span(start: number, end: number): LspRange {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }
}

/** Whether `offset` lies in `range`, its end included (a cursor just after a name is on the name). */
export function touches(range: Range, offset: number): boolean {
  return range.start.offset <= offset && offset <= range.end.offset;
}
