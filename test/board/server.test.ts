import { spawn, execFileSync } from "node:child_process";
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BoardFolderError, BoardPortError, startBoard, type Board } from "../../runtime/board/server.js";
import { openBoard } from "../../compiler/cli/board-command.js";

const HOSTILE_LABEL = `</script><script>alert("label")</script>`;
const HOSTILE_FOLDER = `<img src=x onerror=alert(1)>`;

function epochLine(epoch: number): string {
  return `${JSON.stringify({ epoch, lr: 0.01, seconds: 0.5, train: { loss: 1 / epoch }, validation: null, gradientNorms: null, weightNorms: null })}\n`;
}

function writeRun(dir: string, label: string, epochs: number): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "settings.json"), JSON.stringify({ label, source: "m.nn", sourcePath: "/m.nn", settings: {} }));
  writeFileSync(join(dir, "metrics.jsonl"), Array.from({ length: epochs }, (_, i) => epochLine(i + 1)).join(""));
}

interface Reply {
  status: number;
  type: string;
  body: string;
}

/** A GET with the path sent exactly as written (no normalisation of `..` or `%2e`). */
function get(board: Board, path: string, host = `127.0.0.1:${board.port}`): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: board.port, path, headers: { host } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, type: String(res.headers["content-type"] ?? ""), body }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** Opens the event stream and resolves with the first event that `wanted` accepts. */
function nextEvent(board: Board, wanted: (type: string, data: unknown) => boolean, onOpen: () => void): Promise<{ type: string; data: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: board.port, path: "/api/events" }, (res) => {
      let buffer = "";
      let opened = false;
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const type = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (type === undefined || data === undefined) continue;
          const parsed: unknown = JSON.parse(data);
          if (!opened && type === "runs") {
            opened = true;
            onOpen();
          }
          if (wanted(type, parsed)) {
            req.destroy();
            resolve({ type, data: parsed });
            return;
          }
        }
      });
    });
    req.on("error", (error) => {
      if ((error as NodeJS.ErrnoException).code !== "ECONNRESET") reject(error);
    });
    req.end();
  });
}

describe("nnc board's server", () => {
  let root: string;
  let runs: string;
  let board: Board;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "nnc-board-"));
    runs = join(root, "runs");
    writeRun(join(runs, "mlp"), "Mlp", 2);
    writeRun(join(runs, HOSTILE_FOLDER), HOSTILE_LABEL, 1);
    writeRun(join(runs, "search"), "Search", 0);
    writeRun(join(runs, "search", "trial-01"), "Search", 3);
    // A run outside the folder, reachable only through a symbolic link, and a secret beside it.
    writeRun(join(root, "outside"), "Outside", 1);
    writeFileSync(join(root, "secret.json"), `{"epoch": 1, "secret": true}`);
    symlinkSync(join(root, "outside"), join(runs, "linked"));
    symlinkSync(join(root, "secret.json"), join(runs, "mlp", "summary.json"));
    board = await startBoard({ dir: runs, port: 0, rescanMs: 100 });
  });

  afterAll(async () => {
    await board?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("binds the loopback address by default and says where", () => {
    expect(board.host).toBe("127.0.0.1");
    expect(board.url).toBe(`http://127.0.0.1:${board.port}/`);
  });

  it("serves the page, with its assets from itself and nothing from elsewhere", async () => {
    const page = await get(board, "/");
    expect(page.status).toBe(200);
    expect(page.type).toMatch(/^text\/html/);
    expect(page.body).toContain('<ul id="runs">');
    expect(page.body).toContain('data-mode="live"');
    expect(page.body).not.toMatch(/(src|href)="(https?:)?\/\//);
    for (const asset of ["/assets/uPlot.iife.min.js", "/assets/uPlot.min.css", "/assets/board.js", "/assets/board.css"]) {
      const reply = await get(board, asset);
      expect(reply.status, asset).toBe(200);
      expect(reply.body.length, asset).toBeGreaterThan(100);
    }
  });

  it("lists every run with its parts, and no run behind a symbolic link", async () => {
    const reply = await get(board, "/api/runs");
    expect(reply.type).toMatch(/^application\/json/);
    const list = JSON.parse(reply.body) as { id: string; label: string; epochs: number; children: { id: string; part: string }[] }[];
    const ids = list.map((r) => r.id).sort();
    expect(ids).toEqual([HOSTILE_FOLDER, "mlp", "search"].sort());
    expect(list.find((r) => r.id === "mlp")).toMatchObject({ label: "Mlp", epochs: 2 });
    expect(list.find((r) => r.id === "search")!.children).toEqual([expect.objectContaining({ id: "search/trial-01", part: "trial" })]);
  });

  it("gives a run's data, its parts included", async () => {
    const reply = await get(board, "/api/runs/search");
    const run = JSON.parse(reply.body) as { label: string; children: { id: string; epochs: unknown[] }[] };
    expect(run.label).toBe("Search");
    expect(run.children[0].id).toBe("search/trial-01");
    expect(run.children[0].epochs).toHaveLength(3);
    const part = JSON.parse((await get(board, "/api/runs/search/trial-01")).body) as { part: string };
    expect(part.part).toBe("trial");
  });

  it("does not read a file of a run that links outside the folder", async () => {
    const run = JSON.parse((await get(board, "/api/runs/mlp")).body) as { summary: unknown; epochs: unknown[] };
    expect(run.epochs).toHaveLength(2);
    expect(run.summary).toBeNull();
  });

  it.each([
    ["..", "/api/runs/../../secret.json"],
    ["encoded ..", "/api/runs/%2e%2e/%2e%2e/secret.json"],
    ["encoded slash", "/api/runs/..%2f..%2fsecret.json"],
    ["backslash", "/api/runs/..%5csecret.json"],
    ["absolute path", `/api/runs/${encodeURIComponent(tmpdir())}`],
    ["absolute path in segments", `/api/runs/${tmpdir()}`],
    ["absolute path after the prefix", "/api/runs//etc/passwd"],
    ["symbolic link", "/api/runs/linked"],
    ["path outside the API", "/../../etc/passwd"],
    ["a run's file", "/runs/mlp/metrics.jsonl"],
    ["bad escape", "/api/runs/%E0%A4%A"],
  ])("refuses %s with 404", async (_, path) => {
    const reply = await get(board, path);
    expect(reply.status).toBe(404);
    expect(reply.body).not.toContain("secret");
    expect(reply.body).not.toContain("Outside");
  });

  it("refuses a request for another host name (DNS rebinding)", async () => {
    expect((await get(board, "/api/runs", "evil.example")).status).toBe(421);
  });

  it("answers a hostile folder name and label as JSON, never in the page's HTML", async () => {
    const reply = await get(board, `/api/runs/${encodeURIComponent(HOSTILE_FOLDER)}`);
    expect(reply.status).toBe(200);
    expect(reply.type).toMatch(/^application\/json/);
    expect((JSON.parse(reply.body) as { label: string }).label).toBe(HOSTILE_LABEL);
    const page = (await get(board, "/")).body;
    expect(page).not.toContain("alert(");
  });

  it("pushes an epoch line appended while the page listens", async () => {
    const event = nextEvent(
      board,
      (type, data) => type === "line" && (data as { id: string }).id === "mlp",
      () => appendFileSync(join(runs, "mlp", "metrics.jsonl"), epochLine(3)),
    );
    const { data } = await event;
    expect(data).toMatchObject({ id: "mlp", record: { epoch: 3, train: { loss: 1 / 3 } } });
  });

  it("announces a run that appears", async () => {
    const event = nextEvent(
      board,
      (type, data) => type === "runs" && (data as { id: string }[]).some((r) => r.id === "late"),
      () => writeRun(join(runs, "late"), "Late", 1),
    );
    expect((await event).type).toBe("runs");
  });

  it("answers HEAD of the event stream with its headers, and ends the answer", async () => {
    const reply = await new Promise<{ status: number; type: string }>((done, fail) => {
      const req = request({ host: "127.0.0.1", port: board.port, path: "/api/events", method: "HEAD" }, (res) => {
        res.resume();
        res.on("end", () => done({ status: res.statusCode ?? 0, type: String(res.headers["content-type"]) }));
      });
      req.setTimeout(10_000, () => req.destroy(new Error("HEAD /api/events never ended")));
      req.on("error", fail);
      req.end();
    });
    expect(reply).toEqual({ status: 200, type: "text/event-stream; charset=utf-8" });
  });

  it.skipIf(process.platform === "win32")("reads no named pipe: a FIFO for metrics.jsonl or summary.json blocks neither the watcher nor the answers", async () => {
    const dir = join(runs, "piped");
    writeRun(dir, "Piped", 0);
    unlinkSync(join(dir, "metrics.jsonl"));
    execFileSync("mkfifo", [join(dir, "metrics.jsonl"), join(dir, "summary.json")]);
    // The watcher's next look opens the pipe; a blocking open would hang the whole server here.
    await new Promise((done) => setTimeout(done, 300));
    const reply = await get(board, "/api/runs/piped");
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toMatchObject({ label: "Piped", epochs: [], summary: null });
    expect((await get(board, "/api/runs")).status).toBe(200);
  });

  it("names the port and --port when the port is in use", async () => {
    const error = await startBoard({ dir: runs, port: board.port }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BoardPortError);
    expect((error as Error).message).toContain(`port ${board.port}`);
    expect((error as Error).message).toContain("--port");
  });

  it("refuses a folder that does not exist", async () => {
    await expect(startBoard({ dir: join(root, "nowhere"), port: 0 })).rejects.toBeInstanceOf(BoardFolderError);
  });
});

describe("nnc board's command", () => {
  const io = () => {
    const out = { stdout: "", stderr: "" };
    return { out, io: { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t), color: false } };
  };

  it("prints its address", async () => {
    const root = mkdtempSync(join(tmpdir(), "nnc-board-cli-"));
    const { out, io: commandIO } = io();
    const board = await openBoard([root, "--port", "0"], commandIO);
    try {
      expect(typeof board).toBe("object");
      expect(out.stdout).toMatch(/^nnc board: http:\/\/127\.0\.0\.1:\d+\/\n$/);
    } finally {
      if (typeof board === "object") await board.close();
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("exits 1 for a port in use, naming it", async () => {
    const root = mkdtempSync(join(tmpdir(), "nnc-board-cli-"));
    const first = await startBoard({ dir: root, port: 0 });
    const { out, io: commandIO } = io();
    try {
      expect(await openBoard([root, "--port", String(first.port)], commandIO)).toBe(1);
      expect(out.stderr).toContain(`port ${first.port}`);
      expect(out.stderr).toContain("--port");
    } finally {
      await first.close();
      rmSync(root, { recursive: true, force: true });
    }
  });

  it.each([
    ["SIGINT", 130, "with a page open on the live stream", true],
    ["SIGTERM", 143, "with a page open on the live stream", true],
    ["SIGTERM", 143, "as soon as it printed its address", false],
  ] as const)("stops on %s at once with exit %i, %s", async (signal, code, _, client) => {
    const root = mkdtempSync(join(tmpdir(), "nnc-board-cli-"));
    writeRun(join(root, "mlp"), "Mlp", 2);
    const child = spawn(process.execPath, [resolve(import.meta.dirname, "../../bin/nnc.js"), "board", root, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
    const exited = new Promise<number | null>((done) => child.on("exit", (exitCode) => done(exitCode)));
    try {
      let stdout = "";
      const port = await new Promise<number>((done, fail) => {
        child.stdout.on("data", (chunk: Buffer) => {
          stdout += chunk.toString();
          const match = /:(\d+)\/\n/.exec(stdout);
          if (match) done(Number(match[1]));
        });
        exited.then(() => fail(new Error(`nnc board ended before listening: ${stdout}`)));
      });
      // A browser tab left open on the live stream.
      if (client) await new Promise<void>((done, fail) => {
        const req = request({ host: "127.0.0.1", port, path: "/api/events" }, (res) => {
          res.once("data", () => done());
          res.on("error", () => {});
        });
        req.on("error", (error) => ((error as NodeJS.ErrnoException).code === "ECONNRESET" ? undefined : fail(error)));
        req.end();
      });
      child.kill(signal);
      expect(await exited).toBe(code);
    } finally {
      child.kill("SIGKILL");
      rmSync(root, { recursive: true, force: true });
    }
  }, 30_000);

  it("exits 1 for a missing folder", async () => {
    const { out, io: commandIO } = io();
    expect(await openBoard(["/nonexistent/runs", "--port", "0"], commandIO)).toBe(1);
    expect(out.stderr).toContain("/nonexistent/runs is not a folder");
  });
});
