/**
 * Random editor edits that insert hostile text into a document — huge numbers, very long identifiers
 * and lines, `use` of devices, FIFOs, folders and oversized files, deep pipelines, text that makes the
 * check fail (through the test-only hook) — against the real server over stdio. The server never
 * dies, answers every request, and always publishes diagnostics for the latest version: `nnc check`'s,
 * or E000 when the check failed.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { TextDocument } from "vscode-languageserver-textdocument";
import type { Diagnostic } from "vscode-languageserver-protocol";
import { checkSource } from "../../compiler/check/check.js";
import { LineIndex } from "../../compiler/lsp/positions.js";
import { TestClient } from "../lsp/client.js";

const MARKER = "@@nnc-hostile-throw@@";
/** A liveness bound, not a speed target. */
const PUBLISH_WITHIN_MS = 20_000;

const PROGRAMS = ["examples/mnist/2_conv_pool.nn", "examples/mnist/1_baseline.nn"].map((f) => readFileSync(f, "utf8"));

let dir: string;
let client: TestClient;
let hostile: string[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "nnc-hostile-edits-"));
  mkdirSync(join(dir, "folder.nn"));
  writeFileSync(join(dir, "huge.nn"), "");
  truncateSync(join(dir, "huge.nn"), 8 * 1024 * 1024 + 4096);
  let fifo: string[] = [];
  try {
    execFileSync("mkfifo", [join(dir, "pipe.nn")], { stdio: "ignore" });
    fifo = [`use "${join(dir, "pipe.nn")}"\n`];
  } catch {
    console.warn("skipped: no FIFO among the hostile texts, mkfifo is not available");
  }
  // (Not /dev/stdin: what it is differs between the server and this process; lsp-use-non-regular covers it.)
  const devices = ["/dev/zero", "/dev/urandom"].filter((d) => existsSync(d)).map((d) => `use "${d}"\n`);
  hostile = [
    ...devices,
    ...fifo,
    `use "${join(dir, "folder.nn")}"\n`,
    `use "${join(dir, "huge.nn")}"\n`,
    `use "${"x".repeat(5000)}.nn"\n`,
    "9".repeat(400),
    "1e999999",
    "-0.000000000000000000000000000000000000000000000000000001",
    `[${"9".repeat(30)}, ${"9".repeat(30)}]`,
    "a".repeat(20_000),
    ` -> ${"b".repeat(3000)}(${"c".repeat(3000)}: 1)`,
    ` -> dense(4, ${Array.from({ length: 400 }, (_, i) => `zz${i}: 1`).join(", ")})`,
    " -> relu".repeat(3000),
    `let v = ${Array(3000).fill("1").join(" + ")}\n`,
    "(".repeat(3000),
    "😀".repeat(500),
    "\u0000\u0001\uffff",
    '"',
    "/*",
    MARKER,
  ];
  client = await TestClient.start({ diagnosticsDelay: 0 }, undefined, { NNC_TEST_THROW_IN_CHECK: MARKER });
});

afterAll(async () => {
  expect(client.process.exitCode).toBeNull();
  expect(client.stderr).toBe("");
  // Only the hook's failures are logged.
  expect(client.logs.filter((l) => l.includes("internal error") && !l.includes("test-only failure"))).toEqual([]);
  expect(await client.shutdown()).toBe(0);
});

type Edit = { hostile: number; at: number; startOfLine: boolean; remove: number };
const edit: fc.Arbitrary<Edit> = fc.record({
  hostile: fc.nat(1000),
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  startOfLine: fc.boolean(),
  remove: fc.oneof(fc.constant(0), fc.nat(60)),
});

function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// The editor shows the message with its label and help below it: the first line is the checker's message.
const summary = (d: Diagnostic) => `${d.code} ${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.message.split("\n")[0]}`;

/** What `nnc check` says about the text, in the editor's coordinates. */
function expected(text: string, path: string): string[] {
  const lines = new LineIndex(text);
  return checkSource(text, path)
    .diagnostics.filter((d) => d.file === path)
    .map((d) => {
      const r = lines.range(d.range);
      return `${d.code} ${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character} ${d.message}`;
    });
}

let runs = 0;

it("never dies and always publishes diagnostics for the latest version through hostile edits", { timeout: 120_000 }, async () => {
  await fc.assert(
    fc.asyncProperty(fc.nat(PROGRAMS.length - 1), fc.array(edit, { minLength: 1, maxLength: 8 }), async (start, steps) => {
      const path = join(dir, `run${runs++}.nn`);
      const uri = pathToFileURL(path).href;
      let doc = TextDocument.create(uri, "nn", 1, PROGRAMS[start]);
      await within(PUBLISH_WITHIN_MS, "diagnostics on open", client.open(uri, doc.getText()));
      for (const step of steps) {
        const text = doc.getText();
        let at = Math.floor(step.at * text.length);
        if (step.startOfLine) at = text.lastIndexOf("\n", at - 1) + 1;
        const change = { range: { start: doc.positionAt(at), end: doc.positionAt(at + step.remove) }, text: hostile[step.hostile % hostile.length] };
        doc = TextDocument.update(doc, [change], doc.version + 1);
        client.changeNoWait(uri, change);
        // A request between edits is answered for the text so far.
        const position = doc.positionAt(Math.floor(step.at * doc.getText().length));
        await within(PUBLISH_WITHIN_MS, "hover", client.request("textDocument/hover", client.at(uri, position)));
      }
      const final = await within(PUBLISH_WITHIN_MS, `diagnostics of version ${doc.version}`, client.nextDiagnostics(uri, doc.version));
      const completion = await within(PUBLISH_WITHIN_MS, "completion", client.request("textDocument/completion", client.at(uri, doc.positionAt(0))));
      expect(completion).toBeDefined();
      client.close(uri);
      if (doc.getText().includes(MARKER)) {
        expect(final.diagnostics.map((d) => d.code)).toEqual(["E000"]);
      } else {
        expect(final.diagnostics.map(summary)).toEqual(expected(doc.getText(), path));
      }
    }),
    { numRuns: 25, interruptAfterTimeLimit: 60_000 },
  );
});
