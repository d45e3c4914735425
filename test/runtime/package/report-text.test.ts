import { describe, expect, it } from "vitest";
import { classReport } from "../../../runtime/package/evaluation.js";
import { classificationReportText, confusionMatrixText } from "../../../runtime/package/report-text.js";

describe("evaluation text", () => {
  it("lays the per-class table out as scikit-learn's classification_report", () => {
    // scikit-learn's own example: y_true [0, 1, 2, 2, 2], y_pred [0, 0, 2, 2, 1].
    const report = classReport("y", ["class 0", "class 1", "class 2"], Int32Array.of(0, 1, 2, 2, 2), Int32Array.of(0, 0, 2, 2, 1));
    expect(classificationReportText(report, 2)).toBe(
      [
        "              precision    recall  f1-score   support",
        "",
        "     class 0       0.50      1.00      0.67         1",
        "     class 1       0.00      0.00      0.00         1",
        "     class 2       1.00      0.67      0.80         3",
        "",
        "    accuracy                           0.60         5",
        "   macro avg       0.50      0.56      0.49         5",
        "weighted avg       0.70      0.60      0.61         5",
        "",
      ].join("\n"),
    );
  });

  it("shows the confusion matrix with class names, rows true and columns predicted", () => {
    const report = classReport("y", ["cat", "dog"], Int32Array.of(0, 0, 1, 1, 1), Int32Array.of(0, 1, 1, 1, 1));
    expect(confusionMatrixText(report)).toBe(["     cat  dog", "cat    1    1", "dog    0    3", ""].join("\n"));
  });

  it("cuts a matrix of more than 20 classes to the first 20, the rest summed as (others)", () => {
    const names = Array.from({ length: 25 }, (_, i) => `c${i}`);
    // Every example of class i is predicted as class (i + 1) mod 25.
    const truth = Int32Array.from({ length: 25 }, (_, i) => i);
    const predicted = Int32Array.from({ length: 25 }, (_, i) => (i + 1) % 25);
    const text = confusionMatrixText(classReport("y", names, truth, predicted));
    const lines = text.trimEnd().split("\n");
    expect(lines).toHaveLength(1 + 21 + 1);
    expect(lines[0].trim().split(/\s+/)).toEqual([...names.slice(0, 20), "(others)"]);
    // c19 → c20, hidden: counted under (others); the hidden classes' row: c24 → c0, and four among themselves.
    expect(lines[20].trim().split(/\s+/)).toEqual(["c19", ...new Array(20).fill("0"), "1"]);
    expect(lines[21].trim().split(/\s+/)).toEqual(["(others)", "1", ...new Array(19).fill("0"), "4"]);
    expect(lines[22]).toBe('(the first 20 of 25 classes; "(others)" sums the other 5; --format json has the whole matrix)');
  });
});
