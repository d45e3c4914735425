#!/usr/bin/env node
// Benchmark: the language server's latency on a generated ~2,000-line file, measured as an editor
// sees it, over stdio against the real server process: from a `didChange` to the `publishDiagnostics`
// of that version, and the round trip of `hover` and `completion`. Prints p50/p95 against the targets
// (p95 < 30 ms for diagnostics, < 10 ms for hover and completion).
// Run after `npm run build`:  node bench/lsp-latency.mjs [LINES] [EDITS]
import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from "vscode-jsonrpc/node.js";
import { generate } from "./generated-program.mjs";

const lines = Number(process.argv[2] ?? 2000);
const edits = Number(process.argv[3] ?? 60);
const root = fileURLToPath(new URL("..", import.meta.url));

function percentile(samples, p) {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const text = generate(lines);
const textLines = text.split("\n");
const server = spawn(process.execPath, [`${root}bin/nnc.js`, "lsp", "--stdio"], { cwd: root, stdio: ["pipe", "pipe", "inherit"] });
const connection = createMessageConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin));
const waiting = new Map();
connection.onNotification("textDocument/publishDiagnostics", (p) => {
  waiting.get(p.version)?.(p);
  waiting.delete(p.version);
});
connection.onNotification("window/logMessage", (p) => process.stderr.write(`server: ${p.message}\n`));
connection.listen();

const uri = pathToFileURL(`${root}bench/generated-lsp.nn`).href;
await connection.sendRequest("initialize", { processId: process.pid, rootUri: null, capabilities: {} });
await connection.sendNotification("initialized", {});
const published = (version) => new Promise((resolve) => waiting.set(version, resolve));
let version = 1;
let ready = published(1);
await connection.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "nn", version, text } });
await ready;

// Edits where a user types: a digit of a dense layer's units, changed and changed back, spread over the file.
const denseLines = textLines.flatMap((l, i) => (l.includes("dense(10,") ? [i] : []));
const diagnostics = [];
for (let i = 0; i < edits; i++) {
  const line = denseLines[Math.floor((i / edits) * denseLines.length)];
  const character = textLines[line].indexOf("dense(10,") + 7;
  version++;
  ready = published(version);
  const start = performance.now();
  await connection.sendNotification("textDocument/didChange", {
    textDocument: { uri, version },
    contentChanges: [{ range: { start: { line, character }, end: { line, character: character + 1 } }, text: i % 2 ? "0" : "1" }],
  });
  await ready;
  diagnostics.push(performance.now() - start);
}

async function timeRequests(method, positions) {
  const samples = [];
  for (const position of positions) {
    const start = performance.now();
    await connection.sendRequest(method, { textDocument: { uri }, position });
    samples.push(performance.now() - start);
  }
  return samples;
}
const convLines = textLines.flatMap((l, i) => (l.includes("-> ConvPool(32") ? [i] : []));
const spread = (list, n) => Array.from({ length: n }, (_, i) => list[Math.floor((i / n) * list.length)]);
const hover = await timeRequests("textDocument/hover", spread(convLines, 100).map((line) => ({ line, character: 8 })));
const completion = await timeRequests("textDocument/completion", spread(convLines, 100).map((line) => ({ line, character: 7 })));

await connection.sendRequest("shutdown");
await connection.sendNotification("exit");

console.log(`nnc lsp latency: ${textLines.length} lines, ${edits} edits, 100 hovers, 100 completions`);
for (const [label, samples, target] of [
  ["didChange → publishDiagnostics", diagnostics, 30],
  ["hover", hover, 10],
  ["completion", completion, 10],
]) {
  const p50 = percentile(samples, 50);
  const p95 = percentile(samples, 95);
  console.log(`  ${label.padEnd(32)} p50 ${p50.toFixed(1).padStart(6)} ms   p95 ${p95.toFixed(1).padStart(6)} ms   target p95 < ${target} ms → ${p95 < target ? "met" : "NOT met"}`);
}
