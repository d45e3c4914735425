import { describe, it } from "vitest";
import { expectClean, expectDiagnostics } from "../support/without-data-files.js";
import { MLP, train } from "./settings-fixtures.js";

describe("E303 schedules that never take effect within the epochs", () => {
  it("reports a warm-up as long as the training", () => {
    expectDiagnostics(MLP + train("epochs: 5\n  schedule: warmup(epochs: 5)   // expect: E303 col 28: the warm-up lasts 5 epochs, but the training has 5 epochs (epochs 0 to 4)"));
    expectClean(MLP + train("epochs: 6\n  schedule: warmup(epochs: 5, then: cosine)"));
  });

  it("reports steps that never happen", () => {
    expectDiagnostics(MLP + train("epochs: 10\n  schedule: step(every: 10)   // expect: E303 col 25: a step every 10 epochs never happens: the training has 10 epochs (epochs 0 to 9)"));
    expectDiagnostics(MLP + train("epochs: 10\n  schedule: multistep(at: [5, 20])   // expect: E303 col 31: the step at epoch 20 never happens: the training has 10 epochs (epochs 0 to 9)"));
    expectClean(MLP + train("epochs: 30\n  schedule: multistep(at: [10, 20], factor: 0.5)"));
  });

  it("reports a min_lr that is not below the learning rate, also in a schedule a warm-up wraps", () => {
    expectDiagnostics(MLP + train("schedule: cosine(min_lr: 0.5)   // expect: E303 col 28: `min_lr` 0.5 is not below the learning rate 0.1: `cosine` cannot lower it"));
    expectDiagnostics(MLP + train("schedule: warmup(2, then: cosine(min_lr: 0.5))   // expect: E303 col 44: `min_lr` 0.5 is not below the learning rate 0.1: `cosine` cannot lower it"));
    expectClean(MLP + train("schedule: on_plateau(factor: 0.5, min_lr: 0.03 / 128)"));
  });
});
