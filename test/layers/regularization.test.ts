import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { shapeToString } from "../../compiler/shapes/shape.js";
import { layerDef, paramsOf, run, shape } from "./harness.js";

describe("dropout", () => {
  it("keeps the shape and has no parameters, for every rate in [0, 1)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 4 }), fc.double({ min: 0, max: 0.999, noNaN: true }), (dims, rate) => {
        const result = run("dropout", shape(...dims), { rate });
        expect(result.problems).toEqual([]);
        expect(shapeToString(result.output!)).toBe(`[${dims.join(", ")}]`);
        expect(paramsOf(result)).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it("keeps symbolic shapes", () => {
    expect(shapeToString(run("dropout", shape("T", 8), { rate: 0.5 }).output!)).toBe("[T, 8]");
  });

  it("states the range 0 ≤ rate < 1 in its type, for the binder's E105", () => {
    const rate = layerDef("dropout").signature.params.find((p) => p.name === "rate")!;
    expect(rate.required).toBe(true);
    expect(rate.type).toEqual({ kind: "float", range: { min: 0, max: 1, maxExclusive: true } });
  });
});
