import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dimEquals, parseDim } from "../../compiler/shapes/dim.js";
import { dim, expectShape, layerDef, paramsOf, run, shape, sym } from "./harness.js";

describe("dense", () => {
  it("maps the last axis to units, with (d + 1)·units parameters", () => {
    expect(paramsOf(expectShape("dense", shape(784), { units: 100, activation: "sigmoid" }, "[100]"))).toBe(78500);
    expectShape("dense", shape("T", 64), { units: 12 }, "[T, 12]");
    expect(paramsOf(run("dense", shape(10), { units: 3, use_bias: false }))).toBe(30);
  });

  it("counts symbolic units symbolically", () => {
    expect(dimEquals(run("dense", shape("F"), { units: dim(sym("U")) }).params!, parseDim("F * U + U"))).toBe(true);
  });

  it("names its activation", () => {
    const { args } = run("dense", shape(4), { units: 2, activation: "relu" });
    expect(layerDef("dense").activation?.(args)).toBe("relu");
  });

  it("counts d·units + units for any input", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 1000 }), (d, units) => {
        expect(paramsOf(run("dense", shape(d), { units }))).toBe(d * units + units);
      }),
      { numRuns: 200 },
    );
  });
});
