import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { constValue, dimConst, dimSymbol, dimToString, evaluateDim } from "../../compiler/shapes/dim.js";
import { slide } from "../../compiler/layers/window.js";

describe("slide", () => {
  it("gives the brief's examples", () => {
    expect(dimToString(slide(dimSymbol("T"), dimConst(3), 1, 1, "valid"))).toBe("T - 2");
    expect(dimToString(slide(dimSymbol("T"), dimConst(2), 2, 1, "valid"))).toBe("floor(T / 2)");
    expect(dimToString(slide(dimSymbol("T"), dimConst(3), 2, 1, "same"))).toBe("ceil(T / 2)");
    expect(constValue(slide(dimConst(28), dimConst(5), 1, 1, "valid"))).toBe(24);
  });

  it("is floor((H − d(k − 1) − 1) / s) + 1 (valid) or ceil(H / s) (same), symbolically and at every H", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom<"valid" | "same">("valid", "same"),
        (h, k, s, d, padding) => {
          const want = padding === "same" ? Math.ceil(h / s) : Math.floor((h - d * (k - 1) - 1) / s) + 1;
          expect(constValue(slide(dimConst(h), dimConst(k), s, d, padding))).toBe(want);
          expect(evaluateDim(slide(dimSymbol("H"), dimConst(k), s, d, padding), new Map([["H", h]]))).toBe(want);
          expect(evaluateDim(slide(dimSymbol("H"), dimSymbol("K"), s, d, padding), new Map([["H", h], ["K", k]]))).toBe(want);
        },
      ),
      { numRuns: 300 },
    );
  });
});
