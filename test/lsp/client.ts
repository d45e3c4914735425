/**
 * A language client for the tests: starts the real server (`node bin/nnc.js lsp --stdio`, from the
 * built `dist/`) and speaks LSP to it over stdio, as an editor does.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from "vscode-jsonrpc/node.js";
import type {
  Diagnostic,
  InitializeResult,
  Position,
  PublishDiagnosticsParams,
  Range,
  TextDocumentContentChangeEvent,
} from "vscode-languageserver-protocol";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const BIN = `${ROOT}bin/nnc.js`;

export class TestClient {
  readonly connection: MessageConnection;
  /** Every `window/logMessage` the server sent. */
  readonly logs: string[] = [];
  private readonly versions = new Map<string, number>();
  private readonly published = new Map<string, PublishDiagnosticsParams[]>();
  private readonly waiters: { uri: string; version?: number; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  stderr = "";

  private constructor(readonly process: ChildProcessWithoutNullStreams) {
    this.connection = createMessageConnection(new StreamMessageReader(process.stdout), new StreamMessageWriter(process.stdin));
    process.stderr.on("data", (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.connection.onNotification("window/logMessage", (p: { message: string }) => this.logs.push(p.message));
    this.connection.onNotification("textDocument/publishDiagnostics", (p: PublishDiagnosticsParams) => {
      const list = this.published.get(p.uri) ?? [];
      list.push(p);
      this.published.set(p.uri, list);
      for (const waiter of [...this.waiters]) {
        if (waiter.uri === p.uri && (waiter.version === undefined || p.version === waiter.version)) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve(p);
        }
      }
    });
    this.connection.onRequest("workspace/configuration", () => []);
    this.connection.onRequest("client/registerCapability", () => null);
    this.connection.listen();
  }

  /** Starts a server and initializes it; `env` is added to this process's environment. */
  static async start(initializationOptions: object = {}, cwd = ROOT, env: Record<string, string> = {}): Promise<TestClient> {
    if (!existsSync(`${ROOT}dist/compiler/lsp/server.js`)) throw new Error("dist/ is not built: run `npm run build` first");
    const child = spawn(process.execPath, [BIN, "lsp", "--stdio"], { cwd, stdio: "pipe", env: { ...process.env, ...env } });
    const client = new TestClient(child);
    const result = await client.request<InitializeResult>("initialize", {
      processId: process.pid,
      rootUri: null,
      capabilities: { textDocument: { publishDiagnostics: { versionSupport: true } } },
      initializationOptions,
    });
    if (!result.capabilities) throw new Error("no capabilities");
    client.connection.sendNotification("initialized", {});
    return client;
  }

  request<T>(method: string, params: object): Promise<T> {
    return this.connection.sendRequest(method, params) as Promise<T>;
  }

  /** Opens a document; resolves with its first diagnostics. */
  open(uri: string, text: string): Promise<PublishDiagnosticsParams> {
    this.versions.set(uri, 1);
    const next = this.nextDiagnostics(uri, 1);
    void this.connection.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "nn", version: 1, text } });
    return next;
  }

  /** Sends one change (incremental when `range` is given); resolves with the diagnostics of the new version. */
  change(uri: string, ...changes: TextDocumentContentChangeEvent[]): Promise<PublishDiagnosticsParams> {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    const next = this.nextDiagnostics(uri, version);
    void this.connection.sendNotification("textDocument/didChange", { textDocument: { uri, version }, contentChanges: changes });
    return next;
  }

  /** Sends a change without waiting for anything. */
  changeNoWait(uri: string, ...changes: TextDocumentContentChangeEvent[]): number {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    void this.connection.sendNotification("textDocument/didChange", { textDocument: { uri, version }, contentChanges: changes });
    return version;
  }

  close(uri: string): void {
    void this.connection.sendNotification("textDocument/didClose", { textDocument: { uri } });
  }

  /** The next diagnostics published for `uri`, or those of `version` (possibly published already). */
  nextDiagnostics(uri: string, version?: number): Promise<PublishDiagnosticsParams> {
    const already = version === undefined ? undefined : this.published.get(uri)?.find((p) => p.version === version);
    if (already) return Promise.resolve(already);
    return new Promise((resolve) => this.waiters.push({ uri, version, resolve }));
  }

  /** The last diagnostics published for `uri`. */
  lastDiagnostics(uri: string): Diagnostic[] | undefined {
    const list = this.published.get(uri);
    return list?.[list.length - 1]?.diagnostics;
  }

  at(uri: string, position: Position) {
    return { textDocument: { uri }, position };
  }

  async shutdown(): Promise<number | null> {
    await this.request("shutdown", {});
    void this.connection.sendNotification("exit");
    return new Promise((resolve) => {
      if (this.process.exitCode !== null) resolve(this.process.exitCode);
      else this.process.on("exit", (code) => resolve(code));
    });
  }

  kill(): void {
    this.connection.dispose();
    this.process.kill();
  }
}

/** The position of the `n`-th occurrence (0-based) of `needle` in `text`, plus `delta` characters. */
export function positionOf(text: string, needle: string, delta = 0, n = 0): Position {
  let at = -1;
  for (let i = 0; i <= n; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`\`${needle}\` not found`);
  }
  const offset = at + delta;
  const before = text.slice(0, offset);
  const line = before.split("\n").length - 1;
  return { line, character: offset - (before.lastIndexOf("\n") + 1) };
}

export function rangeOf(text: string, needle: string, n = 0): Range {
  return { start: positionOf(text, needle, 0, n), end: positionOf(text, needle, needle.length, n) };
}
