/**
 * `nnc board`'s web server (node:http only). It serves the page, its four assets, and JSON and
 * server-sent events about the run folders under one folder, and nothing else: every other path is
 * a 404, every run id must be a run the watcher found (real folders, no symbolic links) and every
 * file read is checked again to lie under the folder. It binds the loopback address unless told
 * otherwise, and on loopback refuses requests for another host name (DNS rebinding).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { realpathSync, statSync } from "node:fs";
import { pageAssets } from "../report/assets.js";
import { renderBoardHtml } from "../report/page.js";
import { readRun } from "../report/run-data.js";
import { runIdFromSegments } from "./inside.js";
import { RunWatcher, type RunEvent } from "./run-watcher.js";

export interface BoardOptions {
  /** The folder whose runs are shown. */
  readonly dir: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** The address to bind: 127.0.0.1 unless given. */
  readonly host?: string;
  /** How often the folder is rescanned besides fs.watch, in milliseconds. */
  readonly rescanMs?: number;
}

export interface Board {
  /** The page's address, e.g. http://127.0.0.1:6007/. */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  close(): Promise<void>;
}

/** The board's folder does not exist or is not a folder. */
export class BoardFolderError extends Error {
  override readonly name = "BoardFolderError";
}

/** The port is taken (EADDRINUSE) or may not be bound (EACCES). */
export class BoardPortError extends Error {
  override readonly name = "BoardPortError";
  constructor(message: string, readonly code: string) {
    super(message);
  }
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);

const SECURITY_HEADERS = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  // uPlot sets element styles from script; nothing is loaded from anywhere but this server.
  "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

/** Starts the server; resolves once it listens. */
export async function startBoard(options: BoardOptions): Promise<Board> {
  let root: string;
  try {
    root = realpathSync(options.dir);
    if (!statSync(root).isDirectory()) throw new Error("not a folder");
  } catch {
    throw new BoardFolderError(`${options.dir} is not a folder; train a model first (nnc train FILE writes runs/<label>/) or name the folder that holds the runs`);
  }
  const host = options.host ?? "127.0.0.1";
  const watcher = new RunWatcher(root, options.rescanMs ?? 1000);
  const streams = new Set<ServerResponse>();
  const assets = pageAssets();
  const page = renderBoardHtml();
  const files: Record<string, readonly [type: string, body: string]> = {
    "/assets/uPlot.iife.min.js": ["text/javascript; charset=utf-8", assets.uplotJs],
    "/assets/uPlot.min.css": ["text/css; charset=utf-8", assets.uplotCss],
    "/assets/board.js": ["text/javascript; charset=utf-8", assets.boardJs],
    "/assets/board.css": ["text/css; charset=utf-8", assets.boardCss],
  };

  let port = options.port;
  const server: Server = createServer((request, response) => {
    try {
      handle(request, response);
    } catch {
      if (!response.headersSent) send(response, 500, "text/plain; charset=utf-8", "internal error\n");
      else response.end();
    }
  });

  function handle(request: IncomingMessage, response: ServerResponse): void {
    if (request.method !== "GET" && request.method !== "HEAD") return send(response, 405, "text/plain; charset=utf-8", "only GET\n", { Allow: "GET, HEAD" });
    if (LOOPBACK.has(host) && !allowedHost(request.headers.host, port)) return send(response, 421, "text/plain; charset=utf-8", "unknown host\n");
    const path = (request.url ?? "/").split("?")[0];
    if (path === "/" || path === "/index.html") return send(response, 200, "text/html; charset=utf-8", page);
    if (Object.hasOwn(files, path)) return send(response, 200, files[path][0], files[path][1], { "Cache-Control": "no-cache" });
    if (path === "/api/runs") return sendJson(response, watcher.list());
    if (path === "/api/events") return openStream(request, response);
    if (path.startsWith("/api/runs/")) {
      const id = runIdFromSegments(path.slice("/api/runs/".length).split("/"));
      const dir = id !== null && watcher.has(id) ? watcher.folderOf(id) : null;
      if (id === null || dir === null) return notFound(response);
      return sendJson(response, readRun(dir, id, watcher.partOf(id) ?? "run", watcher.reader));
    }
    notFound(response);
  }

  function openStream(request: IncomingMessage, response: ServerResponse): void {
    const headers = { ...SECURITY_HEADERS, "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache" };
    // A HEAD has no body to stream: its answer ends with the headers, or it would never end.
    if (request.method === "HEAD") {
      response.writeHead(200, headers);
      response.end();
      return;
    }
    response.writeHead(200, { ...headers, Connection: "keep-alive" });
    response.write(`retry: 2000\n\n`);
    writeEvent(response, { type: "runs", runs: watcher.list() });
    streams.add(response);
    request.on("close", () => streams.delete(response));
  }

  const unsubscribe = watcher.onEvent((event) => {
    for (const stream of streams) writeEvent(stream, event);
  });
  // Proxies and browsers drop a silent stream: a comment line every 15 s keeps it open.
  const keepAlive = setInterval(() => {
    for (const stream of streams) stream.write(": keep-alive\n\n");
  }, 15_000);
  keepAlive.unref();

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE") rejectListen(new BoardPortError(`port ${options.port} on ${host} is in use; choose another with --port P (0 picks a free one)`, error.code));
      else if (error.code === "EACCES") rejectListen(new BoardPortError(`port ${options.port} on ${host} may not be used by this user; choose another with --port P`, error.code));
      else if (error.code === "EADDRNOTAVAIL" || error.code === "ENOTFOUND") rejectListen(new BoardPortError(`cannot listen on ${host}: no such address on this machine (--host)`, error.code));
      else rejectListen(error);
    });
    server.listen(options.port, host, () => resolveListen());
  });
  port = (server.address() as AddressInfo).port;
  watcher.start();
  const shownHost = host.includes(":") ? `[${host}]` : host;

  return {
    url: `http://${shownHost}:${port}/`,
    port,
    host,
    close: () =>
      new Promise<void>((resolveClose) => {
        unsubscribe();
        watcher.stop();
        clearInterval(keepAlive);
        for (const stream of streams) stream.end();
        streams.clear();
        server.close(() => resolveClose());
        server.closeAllConnections();
      }),
  };
}

/** On loopback, only the names of this machine with this port: another name is a rebinding attack. */
function allowedHost(header: string | undefined, port: number): boolean {
  if (!header) return false;
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(header);
  if (!match) return false;
  const name = match[1].replace(/^\[|\]$/g, "").toLowerCase();
  return LOOPBACK.has(name) && (match[2] === undefined || Number(match[2]) === port);
}

function writeEvent(stream: ServerResponse, event: RunEvent): void {
  const { type, ...data } = event;
  const payload = type === "runs" ? (data as { runs: unknown }).runs : data;
  stream.write(`event: ${type}\ndata: ${JSON.stringify(payload)}\n\n`);
}

function send(response: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { ...SECURITY_HEADERS, "Content-Type": type, "Content-Length": Buffer.byteLength(body), ...headers });
  response.end(response.req.method === "HEAD" ? undefined : body);
}

function sendJson(response: ServerResponse, value: unknown): void {
  send(response, 200, "application/json; charset=utf-8", JSON.stringify(value), { "Cache-Control": "no-store" });
}

function notFound(response: ServerResponse): void {
  send(response, 404, "text/plain; charset=utf-8", "not found\n");
}
