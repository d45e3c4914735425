import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TextDocument } from "vscode-languageserver-textdocument";
import { parse } from "../../grammar/parse.js";
import { LineIndex } from "../../compiler/lsp/positions.js";
import { forEachNode } from "../../compiler/lsp/syntax-tree.js";

/** Texts rich in what makes positions hard: every kind of line break, astral characters, tabs. */
const text = fc.array(fc.oneof(fc.constantFrom("\n", "\r\n", "\r", "😀", "\t", "é", " "), fc.string({ maxLength: 5 })), { maxLength: 30 }).map((parts) => parts.join(""));

describe("LineIndex", () => {
  it("agrees with the protocol's reference implementation on every offset", () => {
    fc.assert(
      fc.property(text, (t) => {
        const lines = new LineIndex(t);
        const reference = TextDocument.create("file:///x.nn", "nn", 1, t);
        expect(lines.lineCount).toBe(reference.lineCount);
        for (let offset = 0; offset <= t.length; offset++) expect(lines.positionAt(offset)).toEqual(reference.positionAt(offset));
      }),
    );
  });

  it("agrees with the reference implementation on every position, including ones past a line's end", () => {
    fc.assert(
      fc.property(text, fc.nat(40), fc.nat(40), (t, line, character) => {
        const lines = new LineIndex(t);
        const reference = TextDocument.create("file:///x.nn", "nn", 1, t);
        expect(lines.offsetAt({ line, character })).toBe(reference.offsetAt({ line, character }));
      }),
    );
  });

  it("maps offsets to positions and back, except inside a \\r\\n pair", () => {
    fc.assert(
      fc.property(text, (t) => {
        const lines = new LineIndex(t);
        for (let offset = 0; offset <= t.length; offset++) {
          if (t[offset - 1] === "\r" && t[offset] === "\n") continue;
          expect(lines.offsetAt(lines.positionAt(offset))).toBe(offset);
        }
      }),
    );
  });

  it("turns the compiler's 1-based lines and columns into 0-based ones when lines end in \\n", () => {
    fc.assert(
      fc.property(text.map((t) => t.replace(/\r/g, "")), (t) => {
        const lines = new LineIndex(t);
        forEachNode(parse(t, "x.nn").file, (node) => {
          const range = lines.range(node.range);
          expect(range.start).toEqual({ line: node.range.start.line - 1, character: node.range.start.column - 1 });
          expect(range.end).toEqual({ line: node.range.end.line - 1, character: node.range.end.column - 1 });
        });
      }),
    );
  });
});
