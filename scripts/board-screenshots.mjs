#!/usr/bin/env node
// The screenshots of docs/board.md: trains a few small runs on MNIST in a temporary folder, starts
// `nnc board` on it, and saves, with Debian's Chromium (puppeteer-core, no browser download):
//   docs/images/board-overlay.png  two runs' learning curves overlaid, caught while they train
//   docs/images/board-trials.png   a search's trials table, ranked
// Needs the compiled sources (npm run build) and Chromium (apt-get install chromium; another
// binary with NNC_CHROMIUM). Usage: node scripts/board-screenshots.mjs [OUT_DIR]
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import puppeteer from "puppeteer-core";

const ROOT = resolve(import.meta.dirname, "..");
const NNC = join(ROOT, "bin", "nnc.js");
const OUT = resolve(process.argv[2] ?? join(ROOT, "docs", "images"));
const CHROMIUM = process.env.NNC_CHROMIUM ?? "/usr/bin/chromium";

const SOURCE = `model Mlp(hidden: int) {
  input image: [784]
  image -> dense(hidden, activation: relu) -> dense(10, activation: softmax)
}

train sgd: Mlp(hidden: 64) {
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: sgd(lr: 0.05)
  batch_size: 16
  epochs: 12
  seed: 1
}

train adam: Mlp(hidden: 64) {
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: adam(lr: 0.001)
  batch_size: 16
  epochs: 12
  seed: 1
}

train search: Mlp(hidden: choice(16, 64)) {
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: sgd(lr: choice(0.01, 0.1), momentum: 0.9)
  batch_size: 32
  epochs: 4
  seed: 1
  tune: grid
}
`;

const work = mkdtempSync(join(tmpdir(), "nnc-board-shots-"));
const runs = join(work, "runs");
writeFileSync(join(work, "mnist.nn"), SOURCE);
mkdirSync(OUT, { recursive: true });

/** Runs `node bin/nnc.js ...args` in the work folder; resolves with its exit code. */
function nnc(args, onStdout) {
  const child = spawn(process.execPath, [NNC, ...args], { cwd: work, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stdout.on("data", (chunk) => onStdout?.(chunk.toString()));
  child.stderr.on("data", (chunk) => (stderr += chunk.toString()));
  const done = new Promise((settle) => child.on("close", (code) => settle({ code, stderr })));
  return { child, done };
}

async function train(label, limit) {
  const { code, stderr } = await nnc(["train", "mnist.nn", "--train", label, "--limit", String(limit)]).done;
  if (code !== 0) throw new Error(`nnc train --train ${label} exited ${code}:\n${stderr}`);
}

/** Ticks exactly the runs `ids` in the board's list. */
async function show(page, ids) {
  const state = () => page.$$eval("#runs li[data-run]", (items) => items.map((li) => ({ id: li.getAttribute("data-run"), checked: li.querySelector("input").checked })));
  // The DOM's own click, in one task: the list is redrawn (and reordered) as runs gain epochs.
  const click = (id) => page.evaluate((runId) => Array.from(document.querySelectorAll("#runs li[data-run]")).find((li) => li.getAttribute("data-run") === runId).querySelector("input").click(), id);
  for (const item of await state()) if (item.checked && !ids.includes(item.id)) await click(item.id);
  for (const id of ids) if (!(await state()).find((i) => i.id === id)?.checked) await click(id);
  await page.waitForFunction((wanted) => {
    const ticked = Array.from(document.querySelectorAll("#runs li[data-run]")).filter((li) => li.querySelector("input").checked).map((li) => li.getAttribute("data-run"));
    return ticked.length === wanted.length && wanted.every((w) => ticked.includes(w));
  }, {}, ids);
}

async function main() {
  // The search first, so the board opens on a folder with runs.
  await train("search", 1000);
  mkdirSync(runs, { recursive: true });

  let url = null;
  let stdout = "";
  const board = nnc(["board", runs, "--port", "0"], (t) => {
    stdout += t;
    url ??= /nnc board: (http:\/\/\S+)/.exec(stdout)?.[1] ?? null;
  });
  const started = Date.now();
  while (!url) {
    if (board.child.exitCode !== null || Date.now() - started > 20_000) throw new Error(`nnc board did not start:\n${(await board.done).stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }

  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--hide-scrollbars", "--font-render-hinting=none"],
    defaultViewport: { width: 1180, height: 760, deviceScaleFactor: 1 },
  });
  try {
    const page = await browser.newPage();
    await page.goto(url, { waitUntil: "load" });
    await page.waitForSelector('#runs li[data-run="search"]');

    // Two trainings started now: the board shows them as they run.
    const live = [train("sgd", 4000), train("adam", 4000)];
    await page.waitForFunction(() => ["sgd", "adam"].every((id) => document.querySelector(`#runs li[data-run="${id}"]`)), { timeout: 60_000 });
    await show(page, ["sgd", "adam"]);
    // Caught halfway (or at the end, on a fast machine).
    const halfway = Date.now();
    for (;;) {
      const epochs = await page.evaluate(async () => {
        const list = await (await fetch("/api/runs")).json();
        return ["sgd", "adam"].map((id) => list.find((r) => r.id === id)?.epochs ?? 0);
      });
      if (epochs.every((n) => n >= 6) || Date.now() - halfway > 120_000) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 300));
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(OUT, "board-overlay.png"), clip: { x: 0, y: 0, width: 1180, height: 760 } });
    await Promise.all(live);

    // The search: its trials, ranked on the objective (a click on a heading sorts on that column).
    await show(page, ["search"]);
    await page.waitForFunction(() => document.querySelectorAll("#trials tr[data-trial]").length === 4);
    await new Promise((r) => setTimeout(r, 500));
    const box = await (await page.$("#trials-section")).boundingBox();
    const pad = 16;
    await page.screenshot({ path: join(OUT, "board-trials.png"), captureBeyondViewport: true, clip: { x: Math.max(0, box.x - pad), y: Math.max(0, box.y - pad), width: box.width + 2 * pad, height: box.height + 2 * pad } });
  } finally {
    await browser.close();
    board.child.kill("SIGINT");
    await board.done;
  }
  for (const name of ["board-overlay.png", "board-trials.png"]) {
    const size = statSync(join(OUT, name)).size;
    console.log(`${join(OUT, name)}: ${(size / 1024).toFixed(0)} KB`);
    if (size > 200 * 1024) console.warn(`warning: ${name} is over 200 KB`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
