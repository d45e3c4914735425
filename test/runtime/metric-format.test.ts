/** runtime/core/metric-format.ts: rates of correct answers as percentages, everything else as a number. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { describeMetrics, formatMetric, isRate } from "../../runtime/core/metric-format.js";

describe("formatMetric", () => {
  it("writes accuracy and top_k as percentages, in every form: training, val_, per output", () => {
    for (const name of ["accuracy", "val_accuracy", "kind_accuracy", "val_kind_accuracy", "top_5", "val_top_5", "kind_top_3", "val_kind_top_3"]) {
      expect(isRate(name), name).toBe(true);
      expect(formatMetric(name, 0.978), name).toBe("97.80%");
    }
  });

  it("writes top_k the same for training and validation (it was a percentage for one and a fraction for the other)", () => {
    expect(formatMetric("val_top_5", 0.5)).toBe(formatMetric("top_5", 0.5));
    expect(formatMetric("val_top_5", 0.5)).toBe("50.00%");
  });

  it("writes losses and errors as numbers", () => {
    for (const name of ["loss", "val_loss", "mae", "val_mae", "kind_loss", "size_mae", "val_size_mae", "accuracy_loss", "top_5_mae", "topaccuracy", "top_k"]) {
      expect(isRate(name), name).toBe(false);
    }
    expect(formatMetric("loss", 0.07123)).toBe("0.0712");
    expect(formatMetric("mae", 12.5)).toBe("12.5000");
    expect(formatMetric("kind_loss", 1)).toBe("1.0000");
  });

  it("writes a value that is not finite as it is", () => {
    expect(formatMetric("loss", NaN)).toBe("NaN");
    expect(formatMetric("accuracy", Infinity)).toBe("Infinity");
  });

  it("a rate is a percentage with two decimals of any value in [0, 1]", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom("accuracy", "val_top_2", "out_accuracy"), (v, name) => {
        const text = formatMetric(name, v);
        expect(text).toMatch(/^\d{1,3}\.\d\d%$/);
        expect(Math.abs(Number(text.slice(0, -1)) - v * 100)).toBeLessThanOrEqual(0.005 + 1e-9);
      }),
    );
  });
});

describe("describeMetrics", () => {
  it("joins name and value pairs, with a prefix before each name", () => {
    expect(describeMetrics({ accuracy: 0.978, loss: 0.0712 }, "test ")).toBe("test accuracy 97.80%, test loss 0.0712");
    expect(describeMetrics({ kind_accuracy: 0.5, kind_loss: 0.25, size_mae: 0.125, top_5: 1 })).toBe("kind_accuracy 50.00%, kind_loss 0.2500, size_mae 0.1250, top_5 100.00%");
    expect(describeMetrics({})).toBe("");
  });
});
