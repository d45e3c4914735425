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
await connection.sendRequest("initialize", { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: process.env.DELAY ? { diagnosticsDelay: Number(process.env.DELAY) } : undefined });
await connection.sendNotification("initialized", {});
const published = (version) => new Promise((resolve) => waiting.set(version, resolve));
let version = 1;
let ready = published(1);
await connection.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "nn", version, text } });
await ready;

// Edits where a user types, spread over the file, each one a real change checked at once: a digit of
// a dense layer's units replaced and put back (nothing moves), and a digit inserted and deleted
// again (everything after it moves by one character). The first `warmup` edits after opening (while
// V8 is still compiling the server's code) are reported apart from the steady state.
const warmup = 20;
const denseLines = textLines.flatMap((l, i) => (l.includes("dense(10,") ? [i] : []));

async function change(range, newText) {
  version++;
  ready = published(version);
  const start = performance.now();
  await connection.sendNotification("textDocument/didChange", { textDocument: { uri, version }, contentChanges: [{ range, text: newText }] });
  await ready;
  return performance.now() - start;
}

/** `count` edits in pairs at lines spread over the file: `first` makes a change at a line, `second` undoes it. */
async function typing(count, first, second) {
  const samples = [];
  for (let i = 0; i < count; i++) {
    const line = denseLines[Math.floor((Math.floor(i / 2) / Math.ceil(count / 2)) * denseLines.length)];
    const character = textLines[line].indexOf("dense(10,") + 7;
    samples.push(await change(...(i % 2 === 0 ? first : second)(line, character)));
  }
  return samples;
}
const at = (line, from, to = from) => ({ start: { line, character: from }, end: { line, character: to } });
const replaceDigit = [(line, c) => [at(line, c, c + 1), "1"], (line, c) => [at(line, c, c + 1), "0"]];
const insertDigit = [(line, c) => [at(line, c + 1), "5"], (line, c) => [at(line, c + 1, c + 2), ""]];

const firstEdits = await typing(warmup, ...replaceDigit);
const replaced = await typing(edits, ...replaceDigit);
const inserted = await typing(edits, ...insertDigit);

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

console.log(`nnc lsp latency: ${textLines.length} lines; ${warmup} warm-up edits, then ${edits} edits of each kind; 100 hovers, 100 completions`);
console.log(`  the ${warmup} warm-up edits: first ${firstEdits[0].toFixed(1)} ms, p50 ${percentile(firstEdits, 50).toFixed(1)} ms, max ${Math.max(...firstEdits).toFixed(1)} ms`);
for (const [label, samples, target] of [
  ["didChange → diagnostics (replace)", replaced, 30],
  ["didChange → diagnostics (insert)", inserted, 30],
  ["hover", hover, 10],
  ["completion", completion, 10],
]) {
  const p50 = percentile(samples, 50);
  const p95 = percentile(samples, 95);
  console.log(`  ${label.padEnd(35)} p50 ${p50.toFixed(1).padStart(6)} ms   p95 ${p95.toFixed(1).padStart(6)} ms   target p95 < ${target} ms → ${p95 < target ? "met" : "NOT met"}`);
}
