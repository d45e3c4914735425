import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { checkProgram, checkSource } from "../../compiler/check/check.js";
import type { ModelGraph } from "../../compiler/checker/graph.js";
import { emitModule, generateModule } from "../../compiler/codegen/emit-module.js";
import { importGeneratedModule } from "../../compiler/codegen/load-module.js";
import { constValue } from "../../compiler/shapes/dim.js";

const root = resolve(import.meta.dirname, "../..");
const okDir = resolve(root, "../shared/acceptance/ok");

type Build = (options?: object) => tf.LayersModel;

/** The generated model, built by tfjs, must have every shape and count the checker inferred. */
function expectSameAsChecker(graph: ModelGraph, model: tf.LayersModel): void {
  for (const node of graph.layers) {
    if (!node.output) continue;
    const layer = model.getLayer(node.name);
    const shape = (layer.outputShape as (number | null)[]).slice(1);
    expect(shape, `${graph.name}.${node.name}`).toEqual(node.output.shape.map((d) => constValue(d) ?? null));
  }
  const total = graph.totalParams && constValue(graph.totalParams);
  expect(model.countParams(), graph.name).toBe(total);
}

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("generated build functions agree with the checker (tfjs as the oracle)", () => {
  const files = readdirSync(okDir).filter((f) => f.endsWith(".nn"));
  it("finds the acceptance programs (an empty folder would check nothing)", () => {
    expect(files.length).toBeGreaterThan(0);
  });
  it.each(files)("%s", async (name) => {
    const file = join(okDir, name);
    const result = checkProgram([file]);
    const generated = await generateModule({ result, file: result.program.roots[0], sourceName: name });
    expect(generated.failures).toEqual([]);
    const module = await importGeneratedModule(generated.text);
    // Every model the checker found must have a build function: a missing one fails, not skips.
    expect(result.models.length, `${name} declares no model`).toBeGreaterThan(0);
    let built = 0;
    for (const graph of result.models) {
      const buildName = generated.names.models.get(graph.name)?.build;
      expect(buildName, `no build function for model ${graph.name}`).toBeDefined();
      const build = module[buildName!] as Build;
      expect(build, `${buildName} is not exported`).toBeTypeOf("function");
      const model = build();
      expectSameAsChecker(graph, model);
      model.dispose();
      built++;
    }
    expect(built).toBe(result.models.length);
  }, 60_000);

  it("random convolutional stacks build with the shapes and counts the checker inferred", async () => {
    const conv = fc.record({
      filters: fc.integer({ min: 1, max: 6 }),
      kernel: fc.integer({ min: 1, max: 3 }),
      stride: fc.integer({ min: 1, max: 2 }),
      padding: fc.constantFrom("valid", "same"),
      pool: fc.constantFrom("", "maxpool(2)", "avgpool(2, stride: 1)", "l2pool(2)"),
    });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 12, max: 20 }), fc.array(conv, { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 9 }), async (side, convs, units) => {
        const stages = convs.flatMap((c) => [`conv2d(${c.filters}, kernel: ${c.kernel}, stride: ${c.stride}, padding: ${c.padding}, activation: relu)`, ...(c.pool ? [c.pool] : [])]);
        const text = `model R {\n  input image: [${side}, ${side}, 2]\n  image -> ${[...stages, "flatten", `dense(${units}, activation: leaky_relu)`, "dense(3, activation: softmax)"].join(" -> ")}\n}\n`;
        const result = checkSource(text, join(root, ".test-out", "random.nn"));
        // Some stacks shrink the image below a window: the checker rejects those, nothing to build.
        fc.pre(!result.diagnostics.some((d) => d.severity === "error"));
        const module = await importGeneratedModule(await emitModule({ result, file: result.program.roots[0], sourceName: "random.nn" }));
        const model = (module.buildR as Build)();
        expectSameAsChecker(result.models[0], model);
        model.dispose();
      }),
      { numRuns: 15 },
    );
  }, 120_000);

  it("recurrent gates are logistic, as in the lectures, Keras 2 and PyTorch (tfjs defaults to a hard sigmoid)", async () => {
    const text = "model S {\n  input seq: [T, 3]\n  seq -> lstm(4, return_sequences: true) -> gru(5, return_sequences: true) -> gru(5, reset_after: false) -> dense(1)\n}\n";
    const result = checkSource(text, join(root, ".test-out", "gates.nn"));
    const module = await importGeneratedModule(await emitModule({ result, file: result.program.roots[0], sourceName: "gates.nn" }));
    const model = (module.buildS as Build)();
    const gates = model.layers.filter((l) => ["LSTM", "GRU", "GRUResetAfter"].includes(l.getClassName())).map((l) => [l.getClassName(), l.getConfig().recurrentActivation, l.getConfig().activation]);
    // gru is the runtime's reset-after layer by default, tfjs's GRU with reset_after: false.
    expect(gates).toEqual([
      ["LSTM", "sigmoid", "tanh"],
      ["GRUResetAfter", "sigmoid", "tanh"],
      ["GRU", "sigmoid", "tanh"],
    ]);
    model.dispose();
  });
});
