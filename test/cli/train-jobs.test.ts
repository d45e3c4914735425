import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { main } from "../../compiler/cli/main.js";
import { runTrainOn } from "../../compiler/cli/train-command.js";
import type { TrainingReport } from "../../runtime/core/program.js";

const SOURCE = `model Mlp(hidden: int = 8) {
  input image: [784]
  output digit = image -> dense(hidden, activation: relu) -> dense(10, activation: softmax)
}

train grid: Mlp(hidden: choice(8, 16)) {
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: sgd(lr: choice(0.1, 0.3))
  batch_size: 20
  epochs: 2
  seed: 7
  tune: grid
}

train members: Mlp {
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: sgd(lr: 0.3)
  batch_size: 20
  epochs: 2
  seed: 7
  ensemble: 3
}

train kfold: Mlp {
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: sgd(lr: 0.3)
  batch_size: 20
  epochs: 2
  seed: 7
  folds: 3
}

train missing: Mlp(hidden: choice(8, 16)) {
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
  batch_size: 20
  epochs: 1
  seed: 7
  tune: grid
  init_from: "no-such-model/model.json"
}
`;

function setUp(): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), "nnc-jobs-"));
  const file = join(dir, "jobs.nn");
  writeFileSync(file, SOURCE);
  return { dir, file };
}

async function train(args: string[]): Promise<{ code: number; log: string; stderr: string }> {
  let log = "";
  let stderr = "";
  const io = { stdout: () => {}, stderr: (t: string) => void (stderr += t), color: false };
  const code = await runTrainOn(args, io, { output: { write: (t: string) => (log += t) }, stdoutIsTTY: false });
  return { code, log, stderr };
}

function report(dir: string): TrainingReport {
  return JSON.parse(readFileSync(join(dir, "report.json"), "utf8")) as TrainingReport;
}

/** What must not change with --jobs: every metric of every part, and the run's test metrics. */
function metricsOf(r: TrainingReport) {
  const parts = [...(r.trials ?? []), ...(r.members ?? []), ...(r.folds?.runs ?? [])];
  return {
    test: r.test,
    folds: r.folds && { validation: r.folds.validation, test: r.folds.test },
    best: r.trials?.[0]?.trial ?? null,
    parts: parts.map((p) => ({ test: p.test, seed: p.seed, history: p.history.map((e) => ({ train: e.train, validation: e.validation })) })),
  };
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
