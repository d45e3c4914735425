import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { constValue, dimConst, dimSymbol, dimToString, evaluateDim, floorDiv, parseDim, sub } from "../../compiler/shapes/dim.js";
import { isFullyConstant, product, shapeEquals, shapeToJson, shapeToString, type Shape } from "../../compiler/shapes/shape.js";

const T = dimSymbol("T");
const shape = (...dims: readonly (number | string)[]): Shape =>
  dims.map((d) => (typeof d === "number" ? dimConst(d) : parseDim(d)));

describe("shapes", () => {
  it("prints like the language", () => {
    expect(shapeToString(shape(24, 24, 20))).toBe("[24, 24, 20]");
    expect(shapeToString([sub(T, dimConst(2)), dimConst(8)])).toBe("[T - 2, 8]");
    expect(shapeToString([floorDiv(sub(T, dimConst(4)), 2), dimConst(8)])).toBe("[floor((T - 4) / 2), 8]");
    expect(shapeToString([])).toBe("[]");
  });

  it("gives numbers and strings in JSON", () => {
    expect(shapeToJson(shape("T - 2", 8))).toEqual(["T - 2", 8]);
    expect(shapeToJson(shape(28, 28, 1))).toEqual([28, 28, 1]);
  });

  it("compares rank and dimensions", () => {
    expect(shapeEquals(shape("T - 2", 8), [sub(T, dimConst(2)), dimConst(8)])).toBe(true);
    expect(shapeEquals(shape(8), shape(8, 1))).toBe(false);
    expect(shapeEquals(shape("T", 8), shape("H", 8))).toBe(false);
  });

  it("multiplies dimensions for flatten", () => {
    expect(constValue(product(shape(12, 12, 20)))).toBe(2880);
    expect(constValue(product([]))).toBe(1);
    expect(dimToString(product(shape("W", "H", 3)))).toBe("3 * H * W");
    expect(isFullyConstant(shape(12, 12, 20))).toBe(true);
    expect(isFullyConstant(shape("T", 8))).toBe(false);
  });

  it("has a product equal to the product of the evaluated dimensions", () => {
    const dimArb = fc.oneof(
      fc.integer({ min: 1, max: 9 }).map(dimConst),
      fc.constantFrom("T", "H", "floor(T / 2)", "T - 2", "ceil(H / 3)").map(parseDim),
    );
    fc.assert(
      fc.property(fc.array(dimArb, { maxLength: 4 }), fc.integer({ min: -5, max: 20 }), fc.integer({ min: -5, max: 20 }), (s, t, h) => {
        const env = new Map([["T", t], ["H", h]]);
        const want = s.reduce((p, d) => p * evaluateDim(d, env), 1) || 0; // no -0
        expect(evaluateDim(product(s), env)).toBe(want);
        expect(isFullyConstant(s)).toBe(s.every((d) => constValue(d) !== undefined));
      }),
      { numRuns: 300 },
    );
  });
});
