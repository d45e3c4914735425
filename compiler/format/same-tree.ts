/**
 * Compares two syntax trees ignoring positions: the formatter's proof that it changed only layout.
 * The walk keeps its own stack, since a chain of 10,000 stages is a tree 10,000 deep.
 */
import type { SourceFile } from "../../grammar/ast.js";

/** Keys that hold where a node is, not what it is. */
const POSITION_KEYS = new Set(["range", "path"]);

/** Whether the trees are equal apart from ranges, with the same comments (trailing spaces aside) in order. */
export function sameTree(a: SourceFile, b: SourceFile): boolean {
  const commentTexts = (file: SourceFile): string[] => file.comments.map((c) => c.text.trimEnd());
  const ca = commentTexts(a);
  const cb = commentTexts(b);
  if (ca.length !== cb.length || ca.some((text, i) => text !== cb[i])) return false;
  const pending: [unknown, unknown][] = [[a.decls, b.decls]];
  for (let pair = pending.pop(); pair; pair = pending.pop()) {
    const [x, y] = pair;
    if (x === y) continue;
    if (typeof x !== "object" || typeof y !== "object" || x === null || y === null) return false;
    if (Array.isArray(x) !== Array.isArray(y)) return false;
    if (Array.isArray(x) && Array.isArray(y)) {
      if (x.length !== y.length) return false;
      for (let i = 0; i < x.length; i++) pending.push([x[i], y[i]]);
      continue;
    }
    const kx = keysOf(x);
    const ky = keysOf(y);
    if (kx.length !== ky.length || kx.some((k, i) => k !== ky[i])) return false;
    for (const k of kx) pending.push([(x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k]]);
  }
  return true;
}

/** An object's keys that say what it is: defined values, positions left out, sorted. */
function keysOf(value: object): string[] {
  return Object.entries(value)
    .filter(([key, v]) => !POSITION_KEYS.has(key) && v !== undefined)
    .map(([key]) => key)
    .sort();
}
