/**
 * `nnc board` and report.html in a real browser (issue 16): Debian's Chromium, headless, through
 * puppeteer-core (test/support/browser.ts). Real components only: the board's own server
 * (`startBoard`), run folders written by `node bin/nnc.js train` on a few MNIST images, and the
 * page's own script and uPlot.
 *
 * The charts are read from the uPlot instances the page makes: a script run before the page's own
 * wraps the `uPlot` global the page loads, so the test sees each chart's series and data without
 * the page exposing anything.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBoard, type Board } from "../../runtime/board/server.js";
import { writeReport } from "../../runtime/report/page.js";
import { launchBrowser, skipBrowserTests, type BrowserSession, type TrackedPage } from "../support/browser.js";

const ROOT = resolve(import.meta.dirname, "../..");
const NNC = join(ROOT, "bin", "nnc.js");

const SOURCE = `model Mlp {
  input image: [784]
  image -> dense(8, activation: relu) -> dense(10, activation: softmax)
}
model Wide {
  input image: [784]
  image -> dense(256, activation: relu) -> dense(10, activation: softmax)
}
train fast: Mlp { data: mnist(flat: true) loss: cross_entropy optimizer: sgd(lr: 0.1) batch_size: 20 epochs: 3 seed: 1 }
train slow: Mlp { data: mnist(flat: true) loss: cross_entropy optimizer: sgd(lr: 0.01) batch_size: 20 epochs: 3 seed: 1 }
train search: Mlp {
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: sgd(lr: choice(0.01, 0.1, 0.3))
  batch_size: 20
  epochs: 2
  seed: 1
  tune: grid
}
train live: Wide { data: mnist(flat: true) loss: cross_entropy optimizer: sgd(lr: 0.05) batch_size: 8 epochs: 40 seed: 1 }
`;

/** Names a hostile folder and label could carry: each would set window.__nncPwned if it ran. */
const HOSTILE_FOLDER = `q"u'o <img src=x onerror=window.__nncPwned=1>`;
const HOSTILE_LABEL = `x</script><script>window.__nncPwned=2</script>"'<img src=x onerror=window.__nncPwned=3>`;
const HOSTILE_SOURCE = `s</script>"'<img src=x onerror=window.__nncPwned=4>.nn`;
/** A file beside the board's folder: no URL may read it. */
const SECRET = "nnc-board-secret-5b1f0c";

/** Wraps the page's `uPlot` global before any of its scripts run, keeping every chart it makes. */
const CHART_HOOK = `(() => {
  let real;
  const made = [];
  Object.defineProperty(window, "__nncCharts", { value: made });
  Object.defineProperty(window, "uPlot", {
    configurable: true,
    get() { return real; },
    set(value) {
      real = typeof value === "function"
        ? new Proxy(value, { construct(target, args, newTarget) { const plot = Reflect.construct(target, args, newTarget); made.push(plot); return plot; } })
        : value;
    },
  });
})();`;

/** A chart's training and validation lines, however the page words them ("training", "train", "fast train"). */
const TRAINING = /\btrain(ing)?$/;
const VALIDATION = /\b(validation|val)$/;

interface ChartData {
  /** Each line's label and how many points it has (x values with a y). */
  series: { label: string; points: number }[];
  /** The x values (epochs). */
  xs: number[];
}

function train(label: string, extra: string[] = []): ChildProcess & { done: Promise<{ code: number | null; stderr: string }> } {
  const child = spawn(process.execPath, [NNC, "train", join(work, "runs.nn"), "--train", label, ...extra], { cwd: work, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<{ code: number | null; stderr: string }>((settle) => child.on("close", (code) => settle({ code, stderr })));
  return Object.assign(child, { done });
}

async function trained(label: string, extra: string[] = []): Promise<void> {
  const { code, stderr } = await train(label, extra).done;
  if (code !== 0) throw new Error(`nnc train --train ${label} exited ${code}:\n${stderr}`);
}

let work: string;
let runsDir: string;
let board: Board;
let session: BrowserSession;
/** Every page opened on the board, for the same-origin check. */
const boardPages: TrackedPage[] = [];

async function openBoard(): Promise<TrackedPage> {
  const tracked = await session.newPage();
  boardPages.push(tracked);
  await tracked.page.evaluateOnNewDocument(CHART_HOOK);
  await tracked.page.goto(board.url, { waitUntil: "load" });
  await tracked.page.waitForSelector("#runs li[data-run]");
  return tracked;
}

/** The live chart `#id`'s data, or null when the page shows no such chart. */
async function chartData(page: Page, id: string): Promise<ChartData | null> {
  return page.evaluate((chartId) => {
    type Plot = { root: HTMLElement; series: { label?: string }[]; data: (number | null | undefined)[][] };
    const plots = ((window as unknown as { __nncCharts: Plot[] }).__nncCharts ?? []).filter((p) => p.root.isConnected && p.root.closest("figure")?.id === chartId);
    const plot = plots.at(-1);
    if (!plot) return null;
    return {
      series: plot.series.slice(1).map((s, i) => ({ label: String(s.label ?? ""), points: plot.data[i + 1].filter((v) => v !== null && v !== undefined).length })),
      xs: Array.from(plot.data[0] as number[]),
    };
  }, id);
}

/** Waits until the chart `#id` satisfies `accept`; returns its data then. */
async function waitForChart(page: Page, id: string, accept: (data: ChartData) => boolean, timeout = 30_000): Promise<ChartData> {
  const start = Date.now();
  let last: ChartData | null = null;
  while (Date.now() - start < timeout) {
    last = await chartData(page, id);
    if (last && accept(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`chart #${id} never matched; last seen: ${JSON.stringify(last)}`);
}

/** The ids of the runs listed, and which are ticked. */
async function listed(page: Page): Promise<{ id: string; text: string; checked: boolean }[]> {
  return page.$$eval("#runs li[data-run]", (items) =>
    items.map((li) => ({ id: li.getAttribute("data-run") ?? "", text: li.textContent ?? "", checked: !!li.querySelector<HTMLInputElement>("input[type=checkbox]")?.checked })),
  );
}

/**
 * Ticks exactly the runs `ids` in the list, in that order, by clicking their checkboxes. The click is
 * the DOM's own (`input.click()`, which fires the page's change handler) in one task: the list is
 * redrawn, and reordered newest first, whenever a run gains an epoch, so a mouse click aimed at
 * coordinates could land on another run.
 */
async function show(page: Page, ids: string[]): Promise<void> {
  const click = async (id: string) => {
    const found = await page.evaluate((runId) => {
      const box = Array.from(document.querySelectorAll("#runs li[data-run]"))
        .find((li) => li.getAttribute("data-run") === runId)
        ?.querySelector<HTMLInputElement>("input[type=checkbox]");
      box?.click();
      return !!box;
    }, id);
    if (!found) throw new Error(`no run ${id} in the list: ${JSON.stringify(await listed(page))}`);
  };
  for (const item of await listed(page)) if (item.checked && !ids.includes(item.id)) await click(item.id);
  for (const id of ids) {
    const item = (await listed(page)).find((i) => i.id === id);
    if (!item?.checked) await click(id);
  }
  await page.waitForFunction(
    (wanted: string[]) => {
      const ticked = Array.from(document.querySelectorAll("#runs li[data-run]"))
        .filter((li) => li.querySelector<HTMLInputElement>("input[type=checkbox]")?.checked)
        .map((li) => li.getAttribute("data-run"));
      return ticked.length === wanted.length && wanted.every((w) => ticked.includes(w));
    },
    { timeout: 10_000 },
    ids,
  );
}

/** Failed responses other than the browser's own request for /favicon.ico (the page names no icon). */
function unexpected(failed: string[]): string[] {
  return failed.filter((f) => !/^404 \S+\/favicon\.ico$/.test(f));
}

async function text(page: Page, selector: string): Promise<string> {
  return page.$eval(selector, (e) => e.textContent ?? "");
}

/** A GET with the path sent exactly as written (no client normalizes `..` away). */
function rawGet(url: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((done, fail) => {
    const req = request({ host: hostname, port, path, method: "GET" }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => done({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", fail);
    req.end();
  });
}

describe.skipIf(skipBrowserTests)("nnc board in Chromium", () => {
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "nnc-board-browser-"));
    runsDir = join(work, "runs");
    writeFileSync(join(work, "runs.nn"), SOURCE);
    writeFileSync(join(work, "secret.txt"), SECRET);
    await Promise.all([
      trained("fast", ["--limit", "200"]),
      trained("slow", ["--limit", "200"]),
      trained("search", ["--limit", "200"]),
      trained("fast", ["--limit", "100", "--epochs", "2", "--run-dir", join(runsDir, HOSTILE_FOLDER)]),
    ]);
    // A hostile label and source as a settings.json could carry them, and its report written again.
    const hostileDir = join(runsDir, HOSTILE_FOLDER);
    const settings = JSON.parse(readFileSync(join(hostileDir, "settings.json"), "utf8")) as { label: string; source: string };
    writeFileSync(join(hostileDir, "settings.json"), JSON.stringify({ ...settings, label: HOSTILE_LABEL, source: HOSTILE_SOURCE }, null, 2));
    writeReport(hostileDir);
    board = await startBoard({ dir: runsDir, port: 0, rescanMs: 200 });
    session = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await session?.close();
    await board?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("lists the runs of the folder", async () => {
    const { page, errors, failed } = await openBoard();
    await page.waitForFunction(() => document.querySelectorAll("#runs li[data-run]").length >= 7);
    const items = await listed(page);
    const ids = items.map((i) => i.id);
    expect(ids).toEqual(expect.arrayContaining(["fast", "slow", "search", "search/trial-01", "search/trial-02", "search/trial-03", HOSTILE_FOLDER]));
    expect(items.find((i) => i.id === "fast")?.text.trim()).toMatch(/^fast\b/);
    expect(await page.$eval("body", (b) => b.getAttribute("data-mode"))).toBe("live");
    // The newest run is shown first: a chart of its loss.
    await page.waitForSelector("#chart-loss canvas");
    expect(errors).toEqual([]);
    expect(unexpected(failed)).toEqual([]);
  }, 60_000);

  it("shows a training started now, and its loss curve gains points while it runs", async () => {
    const { page, errors, failed } = await openBoard();
    const child = train("live", ["--limit", "3000"]);
    try {
      await page.waitForFunction(() => Array.from(document.querySelectorAll("#runs li[data-run]")).some((li) => li.getAttribute("data-run") === "live"), { timeout: 30_000 });
      await show(page, ["live"]);
      const first = await waitForChart(page, "chart-loss", (c) => c.series.length > 0 && c.series[0].points >= 1);
      expect(child.exitCode).toBe(null);
      const later = await waitForChart(page, "chart-loss", (c) => c.series[0].points > first.series[0].points);
      // Still running when the new points were drawn: they came from the live stream.
      expect(child.exitCode).toBe(null);
      expect(await text(page, "#status")).toContain("running");
      expect(later.xs.length).toBeGreaterThan(first.xs.length);
      // One run: its training and validation lines.
      expect(later.series.map((s) => s.label)).toEqual([expect.stringMatching(TRAINING), expect.stringMatching(VALIDATION)]);
    } finally {
      // Ctrl-C's path: the run stops at the end of a step and saves what it has.
      child.kill("SIGTERM");
      await child.done;
    }
    expect(errors).toEqual([]);
    expect(unexpected(failed)).toEqual([]);
  }, 60_000);

  it("overlays two runs in one chart and shows the setting that differs in .nn syntax", async () => {
    const { page, errors, failed } = await openBoard();
    await show(page, ["fast", "slow"]);
    const loss = await waitForChart(page, "chart-loss", (c) => c.series.some((s) => s.label.startsWith("slow")) && c.series.some((s) => s.label.startsWith("fast")));
    // Both runs in the one chart: each its training and validation line, named by the run.
    expect(loss.series.map((s) => s.label)).toEqual([
      expect.stringMatching(/^fast .*train/),
      expect.stringMatching(/^fast .*val/),
      expect.stringMatching(/^slow .*train/),
      expect.stringMatching(/^slow .*val/),
    ]);
    expect(loss.series.every((s) => s.points === 3)).toBe(true);
    expect(await page.$$eval("#chart-loss canvas", (c) => c.length)).toBe(1);
    expect(await text(page, "#title")).toBe("2 runs");
    await page.waitForFunction(() => document.querySelectorAll("#settings-diff tr[data-key]").length > 0);
    const rows = await page.$$eval("#settings-diff tr[data-key]", (trs) => trs.map((tr) => ({ key: tr.getAttribute("data-key"), cells: Array.from(tr.querySelectorAll("td")).map((td) => td.textContent) })));
    expect(rows.map((r) => r.key)).toEqual(["optimizer"]);
    const [, fastText, slowText] = rows[0].cells;
    expect(fastText).toMatch(/^sgd\(lr: 0\.1\b/);
    expect(slowText).toMatch(/^sgd\(lr: 0\.01\b/);
    const headings = await page.$$eval("#settings-diff th", (ths) => ths.map((th) => th.textContent));
    expect(headings).toEqual(["setting", "fast", "slow"]);
    expect(errors).toEqual([]);
    expect(unexpected(failed)).toEqual([]);
  }, 60_000);

  it("sorts a search's trials table by a click on a heading", async () => {
    const { page, errors, failed } = await openBoard();
    await show(page, ["search"]);
    await page.waitForFunction(() => document.querySelectorAll("#trials tr[data-trial]").length === 3 && !document.querySelector<HTMLElement>("#trials-section")?.hidden);
    const order = () => page.$$eval("#trials tbody tr[data-trial]", (trs) => trs.map((tr) => Number(tr.getAttribute("data-trial"))));
    const ranks = () => page.$$eval("#trials tbody tr[data-trial]", (trs) => trs.map((tr) => Number(tr.querySelector("td")?.textContent)));
    // Ranked first: rank 1, 2, 3.
    expect(await ranks()).toEqual([1, 2, 3]);
    const headings = await page.$$eval("#trials th[data-sort]", (ths) => ths.map((th) => th.getAttribute("data-sort")));
    expect(headings).toEqual(expect.arrayContaining(["rank", "trial", "objective"]));
    await page.click('#trials th[data-sort="trial"]');
    expect(await order()).toEqual([1, 2, 3]);
    expect(await page.$eval('#trials th[data-sort="trial"]', (th) => th.getAttribute("aria-sort"))).toBe("ascending");
    await page.click('#trials th[data-sort="trial"]');
    expect(await order()).toEqual([3, 2, 1]);
    expect(await page.$eval('#trials th[data-sort="trial"]', (th) => th.getAttribute("aria-sort"))).toBe("descending");
    await page.click('#trials th[data-sort="rank"]');
    expect(await ranks()).toEqual([1, 2, 3]);
    expect(await page.$eval('#trials th[data-sort="trial"]', (th) => th.getAttribute("aria-sort"))).toBe(null);
    // The searched setting is a column of its own, in .nn syntax.
    const optimizers = await page.$$eval("#trials tbody tr[data-trial]", (trs) => trs.map((tr) => tr.textContent ?? ""));
    expect(optimizers.every((row) => /sgd\(lr: 0\.(01|1|3)\b/.test(row))).toBe(true);
    // One loss line per trial.
    const loss = await waitForChart(page, "chart-loss", (c) => c.series.filter((s) => TRAINING.test(s.label)).length === 3);
    expect(loss.series.filter((s) => TRAINING.test(s.label)).every((s) => s.points === 2)).toBe(true);
    expect(errors).toEqual([]);
    expect(unexpected(failed)).toEqual([]);
  }, 60_000);

  it("renders hostile folder names, labels and sources as text, and answers 404 to path traversal", async () => {
    const { page, errors } = await openBoard();
    await show(page, [HOSTILE_FOLDER]);
    await page.waitForFunction((label: string) => document.getElementById("title")?.textContent === label, { timeout: 10_000 }, HOSTILE_LABEL);
    const item = (await listed(page)).find((i) => i.id === HOSTILE_FOLDER);
    expect(item?.text).toContain(HOSTILE_LABEL);
    expect(await text(page, "#source")).toContain(HOSTILE_SOURCE);
    await waitForChart(page, "chart-loss", (c) => c.series.length > 0 && c.series[0].points === 2);
    // Give an injected <img onerror> the time to fire.
    await new Promise((r) => setTimeout(r, 300));
    expect(await page.evaluate(() => (window as unknown as { __nncPwned?: unknown }).__nncPwned)).toBe(undefined);
    expect(await page.$$eval("img", (imgs) => imgs.length)).toBe(0);
    expect(await page.$$eval("script", (scripts) => scripts.map((s) => s.getAttribute("src")))).toEqual(["/assets/uPlot.iife.min.js", "/assets/board.js"]);

    // Traversal, sent byte for byte as written.
    const raw = [
      "/../secret.txt",
      "/../../secret.txt",
      "/%2e%2e/secret.txt",
      "/%2E%2E/%2e%2e/secret.txt",
      "/%2e%2e%2fsecret.txt",
      "/assets/../../secret.txt",
      "/assets/..%2f..%2fsecret.txt",
      "/api/runs/../secret.txt",
      "/api/runs/..",
      "/api/runs/%2e%2e",
      "/api/runs/%2e%2e/secret.txt",
      "/api/runs/..%2fsecret.txt",
      "/api/runs/fast/../../secret.txt",
      "/api/runs/fast/%2e%2e/%2e%2e/secret.txt",
      "/api/runs/fast%2f..%2f..%2fsecret.txt",
      "/api/runs/%2fetc%2fpasswd",
      "/runs.nn",
      "/../runs.nn",
    ];
    for (const path of raw) {
      const answer = await rawGet(board.url, path);
      expect({ path, status: answer.status }).toEqual({ path, status: 404 });
      expect(answer.body).not.toContain(SECRET);
    }
    // And from the page itself, whatever the browser makes of them.
    const fromPage = await page.evaluate(async (paths: string[]) => {
      const out: { path: string; status: number; body: string }[] = [];
      for (const path of paths) {
        const response = await fetch(path);
        out.push({ path, status: response.status, body: await response.text() });
      }
      return out;
    }, ["/../secret.txt", "/%2e%2e/secret.txt", "/api/runs/%2e%2e/secret.txt", "/api/runs/..%2fsecret.txt", "/api/runs/fast/%2e%2e/%2e%2e/secret.txt"]);
    for (const answer of fromPage) {
      expect({ path: answer.path, status: answer.status }).toEqual({ path: answer.path, status: 404 });
      expect(answer.body).not.toContain(SECRET);
    }
    expect(errors).toEqual([]);
  }, 60_000);

  it("requests nothing outside the server's origin", () => {
    const origin = new URL(board.url).origin;
    const all = boardPages.flatMap((p) => p.requests);
    expect(boardPages.length).toBeGreaterThan(3);
    expect(all.length).toBeGreaterThan(10);
    expect(all.filter((url) => new URL(url).origin !== origin)).toEqual([]);
  });

  it("report.html opened from disk draws its charts with no request beyond the file", async () => {
    for (const [folder, label] of [["fast", "fast"], [HOSTILE_FOLDER, HOSTILE_LABEL]] as const) {
      const file = join(runsDir, folder, "report.html");
      const url = pathToFileURL(file).href;
      // Every request is recorded, and only the file itself is let through.
      const { page, requests, errors } = await session.newPage({ intercept: (r) => (r.url() === url ? "continue" : "abort") });
      await page.goto(url, { waitUntil: "load" });
      await page.waitForSelector("#chart-loss canvas", { timeout: 10_000 });
      await new Promise((r) => setTimeout(r, 300));
      expect(await page.$eval("body", (b) => b.getAttribute("data-mode"))).toBe("report");
      expect(await text(page, "#title")).toBe(label);
      const canvases = await page.$$eval("#charts canvas", (list) =>
        (list as HTMLCanvasElement[]).map((canvas) => {
          const pixels = canvas.getContext("2d")?.getImageData(0, 0, canvas.width, canvas.height).data ?? new Uint8ClampedArray();
          let drawn = 0;
          for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) drawn++;
          return { width: canvas.width, height: canvas.height, drawn };
        }),
      );
      expect(canvases.length).toBeGreaterThanOrEqual(2); // loss and accuracy
      for (const canvas of canvases) {
        expect(canvas.width).toBeGreaterThan(100);
        expect(canvas.height).toBeGreaterThan(100);
        expect(canvas.drawn).toBeGreaterThan(200);
      }
      expect(requests.map((r) => fileURLToPath(r))).toEqual([file]);
      expect(await page.evaluate(() => (window as unknown as { __nncPwned?: unknown }).__nncPwned)).toBe(undefined);
      expect(await page.$$eval("img", (imgs) => imgs.length)).toBe(0);
      expect(errors).toEqual([]);
      await page.close();
    }
  }, 60_000);
});
