/**
 * Moving parsed declarations to where their text now is. When an edit shifts a declaration without
 * changing its text, `reparse` keeps the declaration's nodes (so caches keyed by them stay valid)
 * and rewrites every position inside them in place. This is the one place that writes to AST
 * positions; anything sharing a position object with the tree (a graph's locations, a value's
 * range) moves with it.
 */
import type { Position } from "../compiler/ast.js";

type MutablePosition = { -readonly [K in keyof Position]: Position[K] };

function isPosition(value: object): value is MutablePosition {
  return typeof (value as Partial<Position>).offset === "number" && typeof (value as Partial<Position>).line === "number";
}

/**
 * Rewrites every position reachable from `roots` (each position once, however often it is shared)
 * to `move(old offset)`.
 */
export function relocate(roots: readonly object[], move: (offset: number) => Position): void {
  const seen = new Set<object>();
  const visit = (value: unknown): void => {
    if (typeof value !== "object" || value === null || seen.has(value)) return;
    seen.add(value);
    if (isPosition(value)) {
      const moved = move(value.offset);
      value.offset = moved.offset;
      value.line = moved.line;
      value.column = moved.column;
    } else if (Array.isArray(value)) {
      for (const item of value) visit(item);
    } else {
      for (const key in value) visit((value as Record<string, unknown>)[key]);
    }
  };
  for (const root of roots) visit(root);
}
