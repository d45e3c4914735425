import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkWithoutData, expectClean, expectDiagnostics } from "../support/without-data-files.js";
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

  it("counts the steps of a schedule a warm-up wraps from the warm-up's end, as the runtime does", () => {
    expectDiagnostics(
      MLP +
        train(
          "epochs: 10\n  schedule: warmup(epochs: 2, then: step(every: 9))   // expect: E303 col 49: a step every 9 epochs never happens: after the 2-epoch warm-up the training has 8 epochs left, which this schedule counts from 0 (0 to 7)",
        ),
    );
    expectClean(MLP + train("epochs: 10\n  schedule: warmup(epochs: 2, then: step(every: 7))"));
    expectDiagnostics(
      MLP +
        train(
          "epochs: 10\n  schedule: warmup(epochs: 3, then: multistep(at: [2, 7]))   // expect: E303 col 55: the step at epoch 7 never happens: after the 3-epoch warm-up the training has 7 epochs left, which this schedule counts from 0 (0 to 6)",
        ),
    );
    // A warm-up as long as the training is reported once; what it wraps never starts.
    expectDiagnostics(MLP + train("epochs: 5\n  schedule: warmup(epochs: 5, then: step(every: 2))   // expect: E303 col 28: the warm-up lasts 5 epochs, but the training has 5 epochs (epochs 0 to 4)"));
  });

  it("holds for any warm-up and step: the step is reported exactly when it comes at or after the epochs left", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 30 }), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 30 }), (epochs, warm, every) => {
        fc.pre(warm < epochs);
        const result = checkWithoutData(MLP + train(`epochs: ${epochs}\n  schedule: warmup(epochs: ${warm}, then: step(every: ${every}))`));
        const steps = result.diagnostics.filter((d) => d.code === "E303" && d.message.startsWith("a step every"));
        expect(steps).toHaveLength(every >= epochs - warm ? 1 : 0);
      }),
      { numRuns: 40 },
    );
  });

  it("reports a min_lr that is not below the learning rate, also in a schedule a warm-up wraps", () => {
    expectDiagnostics(MLP + train("schedule: cosine(min_lr: 0.5)   // expect: E303 col 28: `min_lr` 0.5 is not below the learning rate 0.1: `cosine` cannot lower it"));
    expectDiagnostics(MLP + train("schedule: warmup(2, then: cosine(min_lr: 0.5))   // expect: E303 col 44: `min_lr` 0.5 is not below the learning rate 0.1: `cosine` cannot lower it"));
    expectClean(MLP + train("schedule: on_plateau(factor: 0.5, min_lr: 0.03 / 128)"));
  });
});
