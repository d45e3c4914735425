/**
 * When a check fails and when a request is malformed, against the real server over stdio: a check
 * that throws is published as one E000 diagnostic in place of the previous version's (the editor
 * never keeps stale errors), requests keep being answered, and a request with a null or missing
 * position, range or document is refused with InvalidParams rather than logged as a failure.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorCodes, type Diagnostic } from "vscode-languageserver-protocol";
import { checkSource } from "../../compiler/check/check.js";
import { TestClient } from "./client.js";

const BROKEN = "model M {\n  input x: [4]\n  x -> dense(4, activation: rleu)\n}\n";
const GOOD = "model M {\n  input x: [4]\n  x -> dense(4, activation: relu)\n}\n";
/** Inputs on which the checker's stack overflowed (a 5,000-stage pipeline, a 50,000-term sum). */
const DEEP = [
  `model M {\n  input x: [4]\n  x${" -> relu".repeat(5000)}\n}\n`,
  `model M {\n  input x: [4]\n  let a = ${Array(50_000).fill("1").join(" + ")}\n  x -> dense(a)\n}\n`,
];
const MARKER = "@@nnc-test-throw@@";

let dir: string;
const uriOf = (name: string): string => pathToFileURL(join(dir, name)).href;
const codes = (diagnostics: readonly { readonly code?: unknown }[]): string[] => diagnostics.map((d) => String(d.code));

/** The one E000 a failed check publishes: at the very start, asking to report it. */
function expectInternalError(diagnostics: readonly Diagnostic[]): void {
  expect(diagnostics).toHaveLength(1);
  expect(diagnostics[0]).toMatchObject({ code: "E000", severity: 1, source: "nnc", range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } });
  // The checker's message, then its note, one a line (as every diagnostic's message is composed).
  expect(diagnostics[0].message).toMatch(/^internal error: .+ \(please report\)\nnote: nnc could not check this file; the other diagnostics of this file are not shown$/s);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "nnc-lsp-failures-"));
});

describe("a check that throws", () => {
  let client: TestClient;
  beforeAll(async () => {
    client = await TestClient.start({ diagnosticsDelay: 0 }, undefined, { NNC_TEST_THROW_IN_CHECK: MARKER });
  });
  afterAll(async () => {
    expect(await client.shutdown()).toBe(0);
  });

  // These overflowed the checker's stack when this test was written (so `nnc check` crashed and the
  // editor kept the previous version's errors); the checker may handle them since. Either way the
  // version's diagnostics replace the previous ones: the checker's, or E000 if it throws.
  it("on inputs that overflowed the checker's stack: publishes the version's diagnostics, never the previous ones", { timeout: 30_000 }, async () => {
    const uri = uriOf("deep.nn");
    let version = 1;
    expect(codes((await client.open(uri, BROKEN)).diagnostics)).toEqual(["E100"]);
    for (const text of DEEP) {
      const published = await client.change(uri, { text });
      expect(published.version).toBe(++version);
      if (codes(published.diagnostics).includes("E000")) expectInternalError(published.diagnostics);
      else expect(codes(published.diagnostics)).toEqual(codes(checkSource(text, join(dir, "deep.nn")).diagnostics.filter((d) => d.file === join(dir, "deep.nn"))));
      expect(codes(published.diagnostics)).not.toContain("E100");
      // The server keeps answering, and the next version is checked as usual.
      expect(await client.request("textDocument/completion", client.at(uri, { line: 2, character: 4 }))).toBeDefined();
      expect(codes((await client.change(uri, { text: BROKEN })).diagnostics)).toEqual(["E100"]);
      version++;
    }
    expect(codes((await client.change(uri, { text: GOOD })).diagnostics)).toEqual([]);
  });

  it("through the test-only hook: E000 at the start, requests answered empty, the failure logged once, recovery on the next edit", async () => {
    const uri = uriOf("hook.nn");
    expect(codes((await client.open(uri, BROKEN)).diagnostics)).toEqual(["E100"]);
    const logsBefore = client.logs.length;
    const failed = await client.change(uri, { text: `// ${MARKER}\n${BROKEN}` });
    expectInternalError(failed.diagnostics);
    expect(failed.diagnostics[0].message).toContain("test-only failure");
    const at = client.at(uri, { line: 3, character: 8 });
    expect(await client.request("textDocument/hover", at)).toBeNull();
    expect(await client.request("textDocument/completion", at)).toEqual([]);
    expect(await client.request("textDocument/documentSymbol", { textDocument: { uri } })).toEqual([]);
    expect(await client.request("textDocument/references", { ...at, context: { includeDeclaration: true } })).toEqual([]);
    const logged = client.logs.slice(logsBefore).filter((l) => l.includes("nnc internal error"));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain("test-only failure");

    // Another open document keeps its own diagnostics and answers.
    const other = uriOf("other.nn");
    expect(codes((await client.open(other, BROKEN)).diagnostics)).toEqual(["E100"]);
    expect(await client.request("textDocument/references", { ...client.at(other, { line: 1, character: 9 }), context: { includeDeclaration: true } })).not.toEqual([]);

    const fixed = await client.change(uri, { text: BROKEN });
    expect(codes(fixed.diagnostics)).toEqual(["E100"]);
    expect(await client.request("textDocument/hover", client.at(uri, { line: 2, character: 8 }))).not.toBeNull();
  });
});

describe("malformed requests", () => {
  let client: TestClient;
  beforeAll(async () => {
    client = await TestClient.start({ diagnosticsDelay: 0 });
  });
  afterAll(async () => {
    expect(client.logs.filter((l) => l.includes("internal error"))).toEqual([]);
    expect(await client.shutdown()).toBe(0);
  });

  it("are refused with InvalidParams, never logged as internal errors, and the server goes on", async () => {
    const uri = uriOf("params.nn");
    await client.open(uri, BROKEN);
    const textDocument = { uri };
    const position = { line: 2, character: 8 };
    const range = { start: position, end: position };
    const malformed: [string, object][] = [
      ["textDocument/hover", { textDocument, position: null }],
      ["textDocument/hover", { textDocument }],
      ["textDocument/hover", { textDocument: null, position }],
      ["textDocument/hover", { textDocument, position: { line: -1, character: 0 } }],
      ["textDocument/hover", { textDocument, position: { line: "2", character: 0 } }],
      ["textDocument/hover", { textDocument, position: { line: 1.5, character: 0 } }],
      ["textDocument/completion", { textDocument, position: null }],
      ["textDocument/signatureHelp", { textDocument, position: null }],
      ["textDocument/definition", { textDocument, position: {} }],
      ["textDocument/references", { textDocument, position: null, context: { includeDeclaration: true } }],
      ["textDocument/references", { textDocument, position }],
      ["textDocument/prepareRename", { textDocument, position: null }],
      ["textDocument/rename", { textDocument, position, newName: 3 }],
      ["textDocument/rename", { textDocument, position: null, newName: "x" }],
      ["textDocument/documentSymbol", { textDocument: { uri: null } }],
      ["textDocument/formatting", { textDocument: null, options: { tabSize: 2, insertSpaces: true } }],
      ["textDocument/codeAction", { textDocument, range: null, context: { diagnostics: [] } }],
      ["textDocument/codeAction", { textDocument, range: { start: position, end: null }, context: { diagnostics: [] } }],
      ["textDocument/inlayHint", { textDocument, range: null }],
      ["textDocument/inlayHint", { textDocument, range: { start: null, end: position } }],
    ];
    for (const [method, params] of malformed) {
      const refused = await client.request(method, params).then(
        () => undefined,
        (error: { code?: number; message?: string }) => error,
      );
      expect(refused, `${method} ${JSON.stringify(params)}`).toMatchObject({ code: ErrorCodes.InvalidParams, message: expect.stringMatching(/^invalid params: /) });
    }
    // Well-formed requests still answer, positions past the end are clamped as before.
    expect(await client.request("textDocument/hover", { textDocument, position })).not.toBeNull();
    expect(await client.request("textDocument/completion", { textDocument, position: { line: 99, character: 99 } })).toBeDefined();
    expect(await client.request("textDocument/inlayHint", { textDocument, range })).toEqual([]);
  });
});
