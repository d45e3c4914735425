/**
 * Moving parsed declarations to where their text now is. When an edit shifts a declaration without
 * changing its text, `reparse` keeps the declaration's nodes (so caches keyed by them stay valid)
 * and rewrites every position inside them in place. This is the one place that writes to AST
 * positions; anything sharing a position object with the tree (a graph's locations, a value's
 * range) moves with it.
 */
import type { Position } from "./ast.js";

export type MutablePosition = { -readonly [K in keyof Position]: Position[K] };

/**
 * Every position reachable from `roots`, each once however often it is shared: what `reparse` moves.
 * The walk keeps its own stack: a chain of stages or operators is a tree as deep as it is long.
 */
export function positionsIn(roots: readonly object[]): MutablePosition[] {
  const found = new Set<MutablePosition>();
  const pending: object[] = [...roots];
  for (let value = pending.pop(); value; value = pending.pop()) {
    if (Array.isArray(value)) {
      for (const item of value) if (typeof item === "object" && item !== null) pending.push(item);
    } else if (typeof (value as Partial<Position>).offset === "number") {
      found.add(value as MutablePosition);
    } else {
      for (const key in value) {
        const child = (value as Record<string, unknown>)[key];
        if (typeof child === "object" && child !== null) pending.push(child);
      }
    }
  }
  return [...found];
}
