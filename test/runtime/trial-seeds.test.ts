/**
 * The seeds of a search's trials (issue 17): every trial trains from the training's seed, so the
 * ranking compares the searched values and not the initial weights; `repeats: k` trains each trial
 * from k seeds and ranks on the mean objective.
 */
import * as tf from "@tensorflow/tfjs";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadProgram, mlpProgram } from "../support/train-source.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("the seeds of a search's trials", () => {
  it("every trial starts from the training's seed: the same value trains the same way", async () => {
    const program = mlpProgram("optimizer: sgd(lr: choice(0.1, 0.1))\n  batch_size: 20\n  epochs: 1\n  seed: 5\n  tune: grid");
    const report = await (await loadProgram(program, "same-seed")).train("Mlp", { limit: 60 });
    const trials = [...(report.trials ?? [])].sort((a, b) => a.trial - b.trial);
    expect(trials.map((t) => t.seed)).toEqual([5, 5]);
    expect(trials.map((t) => t.repeats.map((r) => r.seed))).toEqual([[5], [5]]);
    // Same weights, same batches, same learning rate: the same first epoch, to the bit.
    expect(trials[0].history[0].train.loss).toBe(trials[1].history[0].train.loss);
    expect(trials[0].objective).toBe(trials[1].objective);
    expect(trials[0].objectiveStd).toBe(0);
  }, 60_000);

  it("repeats: 3 trains each trial from three seeds in repeat-j/ and ranks on the mean", async () => {
    const program = mlpProgram("optimizer: sgd(lr: choice(0.05, 0.5))\n  batch_size: 20\n  epochs: 1\n  seed: 11\n  tune: grid\n  repeats: 3");
    const report = await (await loadProgram(program, "repeats")).train("Mlp", { limit: 60 });
    const trials = report.trials ?? [];
    expect(trials).toHaveLength(2);
    for (const t of trials) {
      expect(t.repeats.map((r) => r.seed)).toEqual([11, 12, 13]);
      expect(t.repeats.map((r) => r.runDir)).toEqual([1, 2, 3].map((j) => join(t.runDir, `repeat-${j}`)));
      for (const r of t.repeats) expect(existsSync(join(r.runDir, "model.json"))).toBe(true);
      const scores = t.repeats.map((r) => r.objective!);
      const mean = scores.reduce((a, b) => a + b, 0) / 3;
      expect(t.objective).toBeCloseTo(mean, 12);
      expect(t.objectiveStd).toBeCloseTo(Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / 3), 12);
      // The first repeat's run is the trial's, and its package is the trial folder's.
      expect(t.seed).toBe(11);
      const pkg = JSON.parse(readFileSync(join(t.runDir, "nnc-package.json"), "utf8")) as { model: string };
      expect(pkg.model).toBe(join("repeat-1", "model.json"));
    }
    // Different seeds train differently.
    expect(new Set(trials[0].repeats.map((r) => r.objective)).size).toBeGreaterThan(1);
    expect(trials[0].objective!).toBeGreaterThanOrEqual(trials[1].objective!);
    // The run's package is the best trial's first repeat.
    const run = JSON.parse(readFileSync(join(report.runDir, "nnc-package.json"), "utf8")) as { model: string };
    expect(run.model).toBe(join(trials[0].runDir.slice(report.runDir.length + 1), "repeat-1", "model.json"));
  }, 120_000);
});
