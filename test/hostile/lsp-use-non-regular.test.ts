/**
 * `use` of things that are not `.nn` files, typed in the editor, against the real server over stdio.
 * Before, typing `use "/dev/zero"` stopped every answer (7.9 GB after 20 s) and a FIFO blocked the
 * server forever. Now each keystroke's version gets its diagnostics (E107 once the path names a
 * device, a FIFO, a folder or a file over the cap), and hover and completion keep answering.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Diagnostic, PublishDiagnosticsParams } from "vscode-languageserver-protocol";
import { TestClient } from "../lsp/client.js";

/** A liveness bound, not a speed target: before the fix these never answered. */
const ANSWER_WITHIN_MS = 10_000;

const PROGRAM = "model M {\n  input x: [4]\n  x -> dense(4, activation: relu)\n}\n";

let dir: string;
let client: TestClient;
const targets: { path: string; problem: RegExp }[] = [];

function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "nnc-hostile-lsp-use-"));
  mkdirSync(join(dir, "folder.nn"));
  writeFileSync(join(dir, "huge.nn"), "");
  truncateSync(join(dir, "huge.nn"), 9 * 1024 * 1024);
  targets.push({ path: join(dir, "folder.nn"), problem: /it is a folder, not a file$/ }, { path: join(dir, "huge.nn"), problem: /it is 9 MB; a `\.nn` file nnc reads is at most 8 MB$/ });
  for (const device of ["/dev/zero", "/dev/urandom"]) if (existsSync(device)) targets.push({ path: device, problem: /it is a character device, not a file$/ });
  // The server's own stdin is the editor's pipe: reading it would eat the protocol.
  if (existsSync("/dev/stdin")) targets.push({ path: "/dev/stdin", problem: /it is a (FIFO \(named pipe\)|socket|character device), not a file$/ });
  try {
    execFileSync("mkfifo", [join(dir, "pipe.nn")], { stdio: "ignore" });
    targets.push({ path: join(dir, "pipe.nn"), problem: /it is a FIFO \(named pipe\), not a file$/ });
  } catch (error) {
    console.warn(`skipped: no FIFO target, mkfifo is not available (${error instanceof Error ? error.message : String(error)})`);
  }
  client = await TestClient.start({ diagnosticsDelay: 0 });
});

afterAll(async () => {
  expect(client.logs.filter((l) => l.includes("internal error"))).toEqual([]);
  expect(client.stderr).toBe("");
  expect(await client.shutdown()).toBe(0);
});

const e107 = (diagnostics: readonly Diagnostic[]) => diagnostics.filter((d) => d.code === "E107");

describe("typing `use` of a non-regular file in the editor", () => {
  it("publishes every keystroke's diagnostics, E107 for the whole path, and keeps answering hover and completion", { timeout: 60_000 }, async () => {
    const uri = pathToFileURL(join(dir, "net.nn")).href;
    await client.open(uri, PROGRAM);
    let version = 1;
    for (const target of targets) {
      const line = `use ${JSON.stringify(target.path)}\n`;
      // Typed one character at a time at the top of the file, as an editor sends it.
      let last: Promise<PublishDiagnosticsParams> | undefined;
      for (let i = 0; i < line.length; i++) {
        const at = { line: 0, character: i };
        last = client.change(uri, { range: { start: at, end: at }, text: line[i] });
        version++;
      }
      const published = await within(ANSWER_WITHIN_MS, `diagnostics after typing ${line.trim()}`, last!);
      expect(published.version).toBe(version);
      const found = e107(published.diagnostics);
      expect(found, target.path).toHaveLength(1);
      expect(found[0].message.split("\n")[0]).toMatch(target.problem);
      expect(found[0].range.start.line).toBe(0);

      const inBody = { line: 3, character: 10 };
      const hover = await within(ANSWER_WITHIN_MS, "hover", client.request<{ contents: unknown } | null>("textDocument/hover", client.at(uri, inBody)));
      expect(hover).not.toBeNull();
      const completion = await within(ANSWER_WITHIN_MS, "completion", client.request<unknown[]>("textDocument/completion", client.at(uri, { line: 3, character: 7 })));
      expect(completion).toBeDefined();

      // Deleting the line takes the E107 away.
      const cleared = await within(ANSWER_WITHIN_MS, "diagnostics after deleting the line", client.change(uri, { range: { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } }, text: "" }));
      version++;
      expect(e107(cleared.diagnostics)).toEqual([]);
    }
  });
});
