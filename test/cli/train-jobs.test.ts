import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { main } from "../../compiler/cli/main.js";
import { runTrainOn } from "../../compiler/cli/train-command.js";
import { metricsOf, reportOf as report } from "../support/run-metrics.js";
import { setUpSweep } from "../support/sweep-source.js";

const setUp = setUpSweep;

async function train(args: string[]): Promise<{ code: number; log: string; stderr: string }> {
  let log = "";
  let stderr = "";
  const io = { stdout: () => {}, stderr: (t: string) => void (stderr += t), color: false };
  const code = await runTrainOn(args, io, { output: { write: (t: string) => (log += t) }, stdoutIsTTY: false });
  return { code, log, stderr };
}

describe("nnc train --jobs N", () => {
  it("a 4-trial grid, a 3-member ensemble and 3 folds in 2 workers equal the serial run exactly", async () => {
    const { dir, file } = setUp();
    for (const label of ["grid", "members", "kfold"]) {
      const serial = await train([file, "--train", label, "--limit", "200", "--run-dir", join(dir, `${label}-1`)]);
      expect(serial.code, serial.stderr).toBe(0);
      const parallel = await train([file, "--train", label, "--limit", "200", "--run-dir", join(dir, `${label}-2`), "--jobs", "2"]);
      expect(parallel.code, parallel.stderr).toBe(0);
      expect(metricsOf(report(join(dir, `${label}-2`)))).toEqual(metricsOf(report(join(dir, `${label}-1`))));
      const part = { grid: "trial", members: "member", kfold: "fold" }[label];
      expect(parallel.log).toMatch(new RegExp(`^${part} 2/\\d: epoch 2/2`, "m"));
    }
    const grid = report(join(dir, "grid-2"));
    expect(grid.trials).toHaveLength(4);
    expect(readFileSync(join(dir, "grid-2", "nnc-package.json"), "utf8")).toContain(`trial-0${grid.trials![0].trial}`);
  }, 90_000);

  it("a bayesian search with --jobs 2 chooses two trials at a time, the same ones every run; with --jobs 1 it is the serial search", async () => {
    const { dir, file } = setUp();
    const chosen = (run: string) => report(join(dir, run)).trials!.map((t) => [t.trial, t.chosen, t.objective]).sort((a, b) => Number(a[0]) - Number(b[0]));
    const serial = await train([file, "--train", "guided", "--limit", "100", "--run-dir", join(dir, "serial")]);
    expect(serial.code, serial.stderr).toBe(0);
    const one = await train([file, "--train", "guided", "--limit", "100", "--run-dir", join(dir, "one"), "--jobs", "1"]);
    expect(chosen("one")).toEqual(chosen("serial"));
    for (const run of ["two-a", "two-b"]) {
      const r = await train([file, "--train", "guided", "--limit", "100", "--run-dir", join(dir, run), "--jobs", "2"]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.log).toContain("bayesian search, 2 trials at a time (--jobs)");
    }
    expect(chosen("two-b")).toEqual(chosen("two-a"));
    const trials = chosen("two-a");
    expect(trials).toHaveLength(6);
    // No batch chooses the same values twice.
    for (let i = 0; i < 6; i += 2) expect(trials[i][1]).not.toEqual(trials[i + 1][1]);
    expect(one.code).toBe(0);
  }, 120_000);

  it("a part that fails fails the run, naming the part", async () => {
    const { dir, file } = setUp();
    const r = await train([file, "--train", "missing", "--limit", "100", "--run-dir", join(dir, "run"), "--jobs", "2"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/training missing failed: trial [12]\/2: init_from: "no-such-model\/model.json" does not exist/);
  }, 60_000);

  it("a worker that is killed fails the run, naming the part, without hanging", async () => {
    const { dir, file } = setUp();
    const run = train([file, "--train", "grid", "--limit", "2000", "--run-dir", join(dir, "run"), "--jobs", "2"]);
    let killed = false;
    for (let i = 0; i < 300 && !killed; i++) {
      await new Promise((done) => setTimeout(done, 100));
      const pids = await promisify(execFile)("pgrep", ["-P", String(process.pid), "-f", "part-worker"]).then((r) => r.stdout.trim().split("\n").filter(Boolean), () => []);
      if (pids.length > 0) {
        process.kill(Number(pids[0]), "SIGKILL");
        killed = true;
      }
    }
    expect(killed).toBe(true);
    const r = await run;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/trial \d\/4: the worker was killed \(SIGKILL\) before sending its result/);
  }, 60_000);

  it("a second Ctrl-C quits at once (exit 130) and leaves no temporary module behind", async () => {
    const { dir, file } = setUp();
    // The generated module the workers import is written under TMPDIR.
    const temp = mkdtempSync(join(tmpdir(), "nnc-jobs-tmp-"));
    const child = spawn(process.execPath, [resolve(import.meta.dirname, "../../bin/nnc.js"), "train", file, "--train", "long", "--limit", "3000", "--run-dir", join(dir, "run"), "--jobs", "2"], {
      env: { ...process.env, TMPDIR: temp },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      const before = stderr;
      stderr += chunk.toString();
      // Once a worker trains, Ctrl-C; once that is acknowledged, Ctrl-C again.
      if (!/member \d\/2: steps:/.test(before) && /member \d\/2: steps:/.test(stderr)) child.kill("SIGINT");
      if (!before.includes("interrupted (Ctrl-C):") && stderr.includes("interrupted (Ctrl-C):")) child.kill("SIGINT");
    });
    try {
      expect(await exited, stderr).toBe(130);
      expect(stderr).toContain("interrupted (Ctrl-C) again: quitting now; nothing more is saved");
      expect(readdirSync(temp)).toEqual([]);
    } finally {
      child.kill("SIGKILL");
    }
  }, 60_000);

  it("--jobs must be a positive integer (usage error, exit 2)", async () => {
    const { file } = setUp();
    for (const jobs of ["0", "-1", "1.5", "two"]) {
      let stderr = "";
      const code = await main(["train", file, "--train", "grid", `--jobs=${jobs}`], { stdout: () => {}, stderr: (t) => (stderr += t), color: false });
      expect(code).toBe(2);
      expect(stderr).toContain("--jobs must be a positive integer");
    }
  });
});
