import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dimEquals, parseDim } from "../../compiler/shapes/dim.js";
import { expectShape, paramsOf, run, shape } from "./harness.js";

describe("batchnorm and layernorm", () => {
  it("keep the shape; batchnorm counts 4·C (with the moving statistics), layernorm 2·C", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 3 }), (dims) => {
        const text = `[${dims.join(", ")}]`;
        const channels = dims[dims.length - 1];
        expect(paramsOf(expectShape("batchnorm", shape(...dims), {}, text))).toBe(4 * channels);
        expect(paramsOf(expectShape("layernorm", shape(...dims), {}, text))).toBe(2 * channels);
      }),
      { numRuns: 200 },
    );
  });

  it("have Keras' defaults", () => {
    const { args } = run("batchnorm", shape(4), {});
    expect(args.get("momentum")?.value).toMatchObject({ value: 0.99 });
    expect(args.get("epsilon")?.value).toMatchObject({ value: 0.001 });
  });

  it("count symbolic channels symbolically", () => {
    expect(dimEquals(run("batchnorm", shape("H", "W", "C"), {}).params!, parseDim("4 * C"))).toBe(true);
  });
});
