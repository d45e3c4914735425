/**
 * What a generated module's loadM/predictM/evaluateM call: a package used by input and output
 * name, inputs as flat or nested arrays, targets as class names or indices, files read as
 * `nnc predict` reads them.
 */
import { describe, expect, it } from "vitest";
import { evaluateNamed, inputsFromFiles, loadNamedPackage, predictNamed, toColumn } from "../../../runtime/package/named.js";
import { csvSource, denseModel, put, tempFolder, writeHandPackage } from "./fixtures.js";

process.env.NNC_BACKEND = "cpu";

const CLASSES = ["cat", "dog", "owl"];
/** softmax(identity): the predicted class is the largest of the three inputs. */
const identity = () => denseModel([3], { kernel: [[1, 0, 0], [0, 1, 0], [0, 0, 1]], bias: [0, 0, 0], activation: "softmax" }, { output: "animal" });
const spec = {
  inputs: [{ name: "features", shape: [3], dtype: "float32" as const }],
  outputs: [{ name: "animal", shape: [3], dtype: "float32" as const, classes: CLASSES }],
};
const expected = { model: "Animals", inputs: spec.inputs, outputs: spec.outputs.map(({ name, shape, dtype }) => ({ name, shape, dtype })) };

async function animals() {
  const dir = tempFolder();
  put(dir, "train.csv", "a,b,c,animal\n1,0,0,cat\n0,1,0,dog\n0,0,1,owl\n");
  await writeHandPackage(dir, identity(), { ...spec, source: csvSource("train.csv", "animal") });
  return dir;
}

describe("a package used by name", () => {
  it("predicts flat and nested inputs alike, naming the predicted classes", async () => {
    const model = await loadNamedPackage<{ features: unknown }, { animal: { predicted: string[] } }>(await animals(), expected);
    const nested = predictNamed(model, { features: [[5, 1, 0], [0, 0, 2]] }) as unknown as Record<string, { predicted: string[]; values: Float32Array }>;
    const flat = predictNamed(model, { features: Float32Array.of(5, 1, 0, 0, 0, 2) }) as unknown as Record<string, { predicted: string[]; values: Float32Array }>;
    expect(nested.animal.predicted).toEqual(["cat", "owl"]);
    expect(Array.from(flat.animal.values)).toEqual(Array.from(nested.animal.values));
  });

  it("refuses a run folder holding another model, naming both", async () => {
    const other = { ...expected, model: "Birds", inputs: [{ name: "wings", shape: [3], dtype: "float32" as const }] };
    await expect(loadNamedPackage(await animals(), other)).rejects.toThrow(/inputs \(features\).*model Birds has inputs \(wings\)/);
  });

  it("evaluates targets given as class names or indices to the same metrics", async () => {
    const model = await loadNamedPackage<{ features: unknown }, unknown>(await animals(), expected);
    const inputs = { features: [[5, 1, 0], [0, 3, 0], [0, 0, 2], [1, 0, 0]] };
    const byName = evaluateNamed(model, { inputs, targets: { animal: ["cat", "dog", "owl", "dog"] } });
    const byIndex = evaluateNamed(model, { inputs, targets: { animal: [0, 1, 2, 1] } });
    expect(byName.metrics.accuracy).toBeCloseTo(0.75, 6);
    expect(byIndex.metrics).toEqual(byName.metrics);
    expect(byName.classes[0].confusion).toEqual([[1, 0, 0], [1, 1, 0], [0, 0, 1]]);
    expect(() => evaluateNamed(model, { inputs, targets: { animal: ["cat", "dog", "emu", "dog"] } })).toThrow(/"emu" is not one of the training data's classes/);
  });

  it("reads inputs from files as nnc predict does, with the rows they came from", async () => {
    const dir = await animals();
    const model = await loadNamedPackage<{ features: Float32Array }, unknown>(dir, expected);
    const file = put(dir, "new.csv", "a,b,c\n0,9,1\n7,0,0\n");
    const { inputs, rows } = inputsFromFiles(model, [file]);
    expect(rows).toEqual([`${file}:2`, `${file}:3`]);
    expect((predictNamed(model, inputs) as unknown as Record<string, { predicted: string[] }>).animal.predicted).toEqual(["dog", "cat"]);
  });

  it("says which input is missing or of the wrong shape", () => {
    expect(() => toColumn([[1, 2]], { name: "features", shape: [3] })).toThrow(/input `features`: examples are \[2\], but the model takes \[3\]/);
    expect(() => toColumn(Float32Array.of(1, 2, 3, 4), { name: "features", shape: [3] })).toThrow(/4 values are not a whole number of examples of \[3\]/);
  });
});
