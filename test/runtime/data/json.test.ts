import fc from "fast-check";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dataErrorOf as errorOf } from "../../support/data-errors.js";
import { readAndEncode, rowsOf, type RuleOptions } from "../../support/user-data.js";
import { indexNames } from "../../../runtime/data/examples.js";
import { readJson, type JsonSetting, type TensorNames } from "../../../runtime/data/json.js";

const dir = mkdtempSync(join(tmpdir(), "nnc-json-"));

function write(name: string, value: unknown): string {
  writeFileSync(join(dir, name), typeof value === "string" ? value : JSON.stringify(value));
  return name;
}

function setting(path: string, more: Partial<JsonSetting> = {}): JsonSetting {
  return { path, shape: null, ...more };
}

/** Reads the file and encodes its targets with `rule` (`classes`, `targets`, the output's shape). */
function loadJson(s: JsonSetting, rule: RuleOptions = {}, names: TensorNames | null = null) {
  return readAndEncode(readJson(s, dir, names), rule);
}


/** A nested array of `shape` holding consecutive numbers from `start`. */
function grid(shape: number[], start = 0): unknown {
  let next = start;
  const build = (d: number): unknown => (d === shape.length ? next++ : Array.from({ length: shape[d] }, () => build(d + 1)));
  return build(0);
}

describe("readJson", () => {
  it("reads an array of {x, y} examples with class labels", () => {
    const path = write("rows.json", [
      { x: [[1, 2], [3, 4]], y: 1 },
      { x: [[5, 6], [7, 8]], y: 0 },
    ]);
    const raw = readJson(setting(path), dir, null);
    expect(raw.labels).toEqual([{ kind: "numbers", values: Float64Array.of(1, 0), shape: [] }]);
    expect(raw.where(1)).toBe("rows.json: example 1");
    const data = loadJson(setting(path));
    expect(data.count).toBe(2);
    expect(data.inputs[0].shape).toEqual([2, 2]);
    expect(data.targets[0]).toMatchObject({ shape: [2], classes: indexNames(2) });
    expect(Array.from(data.inputs[0].values)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(Array.from(data.targets[0].values)).toEqual([0, 1, 1, 0]);
    // `shape` may add the trailing channel axis the file leaves out.
    const shaped = loadJson(setting(path, { shape: [2, 2, 1] }), { classes: 3 });
    expect(shaped.inputs[0].shape).toEqual([2, 2, 1]);
    expect(shaped.targets[0]).toMatchObject({ shape: [3], classes: indexNames(3) });
  });

  it("reads string targets as class names", () => {
    const path = write("names.json", [
      { x: [1], y: "dog" },
      { x: [2], y: "cat" },
      { x: [3], y: "dog" },
    ]);
    expect(readJson(setting(path), dir, null).labels).toEqual([{ kind: "names", names: ["dog", "cat", "dog"] }]);
    const data = loadJson(setting(path));
    expect(data.targets[0]).toMatchObject({ shape: [2], classes: ["cat", "dog"] });
    expect(Array.from(data.targets[0].values)).toEqual([0, 1, 1, 0, 0, 1]);
    const mixed = write("mixed-names.json", [{ x: [1], y: "dog" }, { x: [2], y: 3 }]);
    expect(errorOf(() => loadJson(setting(mixed)))).toBe('mixed-names.json: example 1: y is 3, expected a class name like example 0\'s');
  });

  it("reads parallel x and y arrays with regression targets", () => {
    const path = write("columns.json", { x: [[1, 2, 3], [4, 5, 6], [7, 8, 9]], y: [[0.5, 1], [1.5, 2], [2.5, 3]] });
    const data = loadJson(setting(path));
    expect(data.count).toBe(3);
    expect(data.inputs[0].shape).toEqual([3]);
    expect(data.targets[0]).toMatchObject({ shape: [2], classes: null });
    expect(Array.from(data.targets[0].values)).toEqual([0.5, 1, 1.5, 2, 2.5, 3]);
    expect(loadJson(setting(path), { targets: 2 }).targets[0].shape).toEqual([2]);
    const scalars = write("scalars.json", { x: [1, 2], y: [0.25, 3] });
    const read = loadJson(setting(scalars));
    expect(read.inputs[0]).toEqual({ shape: [1], values: Float32Array.of(1, 2) });
    expect(read.targets[0]).toMatchObject({ shape: [1], values: Float32Array.of(0.25, 3) });
    const integers = write("integers.json", { x: [1, 2], y: [4, 3] });
    expect(loadJson(setting(integers), { targets: 1 }).targets[0]).toMatchObject({ shape: [1], classes: null, values: Float32Array.of(4, 3) });
  });

  it("keys a model's several inputs and outputs by their names", () => {
    const names = { inputs: ["image", "meta"], outputs: ["kind", "size"] };
    const path = write("named.json", [
      { image: [[1, 2], [3, 4]], meta: [0.5], kind: "cat", size: 2.5 },
      { image: [[5, 6], [7, 8]], meta: [1.5], kind: "dog", size: 3.5 },
    ]);
    const raw = readJson(setting(path), dir, names);
    expect(raw.inputs).toEqual([
      { values: Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8), shape: [2, 2] },
      { values: Float32Array.of(0.5, 1.5), shape: [1] },
    ]);
    expect(raw.labels).toEqual([
      { kind: "names", names: ["cat", "dog"] },
      { kind: "numbers", values: Float64Array.of(2.5, 3.5), shape: [] },
    ]);
    // The parallel layout, keyed the same way.
    const columns = write("named-columns.json", { image: [[[1, 2], [3, 4]]], meta: [[0.5]], kind: ["cat"], size: [2.5] });
    expect(readJson(setting(columns), dir, names).labels[1]).toEqual({ kind: "numbers", values: Float64Array.of(2.5), shape: [] });
    // With one input and one output, `x` and `y` or the model's own names.
    const single = write("single-named.json", [{ pixels: [1, 2], digit: 1 }]);
    expect(readJson(setting(single), dir, { inputs: ["pixels"], outputs: ["digit"] }).inputs[0].values).toEqual(Float32Array.of(1, 2));
    expect(errorOf(() => readJson(setting(write("missing-key.json", [{ image: [1], kind: "cat", size: 1 }])), dir, names))).toBe(
      'missing-key.json: the model\'s inputs are "image", "meta", but the examples have no key "meta" (they have "image", "kind", "size"); name each input by its key',
    );
  });

  it("names the file, the example and what was expected", () => {
    const rows = Array.from({ length: 13 }, (_, i) => ({ x: grid(i === 12 ? [27, 28] : [28, 28]), y: i % 10 }));
    const mnist = write("data.json", rows);
    expect(errorOf(() => loadJson(setting(mnist, { shape: [28, 28, 1] })))).toBe("data.json: example 12: x has shape [27, 28], expected [28, 28, 1]");
    expect(errorOf(() => loadJson(setting(mnist)))).toBe("data.json: example 12: x has shape [27, 28], expected [28, 28] (the shape of example 0)");
    const ragged = write("ragged.json", [{ x: [[1, 2], [3]], y: 0 }]);
    expect(errorOf(() => loadJson(setting(ragged)))).toBe("ragged.json: example 0: x[1] has 1 items, expected 2 like x[0] (x is not rectangular)");
    const text = write("text.json", [{ x: [1, 2], y: 0 }, { x: [1, "2"], y: 1 }]);
    expect(errorOf(() => loadJson(setting(text)))).toBe('text.json: example 1: x[1] is "2", expected a number');
    const deep = write("deep.json", [{ x: [1, [2]], y: 0 }]);
    expect(errorOf(() => loadJson(setting(deep)))).toBe("deep.json: example 0: x[1] is an array of 1, expected a number (x is not rectangular: x[0] is a number)");
    const targets = write("targets.json", [{ x: [1], y: [1, 2] }, { x: [2], y: [1, 2, 3] }]);
    expect(errorOf(() => loadJson(setting(targets), { targets: 2 }))).toBe("targets.json: example 1: y has shape [3], expected [2] (the shape of example 0)");
    const wide = write("wide.json", [{ x: [1], y: [1, 2, 3] }, { x: [2], y: [0, 0, 0] }]);
    expect(errorOf(() => loadJson(setting(wide), { targets: 2 }))).toBe("wide.json: example 0: each target holds 3 values, expected 2 from `targets`");
    // `classes` with a label per step: one-hot rows per step, no longer an error.
    const steps = write("steps.json", [{ x: [1], y: [1, 2] }, { x: [2], y: [0, 1] }]);
    const stepped = loadJson(setting(steps), { classes: 3 });
    expect(stepped.targets[0]).toMatchObject({ shape: [2, 3], classes: indexNames(3) });
    expect(rowsOf(stepped.targets[0], 2)).toEqual([
      [0, 1, 0, 0, 0, 1],
      [1, 0, 0, 0, 1, 0],
    ]);
    const label = write("label.json", [{ x: [1], y: 0 }, { x: [2], y: 5 }]);
    expect(errorOf(() => loadJson(setting(label), { classes: 3 }))).toBe("label.json: example 1: label 5 is not a class index in 0…2");
    expect(errorOf(() => loadJson(setting(write("noy.json", [{ x: [1] }]))))).toBe('noy.json: example 0 has no key "y" (its keys are "x"); give every example the keys "x" and "y"');
    expect(errorOf(() => loadJson(setting(write("nonobject.json", [{ x: [1], y: 0 }, 4]))))).toBe('nonobject.json: example 1: expected an object with "x" and "y", found 4');
    // The second example names its target otherwise; with the model's names, they may stand in for x and y.
    const renamed = write("renamed.json", [{ x: [1, 2, 3, 4], y: "a" }, { x: [1, 2, 3, 4], label: "b" }]);
    expect(errorOf(() => loadJson(setting(renamed)))).toBe('renamed.json: example 1 has no key "y" (its keys are "x", "label"); give every example the keys "x" and "y"');
    expect(errorOf(() => loadJson(setting(renamed), {}, { inputs: ["m"], outputs: ["kind"] }))).toBe(
      'renamed.json: example 1 has no key "y" (its keys are "x", "label"); give every example the keys "x" and "y" ("y" may also be named "kind", as the model names it)',
    );
    const parallel = write("parallel.json", { x: [[1, 2, 3, 4], [1, 2, 3, 4]], label: ["a", "b"] });
    expect(errorOf(() => loadJson(setting(parallel)))).toBe(
      'parallel.json: an object of parallel arrays, but it has no key "y" (its keys are "x", "label"); give it one array for each of "x" and "y", or make the file an array of examples',
    );
    const several = write("several.json", { image: [[1]], species: ["a"] });
    expect(errorOf(() => loadJson(setting(several), {}, { inputs: ["image", "meta"], outputs: ["species"] }))).toBe(
      'several.json: the model\'s inputs are "image", "meta", but the examples have no key "meta" (they have "image", "species"); name each input by its key',
    );
    expect(errorOf(() => loadJson(setting(write("uneven.json", { x: [[1], [2]], y: [0] }))))).toBe(
      'uneven.json: "x" holds 2 items but "y" holds 1; they must match one to one',
    );
    expect(errorOf(() => loadJson(setting(write("number.json", 3))))).toBe(
      'number.json: expected an array of examples, objects with "x" and "y", or an object of parallel arrays "x" and "y", found 3',
    );
    expect(errorOf(() => loadJson(setting(write("broken.json", '[{"x": [1], "y": 0}'))))).toMatch(/^broken\.json: not valid JSON: /);
    expect(errorOf(() => loadJson(setting(write("empty.json", []))))).toBe("empty.json: the file holds no examples");
    expect(errorOf(() => loadJson(setting("gone.json")))).toBe(`cannot read data file "gone.json" (resolved to ${join(dir, "gone.json")}): no such file`);
  });

  it("a missing key is named, with every key the file has, in both layouts", () => {
    let n = 0;
    const key = fc.stringMatching(/^[a-z_][a-z0-9_]{0,7}$/).filter((k) => k !== "x" && k !== "y" && k !== "__proto__");
    fc.assert(
      fc.property(fc.uniqueArray(key, { maxLength: 4 }), fc.boolean(), (others, rowsLayout) => {
        const extra = Object.fromEntries(others.map((k) => [k, rowsLayout ? 1 : [1]]));
        const document = rowsLayout ? [{ x: [1], ...extra }] : { x: [[1]], ...extra };
        const message = errorOf(() => loadJson(setting(write(`missing-${n++}.json`, document))));
        expect(message).toContain('has no key "y" (its keys are ');
        for (const k of ["x", ...others]) expect(message).toContain(JSON.stringify(k));
      }),
      { numRuns: 40 },
    );
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
          const data = loadJson(setting(write(`prop-${n++}.json`, document), { shape }), { targets: 2 });
          expect(data.count).toBe(count);
          expect(data.inputs[0].shape).toEqual(shape);
          expect(Array.from(data.inputs[0].values)).toEqual(values);
          expect(Array.from(data.targets[0].values)).toEqual(ys.flat().map((v) => (Object.is(v, -0) ? 0 : v)));
        },
      ),
      { numRuns: 60 },
    );
  });
});
