/**
 * Formatting: exactly `nnc fmt`. A document with syntax errors, or one the formatter cannot lay out
 * safely, is left as it is (no edits).
 */
import type { TextEdit } from "vscode-languageserver";
import { format } from "../format/format.js";
import { LineIndex } from "./positions.js";

export function formatDocument(text: string, path: string): TextEdit[] {
  const result = format(text, path);
  if (!result.changed || result.text === text) return [];
  return [{ range: new LineIndex(text).span(0, text.length), newText: result.text }];
}
