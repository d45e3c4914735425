/**
 * Fuzzing the server: thousands of random edits — insertions, deletions, pastes of other programs —
 * each followed by a random request at a random position. The server must answer every request,
 * never log an internal error, and end with the diagnostics `nnc check` gives for the final text.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { TextDocument } from "vscode-languageserver-textdocument";
import type { Diagnostic } from "vscode-languageserver-protocol";
import { checkSource } from "../../compiler/check/check.js";
import { LineIndex } from "../../compiler/lsp/positions.js";
import { TestClient } from "./client.js";

const FOLDERS = ["../shared/acceptance/ok", "../shared/acceptance/errors", "examples/mnist"];
const PROGRAMS = FOLDERS.flatMap((folder) => readdirSync(folder).filter((f) => f.endsWith(".nn")).map((f) => readFileSync(join(folder, f), "utf8")));
const SNIPPETS = ["->", " -> dense(10)", "(", ")", "[", "]", "{", "}", ",", ":", "=", "\n", "///", "/*", "*/", '"', "let ", "input ", "model ", "block ", "train ", "use ", "freeze: [", "relu", "-> ", "conv2d(20, kernel: 5", "1e-3", "\r\n", "😀", "\t"];

type Edit = { kind: "insert"; at: number; text: string } | { kind: "delete"; at: number; length: number } | { kind: "paste"; at: number; length: number; program: number; from: number; size: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant("insert" as const), at: fc.double({ min: 0, max: 1, noNaN: true }), text: fc.oneof(fc.constantFrom(...SNIPPETS), fc.string({ maxLength: 8 }), fc.string({ unit: "binary", maxLength: 4 })) }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.double({ min: 0, max: 1, noNaN: true }), length: fc.nat(40) }),
  fc.record({ kind: fc.constant("paste" as const), at: fc.double({ min: 0, max: 1, noNaN: true }), length: fc.nat(20), program: fc.nat(PROGRAMS.length - 1), from: fc.double({ min: 0, max: 1, noNaN: true }), size: fc.nat(200) }),
);

const REQUESTS = ["hover", "completion", "definition", "references", "documentSymbol", "inlayHint", "signatureHelp", "codeAction", "formatting", "prepareRename", "rename"] as const;

let client: TestClient;
let runs = 0;
beforeAll(async () => {
  client = await TestClient.start({ diagnosticsDelay: 0 });
});
afterAll(async () => {
  expect(client.logs.filter((l) => l.includes("internal error"))).toEqual([]);
  expect(client.stderr).toBe("");
  expect(await client.shutdown()).toBe(0);
});

it("answers every request through thousands of random edits, and ends with `nnc check`'s diagnostics", async () => {
  let edits = 0;
  await fc.assert(
    fc.asyncProperty(fc.nat(PROGRAMS.length - 1), fc.array(edit, { minLength: 40, maxLength: 80 }), fc.array(fc.tuple(fc.constantFrom(...REQUESTS), fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 80, maxLength: 80 }), async (start, steps, requests) => {
      const uri = `file:///tmp/nnc-fuzz/run${runs++}.nn`;
      let doc = TextDocument.create(uri, "nn", 1, PROGRAMS[start]);
      await client.open(uri, doc.getText());
      for (const [i, step] of steps.entries()) {
        const text = doc.getText();
        const at = Math.floor(step.at * text.length);
        const change =
          step.kind === "insert"
            ? { range: { start: doc.positionAt(at), end: doc.positionAt(at) }, text: step.text }
            : step.kind === "delete"
              ? { range: { start: doc.positionAt(at), end: doc.positionAt(at + step.length) }, text: "" }
              : { range: { start: doc.positionAt(at), end: doc.positionAt(at + step.length) }, text: slice(PROGRAMS[step.program], step.from, step.size) };
        doc = TextDocument.update(doc, [change], doc.version + 1);
        client.changeNoWait(uri, change);
        edits++;
        const [method, where] = requests[i % requests.length];
        const answer = await send(uri, method, doc.positionAt(Math.floor(where * doc.getText().length)));
        expect(answer).not.toBe("failed");
      }
      const final = await client.nextDiagnostics(uri, doc.version);
      client.close(uri);
      expect(final.diagnostics.map(summary)).toEqual(expected(doc.getText(), uri));
    }),
    { numRuns: 40, interruptAfterTimeLimit: 90_000 },
  );
  expect(edits).toBeGreaterThan(2000);
}, 120_000);

function slice(program: string, from: number, size: number): string {
  const start = Math.floor(from * program.length);
  return program.slice(start, start + size);
}

async function send(uri: string, method: (typeof REQUESTS)[number], position: { line: number; character: number }): Promise<unknown> {
  const textDocument = { uri };
  const range = { start: { line: 0, character: 0 }, end: position };
  try {
    switch (method) {
      case "references":
        return await client.request("textDocument/references", { textDocument, position, context: { includeDeclaration: true } });
      case "documentSymbol":
      case "formatting":
        return await client.request(`textDocument/${method}`, { textDocument, options: { tabSize: 2, insertSpaces: true } });
      case "inlayHint":
        return await client.request("textDocument/inlayHint", { textDocument, range });
      case "codeAction":
        return await client.request("textDocument/codeAction", { textDocument, range, context: { diagnostics: [] } });
      case "rename":
        return await client.request("textDocument/rename", { textDocument, position, newName: "renamed" });
      default:
        return await client.request(`textDocument/${method}`, { textDocument, position });
    }
  } catch (error) {
    return error instanceof Error ? `failed: ${error.message}` : "failed";
  }
}

const summary = (d: Diagnostic) => `${d.code} ${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.message}`;

/** What `nnc check` says about the text, in the editor's coordinates. */
function expected(text: string, uri: string): string[] {
  const path = new URL(uri).pathname;
  const lines = new LineIndex(text);
  return checkSource(text, path)
    .diagnostics.filter((d) => d.file === path)
    .map((d) => {
      const r = lines.range(d.range);
      // The editor's message: the checker's, then its label, notes and help, one a line.
      const message = [d.message, ...(d.label ? [d.label] : []), ...d.notes.map((n) => `note: ${n}`), ...(d.help ? [`help: ${d.help}`] : [])].join("\n");
      return `${d.code} ${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character} ${message}`;
    });
}
