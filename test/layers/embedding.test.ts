import { describe, expect, it } from "vitest";
import { layerDef, paramsOf, run, shape } from "./harness.js";
import { shapeToString } from "../../compiler/shapes/shape.js";

describe("embedding", () => {
  it("maps token ids int32[T] to vectors [T, dim], with vocab·dim parameters", () => {
    const result = run("embedding", shape("T"), { vocab: 5000, dim: 64 }, "int32");
    expect(result.problems).toEqual([]);
    expect(shapeToString(result.output!)).toBe("[T, 64]");
    expect(paramsOf(result)).toBe(5000 * 64);
  });

  it("needs int32 input", () => {
    expect(layerDef("embedding").inputDType).toBe("int32");
    const result = run("embedding", shape(10), { vocab: 50, dim: 4 }, "float32");
    expect(result.problems.map((p) => p.code)).toEqual(["E200"]);
    expect(result.problems[0].message).toMatch(/integer token ids/);
    expect(result.problems[0].help).toMatch(/int32\[T\]/);
  });
});
