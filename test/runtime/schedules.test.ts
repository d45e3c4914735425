import { describe, expect, it } from "vitest";
import type { ScheduleSetting, Settled } from "../../runtime/core/settings.js";
import { LearningRateSchedule } from "../../runtime/train/schedules.js";
import { loadProgram, mlpProgram } from "../support/train-source.js";

const rates = (setting: Settled<ScheduleSetting>, epochs: number, base = 0.1) => {
  const s = new LearningRateSchedule(setting, base, epochs);
  return Array.from({ length: epochs }, (_, e) => s.rateAt(e));
};

describe("learning-rate schedules, per epoch", () => {
  it("constant", () => expect(rates({ kind: "constant" }, 3)).toEqual([0.1, 0.1, 0.1]));
  it("step(every, factor)", () => {
    const r = rates({ kind: "step", every: 2, factor: 0.5 }, 5);
    expect(r).toEqual([0.1, 0.1, 0.05, 0.05, 0.025]);
  });
  it("multistep(at, factor)", () => {
    expect(rates({ kind: "multistep", at: [1, 3], factor: 0.1 }, 4).map((x) => Number(x.toPrecision(6)))).toEqual([0.1, 0.01, 0.01, 0.001]);
  });
  it("exponential(k): η₀·e^(−k·epoch)", () => {
    const r = rates({ kind: "exponential", k: 0.5 }, 3);
    r.forEach((v, e) => expect(v).toBeCloseTo(0.1 * Math.exp(-0.5 * e), 12));
  });
  it("inverse_time(k): η₀/(1 + k·epoch)", () => {
    const r = rates({ kind: "inverse_time", k: 1 }, 3);
    expect(r.map((v) => Number(v.toPrecision(6)))).toEqual([0.1, 0.05, Number((0.1 / 3).toPrecision(6))]);
  });
  it("cosine(min_lr) falls from η₀ towards min_lr", () => {
    const r = rates({ kind: "cosine", minLr: 0.01 }, 4);
    expect(r[0]).toBeCloseTo(0.1, 12);
    expect(r[2]).toBeCloseTo(0.01 + 0.09 * 0.5, 12);
    for (let i = 1; i < r.length; i++) expect(r[i]).toBeLessThan(r[i - 1]);
  });
  it("warmup(epochs, then) ramps up, then runs the next schedule from its start", () => {
    const r = rates({ kind: "warmup", epochs: 2, then: { kind: "step", every: 1, factor: 0.5 } }, 5);
    expect(r).toEqual([0.05, 0.1, 0.1, 0.05, 0.025]);
  });
  it("on_plateau(monitor, patience, factor, min_lr) cuts the rate after `patience` epochs without improvement", () => {
    const s = new LearningRateSchedule({ kind: "on_plateau", monitor: "val_loss", patience: 2, factor: 0.5, minLr: 0.03 }, 0.1, 10);
    const seen: number[] = [];
    for (const loss of [1, 0.9, 0.95, 0.93, 0.92, 0.91, 0.99, 1]) {
      seen.push(s.rateAt(seen.length));
      s.observe({ val_loss: loss });
    }
    expect(seen).toEqual([0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.03, 0.03]);
  });

  it("a training records the rate its schedule gave each epoch, with any optimizer", async () => {
    for (const optimizer of ["sgd(lr: 0.1, momentum: 0.9)", "adam(lr: 0.1)", "rmsprop(lr: 0.1)", "adagrad(lr: 0.1)", "adadelta(lr: 0.1)", "adamax(lr: 0.1)"]) {
      const program = await loadProgram(mlpProgram(`optimizer: ${optimizer}\n  schedule: step(every: 1, factor: 0.5)\n  epochs: 3\n  batch_size: 50\n  seed: 3`));
      const report = await program.train("Mlp", { limit: 100 });
      expect(report.history.map((r) => r.lr), optimizer).toEqual([0.1, 0.05, 0.025]);
    }
  }, 120_000);
});
