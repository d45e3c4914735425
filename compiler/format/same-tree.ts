/** Compares two syntax trees ignoring positions: the formatter's proof that it changed only layout. */
import type { SourceFile } from "../ast.js";

/** The tree without ranges, and the comments' texts in order. */
export function shape(file: SourceFile): unknown {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (value && typeof value === "object") {
      return Object.fromEntries(
        Object.entries(value)
          .filter(([key, v]) => key !== "range" && key !== "path" && v !== undefined)
          .map(([key, v]) => [key, key === "comments" ? (v as { text: string }[]).map((c) => c.text.trimEnd()) : strip(v)]),
      );
    }
    return value;
  };
  return strip(file);
}

export function sameTree(a: SourceFile, b: SourceFile): boolean {
  return JSON.stringify(shape(a)) === JSON.stringify(shape(b));
}
