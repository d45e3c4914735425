/**
 * A search with `repeats: k` on the board and in report.html: each trial's repeats train in
 * `trial-NN/repeat-j/`, and the page's data (the board's JSON and the report's embedded data) holds
 * every repeat's curve, named after its trial; the trials table shows the mean objective. The run
 * folder is a real one: a 2-trial grid search with `repeats: 2` trained on a few MNIST images.
 */
import * as tf from "@tensorflow/tfjs";
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TrainingReport } from "../../runtime/core/program.js";
import { startBoard, type Board } from "../../runtime/board/server.js";
import type { RunEntry } from "../../runtime/board/run-watcher.js";
import { readRun, type RunData } from "../../runtime/report/run-data.js";
import { launchBrowser, skipBrowserTests } from "../support/browser.js";
import { loadProgram, mlpProgram } from "../support/train-source.js";

const TRIALS = ["trial-01", "trial-02"];
const REPEATS = ["repeat-1", "repeat-2"];

let report: TrainingReport;
/** The search's folder (`runs/Mlp`) and its name, the run's id under `runs/`. */
let runDir: string;
let runId: string;

beforeAll(async () => {
  await tf.setBackend("cpu");
  const program = mlpProgram("optimizer: sgd(lr: choice(0.05, 0.5))\n  batch_size: 20\n  epochs: 2\n  seed: 7\n  tune: grid\n  repeats: 2", { hidden: 4 });
  report = await (await loadProgram(program, "board-repeats")).train("Mlp", { limit: 60 });
  runDir = report.runDir;
  runId = runDir.split(/[\\/]/).at(-1)!;
}, 120_000);

/** Each repeat's curve in the data: `[id, part, epochs]`. */
function repeatCurves(run: { children: readonly { id: string; children: readonly { id: string; part: string; epochs: readonly { epoch: number }[] }[] }[] }) {
  return run.children.flatMap((trial) => trial.children.map((r) => [r.id, r.part, r.epochs.map((e) => e.epoch)]));
}

const EXPECTED = () => TRIALS.flatMap((t) => REPEATS.map((r) => [`${runId}/${t}/${r}`, "repeat", [1, 2]]));

/** The data embedded in a report.html. */
function embedded(file: string): RunData {
  const match = /<script id="run-data" type="application\/json">([\s\S]*?)<\/script>/.exec(readFileSync(file, "utf8"));
  return JSON.parse(match![1]) as RunData;
}

function get(board: Board, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: board.port, path }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`${res.statusCode} for ${path}`))));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("a search with repeats: 2 on the page", () => {
  it("trained two trials of two repeats each, in trial-NN/repeat-j/", () => {
    expect(report.trials?.map((t) => t.repeats.map((r) => r.runDir.slice(runDir.length + 1))).sort()).toEqual(TRIALS.map((t) => REPEATS.map((r) => join(t, r))));
  });

  it("the run's data lists the four repeat curves with their epochs", () => {
    const data = readRun(runDir, runId);
    expect(data.children.map((c) => [c.id, c.part])).toEqual(TRIALS.map((t) => [`${runId}/${t}`, "trial"]));
    expect(repeatCurves(data)).toEqual(EXPECTED());
  });

  it("report.html embeds the four repeat curves", () => {
    expect(repeatCurves(embedded(join(runDir, "report.html")))).toEqual(EXPECTED());
  });

  describe("nnc board", () => {
    let board: Board;
    beforeAll(async () => {
      board = await startBoard({ dir: dirname(runDir), port: 0, rescanMs: 100 });
    });
    afterAll(async () => {
      await board?.close();
    });

    it("lists each trial's repeats below it", async () => {
      const list = JSON.parse(await get(board, "/api/runs")) as RunEntry[];
      const run = list.find((r) => r.id === runId)!;
      expect(run.children.map((t) => [t.id, t.part, t.children.map((r) => [r.id, r.part, r.epochs])])).toEqual(
        TRIALS.map((t) => [`${runId}/${t}`, "trial", REPEATS.map((r) => [`${runId}/${t}/${r}`, "repeat", 2])]),
      );
    });

    it("gives the run's data with the four repeat curves, and each repeat's own", async () => {
      expect(repeatCurves(JSON.parse(await get(board, `/api/runs/${runId}`)) as RunData)).toEqual(EXPECTED());
      const repeat = JSON.parse(await get(board, `/api/runs/${runId}/trial-02/repeat-2`)) as RunData;
      expect([repeat.id, repeat.part, repeat.epochs.map((e) => e.epoch)]).toEqual([`${runId}/trial-02/repeat-2`, "repeat", [1, 2]]);
    });
  });

  describe.skipIf(skipBrowserTests)("report.html in Chromium", () => {
    it("draws each repeat's loss, named after its trial, and the trials' mean objective", async () => {
      const session = await launchBrowser();
      try {
        const file = join(runDir, "report.html");
        const { page, errors } = await session.newPage();
        await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
        await page.waitForSelector("#chart-loss");
        const labels = await page.$$eval("#chart-loss .u-legend .u-series th", (ths) => ths.map((th) => th.textContent?.trim() ?? ""));
        for (const t of TRIALS) for (const r of REPEATS) expect(labels).toContain(`${t} · ${r} training`);
        const rows = await page.$$eval("#trials tbody tr", (list) => list.map((row) => row.textContent ?? ""));
        expect(rows).toHaveLength(2);
        for (const row of rows) expect(row).toMatch(/ ± .* \(mean of 2\)/);
        expect(errors).toEqual([]);
      } finally {
        await session.close();
      }
    }, 60_000);
  });
});
