import fc from "fast-check";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dataErrorOf as errorOf } from "../../support/data-errors.js";
import { loadJson, type JsonSetting } from "../../../runtime/data/json.js";

const dir = mkdtempSync(join(tmpdir(), "nnc-json-"));

function write(name: string, value: unknown): string {
  writeFileSync(join(dir, name), typeof value === "string" ? value : JSON.stringify(value));
  return name;
}

function setting(path: string, more: Partial<JsonSetting> = {}): JsonSetting {
  return { path, shape: null, classes: null, targets: null, ...more };
}


/** A nested array of `shape` holding consecutive numbers from `start`. */
function grid(shape: number[], start = 0): unknown {
  let next = start;
  const build = (d: number): unknown => (d === shape.length ? next++ : Array.from({ length: shape[d] }, () => build(d + 1)));
  return build(0);
}

describe("loadJson", () => {
  it("reads an array of {x, y} examples with class labels", () => {
    const path = write("rows.json", [
      { x: [[1, 2], [3, 4]], y: 1 },
      { x: [[5, 6], [7, 8]], y: 0 },
    ]);
    const data = loadJson(setting(path), dir);
    expect(data).toMatchObject({ count: 2, xShape: [2, 2], yShape: [2], classes: 2 });
    expect(Array.from(data.x)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(Array.from(data.y)).toEqual([0, 1, 1, 0]);
    // `shape` may add the trailing channel axis the file leaves out.
    expect(loadJson(setting(path, { shape: [2, 2, 1], classes: 3 }), dir)).toMatchObject({ xShape: [2, 2, 1], yShape: [3], classes: 3 });
  });

  it("reads parallel x and y arrays with regression targets", () => {
    const path = write("columns.json", { x: [[1, 2, 3], [4, 5, 6], [7, 8, 9]], y: [[0.5, 1], [1.5, 2], [2.5, 3]] });
    const data = loadJson(setting(path), dir);
    expect(data).toMatchObject({ count: 3, xShape: [3], yShape: [2], classes: null });
    expect(Array.from(data.y)).toEqual([0.5, 1, 1.5, 2, 2.5, 3]);
    expect(loadJson(setting(path, { targets: 2 }), dir)).toMatchObject({ yShape: [2] });
    const scalars = write("scalars.json", { x: [1, 2], y: [0.25, 3] });
    expect(loadJson(setting(scalars), dir)).toMatchObject({ xShape: [1], yShape: [1], x: Float32Array.of(1, 2), y: Float32Array.of(0.25, 3) });
    const integers = write("integers.json", { x: [1, 2], y: [4, 3] });
    expect(loadJson(setting(integers, { targets: 1 }), dir)).toMatchObject({ yShape: [1], classes: null, y: Float32Array.of(4, 3) });
  });

  it("names the file, the example and what was expected", () => {
    const rows = Array.from({ length: 13 }, (_, i) => ({ x: grid(i === 12 ? [27, 28] : [28, 28]), y: i % 10 }));
    const mnist = write("data.json", rows);
    expect(errorOf(() => loadJson(setting(mnist, { shape: [28, 28, 1] }), dir))).toBe("data.json: example 12: x has shape [27, 28], expected [28, 28, 1]");
    expect(errorOf(() => loadJson(setting(mnist), dir))).toBe("data.json: example 12: x has shape [27, 28], expected [28, 28] (the shape of example 0)");
    const ragged = write("ragged.json", [{ x: [[1, 2], [3]], y: 0 }]);
    expect(errorOf(() => loadJson(setting(ragged), dir))).toBe("ragged.json: example 0: x[1] has 1 items, expected 2 like x[0] (x is not rectangular)");
    const text = write("text.json", [{ x: [1, 2], y: 0 }, { x: [1, "2"], y: 1 }]);
    expect(errorOf(() => loadJson(setting(text), dir))).toBe('text.json: example 1: x[1] is "2", expected a number');
    const deep = write("deep.json", [{ x: [1, [2]], y: 0 }]);
    expect(errorOf(() => loadJson(setting(deep), dir))).toBe("deep.json: example 0: x[1] is an array of 1, expected a number (x is not rectangular: x[0] is a number)");
    const targets = write("targets.json", [{ x: [1], y: [1, 2] }, { x: [2], y: [1, 2, 3] }]);
    expect(errorOf(() => loadJson(setting(targets, { targets: 2 }), dir))).toBe("targets.json: example 1: y has shape [3], expected [2] from `targets`");
    expect(errorOf(() => loadJson(setting(targets, { classes: 3 }), dir))).toBe("targets.json: example 0: y has shape [2], expected a class index (one number)");
    const label = write("label.json", [{ x: [1], y: 0 }, { x: [2], y: 5 }]);
    expect(errorOf(() => loadJson(setting(label, { classes: 3 }), dir))).toBe("label.json: example 1: y: label 5 is not a class index in 0…2");
    expect(errorOf(() => loadJson(setting(write("noy.json", [{ x: [1] }])), dir))).toBe('noy.json: example 0: expected an object with "x" and "y", found an object');
    expect(errorOf(() => loadJson(setting(write("uneven.json", { x: [[1], [2]], y: [0] })), dir))).toBe(
      'uneven.json: "x" holds 2 examples but "y" holds 1 targets; they must match one to one',
    );
    expect(errorOf(() => loadJson(setting(write("number.json", 3)), dir))).toBe(
      'number.json: expected an array of {"x": …, "y": …} examples or an object {"x": […], "y": […]}, found 3',
    );
    expect(errorOf(() => loadJson(setting(write("broken.json", '[{"x": [1], "y": 0}')), dir))).toMatch(/^broken\.json: not valid JSON: /);
    expect(errorOf(() => loadJson(setting(write("empty.json", [])), dir))).toBe("empty.json: the file holds no examples");
    expect(errorOf(() => loadJson(setting("gone.json"), dir))).toBe(`cannot read data file "gone.json" (resolved to ${join(dir, "gone.json")}): no such file`);
  });

  it("round-trips random nested float32 arrays in both layouts", () => {
    let n = 0;
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.float({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 30 }),
        fc.boolean(),
        (shape, count, pool, rowsLayout) => {
          const size = shape.reduce((a, b) => a * b, 1);
          const values: number[] = [];
          const xs = Array.from({ length: count }, (_, i) => {
            let k = 0;
            const build = (d: number): unknown => {
              if (d < shape.length) return Array.from({ length: shape[d] }, () => build(d + 1));
              const v = pool[(i * size + k++) % pool.length];
              values.push(Object.is(v, -0) ? 0 : v); // JSON writes -0 as 0
              return v;
            };
            return build(0);
          });
          const ys = xs.map((_, i) => [pool[i % pool.length], i]);
          const document = rowsLayout ? xs.map((x, i) => ({ x, y: ys[i] })) : { x: xs, y: ys };
          const data = loadJson(setting(write(`prop-${n++}.json`, document), { shape, targets: 2 }), dir);
          expect(data.count).toBe(count);
          expect(data.xShape).toEqual(shape);
          expect(Array.from(data.x)).toEqual(values);
          expect(Array.from(data.y)).toEqual(ys.flat().map((v) => (Object.is(v, -0) ? 0 : v)));
        },
      ),
      { numRuns: 60 },
    );
  });
});
