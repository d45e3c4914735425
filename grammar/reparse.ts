/**
 * Reparsing a file after an edit, for the language server: only the declarations whose text the edit
 * touched are parsed again. The file is lexed afresh (so a string or comment opened by the edit is
 * seen wherever it reaches) and split into declaration chunks as `parse` does; a chunk whose whole
 * extent lies in the text before or after the edit, and that the previous parse built without a
 * diagnostic, keeps its declaration nodes, moved to their new offsets. Everything else, diagnostics
 * included, is computed as `parse` computes it, so the result equals `parse(text, path)`.
 *
 * The previous result must not be used afterwards: the nodes it shares with the new one have moved.
 */
import { chunksOf, parse, parseReusing, type Chunk, type ParseResult } from "./parse.js";
import { positionsIn, type MutablePosition } from "./relocate.js";
import { lineAndColumn, relex } from "./relex.js";
import { textChange } from "./text-change.js";


/** Parses `text`, the new text of the file `previous` was parsed from, reusing what the edit left alone. */
export function reparse(previous: ParseResult, text: string, path: string): ParseResult {
  const earlier = chunksOf(previous.file);
  if (!earlier || previous.file.path !== path) return parse(text, path);
  const change = textChange(earlier.text, text);
  const shift = change.newEnd - change.oldEnd;
  // A same-length edit that moves no line break leaves every later position where it was.
  const positionsKept = shift === 0 && sameLineBreaks(earlier.text.slice(change.start, change.oldEnd), text.slice(change.start, change.newEnd));
  // After the change, text moves by `shift` characters and whole lines by `lineShift`; only what
  // shares a line with the change's end also moves sideways.
  const oldEnd = lineAndColumn(earlier.text, change.oldEnd);
  const newEnd = lineAndColumn(text, change.newEnd);
  const lineShift = newEnd.line - oldEnd.line;
  const move = (p: MutablePosition): void => {
    if (p.line === oldEnd.line) p.column += newEnd.column - oldEnd.column;
    p.line += lineShift;
    p.offset += shift;
  };
  const byStart = new Map<number, Chunk>();
  for (const chunk of earlier.chunks) if (chunk.clean) byStart.set(chunk.start, chunk);

  const lexed = relex(earlier.lexed, earlier.text, text, change);
  return parseReusing(text, path, lexed, (extent) => {
    // Strictly before or after the change, so that the tokens at the chunk's edges are unchanged too.
    const before = extent.end < change.start;
    const after = extent.start > change.newEnd;
    if (!before && !after) return undefined;
    const delta = before ? 0 : shift;
    const old = byStart.get(extent.start - delta);
    if (!old || old.end !== extent.end - delta || old.tokenCount !== extent.tokenCount) return undefined;
    if (after && !positionsKept) {
      old.positions ??= positionsIn(old.decls);
      for (const position of old.positions) move(position);
    }
    return old;
  });
}

/** Whether two texts of the same length break lines at the same places. */
function sameLineBreaks(a: string, b: string): boolean {
  for (let i = a.indexOf("\n"); i >= 0; i = a.indexOf("\n", i + 1)) if (b.charCodeAt(i) !== 10) return false;
  for (let i = b.indexOf("\n"); i >= 0; i = b.indexOf("\n", i + 1)) if (a.charCodeAt(i) !== 10) return false;
  return true;
}
