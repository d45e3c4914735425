import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ACTIVATIONS } from "../../compiler/layers/common.js";
import { shapeToString } from "../../compiler/shapes/shape.js";
import { layerDef, paramsOf, run, shape } from "./harness.js";

describe("activation layers", () => {
  it("exist for every activation of the language, keep the shape, have no parameters, and name their activation", () => {
    fc.assert(
      fc.property(fc.constantFrom(...ACTIVATIONS), fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 4 }), (name, dims) => {
        const result = run(name, shape(...dims), {});
        expect(result.problems).toEqual([]);
        expect(shapeToString(result.output!)).toBe(`[${dims.join(", ")}]`);
        expect(paramsOf(result)).toBe(0);
        expect(layerDef(name).activation?.(result.args)).toBe(name);
        expect(layerDef(name).category).toBe("activation");
      }),
      { numRuns: 200 },
    );
  });

  it("give leaky_relu the lectures' slope 0.01 by default", () => {
    expect(run("leaky_relu", shape(4), {}).args.get("alpha")?.value).toMatchObject({ value: 0.01 });
  });
});
