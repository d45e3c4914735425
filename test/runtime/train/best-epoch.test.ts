import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { EpochRecord } from "../../../runtime/core/history.js";
import { bestByLoss, improved } from "../../../runtime/train/fit.js";

const epoch = (n: number, validation: Record<string, number> | null): EpochRecord => ({ epoch: n, lr: 0.1, seconds: 0, train: { loss: 1 }, validation, gradientNorms: null, weightNorms: null });

describe("the best epoch", () => {
  it("is never one whose validation value is NaN or infinite", () => {
    expect(improved(NaN, null, "val_loss", 0)).toBe(false);
    expect(improved(-Infinity, 0.5, "val_loss", 0)).toBe(false);
    expect(improved(Infinity, null, "val_accuracy", 0)).toBe(false);
    expect(improved(0.4, 0.5, "val_loss", 0)).toBe(true);
    expect(bestByLoss([epoch(1, { loss: 0.5 }), epoch(2, { loss: NaN }), epoch(3, { loss: -Infinity }), epoch(4, { loss: 0.6 })])).toBe(1);
    expect(bestByLoss([epoch(1, { loss: NaN })])).toBeNull();
  });

  it("is the finite minimum of the validation loss (maximum of accuracy) whatever non-finite values surround it", () => {
    const value = fc.oneof(fc.double({ min: 0, max: 10, noNaN: true }), fc.constantFrom(NaN, Infinity, -Infinity));
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 20 }), fc.boolean(), (values, accuracy) => {
        const key = accuracy ? "accuracy" : "loss";
        const best = bestByLoss(values.map((v, i) => epoch(i + 1, { [key]: v })));
        const finite = values.map((v, i) => [v, i + 1] as const).filter(([v]) => Number.isFinite(v));
        if (finite.length === 0) return best === null;
        const target = accuracy ? Math.max(...finite.map(([v]) => v)) : Math.min(...finite.map(([v]) => v));
        return best === finite.find(([v]) => v === target)![1];
      }),
    );
  });
});
