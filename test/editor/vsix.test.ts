/**
 * The VS Code extension works alone: its .vsix carries the language server. The test builds the
 * extension, packs the .vsix with vsce, unpacks it into an empty folder, and starts the bundled
 * server with nothing but Node on PATH and no nnc installed anywhere near; the server must answer
 * like `nnc lsp` (diagnostics with their codes, hover).
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from "vscode-jsonrpc/node.js";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const EXTENSION = join(ROOT, "editors", "vscode");
const installed = existsSync(join(EXTENSION, "node_modules", "@vscode", "vsce"));
// CI installs the extension's own dependencies (.ci/run): there the test must run, not skip.
const required = process.env.NNC_REQUIRE_EDITOR === "1";

/** Unpacks a .vsix (a zip file) into `to`, with the yauzl that vsce itself depends on. */
async function unzip(file: string, to: string): Promise<void> {
  const yauzl = createRequire(join(EXTENSION, "package.json"))("yauzl") as {
    open(path: string, options: object, callback: (error: Error | null, zip: YauzlZip) => void): void;
  };
  interface YauzlZip {
    readEntry(): void;
    on(event: "entry", listener: (entry: { fileName: string }) => void): void;
    on(event: "end", listener: () => void): void;
    openReadStream(entry: object, callback: (error: Error | null, stream: NodeJS.ReadableStream) => void): void;
  }
  await new Promise<void>((done, fail) => {
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error) return fail(error);
      zip.on("end", done);
      zip.on("entry", (entry) => {
        const target = join(to, entry.fileName);
        if (entry.fileName.endsWith("/")) {
          mkdirSync(target, { recursive: true });
          zip.readEntry();
          return;
        }
        mkdirSync(dirname(target), { recursive: true });
        zip.openReadStream(entry, (err, stream) => {
          if (err) return fail(err);
          const chunks: Buffer[] = [];
          stream.on("data", (c: Buffer) => chunks.push(c));
          stream.on("end", () => {
            writeFileSync(target, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

describe.skipIf(!installed && !required)("the packaged VS Code extension", () => {
  it("carries a language server that runs with nothing else installed", async () => {
    expect(installed, "the extension's dependencies are not installed: run `npm install` in editors/vscode").toBe(true);
    const work = mkdtempSync(join(tmpdir(), "nnc-vsix-"));
    execFileSync("npm", ["run", "build"], { cwd: EXTENSION, stdio: "pipe" });
    const vsix = join(work, "nnc.vsix");
    execFileSync(process.execPath, [join(EXTENSION, "node_modules", "@vscode", "vsce", "vsce"), "package", "--allow-missing-repository", "-o", vsix], { cwd: EXTENSION, stdio: "pipe" });
    const unpacked = join(work, "unpacked");
    await unzip(vsix, unpacked);
    const server = join(unpacked, "extension", "server", "nnc-lsp.js");
    expect(existsSync(server)).toBe(true);
    expect(existsSync(join(unpacked, "extension", "out", "extension.js"))).toBe(true);

    // An empty folder, PATH holding only Node's own folder: no nnc, no node_modules.
    const project = join(work, "project");
    mkdirSync(project);
    const child = spawn(process.execPath, [server, "--stdio"], { cwd: project, env: { PATH: dirname(process.execPath) }, stdio: "pipe" });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const diagnostics = new Promise<{ code?: string | number; message: string }[]>((done) =>
      connection.onNotification("textDocument/publishDiagnostics", (p: { diagnostics: { code?: string | number; message: string }[] }) => done(p.diagnostics)),
    );
    connection.onRequest("workspace/configuration", () => []);
    connection.onRequest("client/registerCapability", () => null);
    connection.listen();
    try {
      await connection.sendRequest("initialize", { processId: process.pid, rootUri: null, capabilities: {} });
      void connection.sendNotification("initialized", {});
      const uri = `file://${project}/net.nn`;
      const text = "model M {\n  input x: [784]\n  x -> dens(10, activation: softmax)\n}\n";
      void connection.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "nn", version: 1, text } });
      const found = await diagnostics;
      expect(found.map((d) => d.code)).toEqual(["E100"]);
      expect(found[0].message).toContain("dens");
      const hover = (await connection.sendRequest("textDocument/hover", { textDocument: { uri }, position: { line: 1, character: 9 } })) as { contents: { value: string } } | null;
      expect(JSON.stringify(hover)).toContain("784");
      await connection.sendRequest("shutdown", {});
      const exited = new Promise((done) => child.once("exit", done));
      await connection.sendNotification("exit");
      await exited;
    } finally {
      connection.dispose();
      if (child.exitCode === null) child.kill();
    }
    expect(stderr).not.toMatch(/Error|Cannot find/);
  }, 120_000);
});
