/**
 * `gru` in its two forms (issue 18): `reset_after: true` (the default: Keras 2/3's and PyTorch's
 * GRU, the runtime's `GRUResetAfter` layer, since tfjs-layers refuses `resetAfter: true`) and
 * `reset_after: false` (tfjs's own GRU). Parameter counts against tfjs and the Keras formula, the
 * argument's checking, the forward pass of both forms against a hand-written reference, saving and
 * loading, and the compiled step's plan entries (the compiled step's training is compared with
 * autograd in test/runtime/native/network.test.ts and training.test.ts).
 */
import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { checkSource } from "../../compiler/check/check.js";
import { emitModule } from "../../compiler/codegen/emit-module.js";
import { importGeneratedModule } from "../../compiler/codegen/load-module.js";
import { constValue } from "../../compiler/shapes/dim.js";
import { GRUResetAfter, gruResetAfter } from "../../runtime/layers/gru.js";
import { usesCustomLayers } from "../../runtime/layers/standalone.js";
import { expectShape, layerDef, paramsOf, run, shape, bindArgs } from "./harness.js";

const root = resolve(import.meta.dirname, "../..");

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** Keras: 3·(units·(F + units) + 2·units) with reset_after, 3·(units·(F + units) + units) without. */
const kerasParams = (features: number, units: number, resetAfter: boolean): number => 3 * (units * (features + units) + (resetAfter ? 2 : 1) * units);

function program(body: string): string {
  return `model M {\n  input x: [T, 2]\n  x -> ${body}\n}\n`;
}

describe("gru's two forms: parameter counts", () => {
  it("GRU(32) on 2 features: 3,456 reset-after (3,489 with a dense(1) head), 3,360 reset-before (3,393)", () => {
    expect(paramsOf(run("gru", shape("T", 2), { units: 32 }))).toBe(3456);
    expect(paramsOf(run("gru", shape("T", 2), { units: 32, reset_after: true }))).toBe(3456);
    expect(paramsOf(run("gru", shape("T", 2), { units: 32, reset_after: false }))).toBe(3360);
    expect(kerasParams(2, 32, true)).toBe(3456);
    const totals = (body: string): number => {
      const result = checkSource(program(body), "gru.nn");
      expect(result.diagnostics).toEqual([]);
      return constValue(result.models[0]!.totalParams!)!;
    };
    expect(totals("gru(32) -> dense(1)")).toBe(3489);
    expect(totals("gru(32, reset_after: false) -> dense(1)")).toBe(3393);
  });

  it("equal tfjs-layers' counts: tfjs's GRU for reset_after: false, the runtime's GRUResetAfter (and Keras's formula) for true", () => {
    // tfjs-layers has no reset-after GRU: that is why nnc has its own layer.
    expect(() => tf.layers.gru({ units: 2, resetAfter: true } as Parameters<typeof tf.layers.gru>[0])).toThrow(/reset_after/);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), fc.boolean(), fc.boolean(), (features, units, resetAfter, sequences) => {
        const nnc = paramsOf(run("gru", shape("T", features), { units, reset_after: resetAfter, return_sequences: sequences }));
        // Zeros: tfjs's orthogonal initializer is slow, and only the shapes matter here.
        const init = { kernelInitializer: tf.initializers.zeros(), recurrentInitializer: tf.initializers.zeros() };
        const layer = resetAfter ? gruResetAfter({ units, returnSequences: sequences, ...init }) : tf.layers.gru({ units, returnSequences: sequences, ...init });
        layer.apply(tf.input({ shape: [null, features] }));
        expect(nnc).toBe(layer.countParams());
        expect(nnc).toBe(kerasParams(features, units, resetAfter));
        if (resetAfter) expect(layer.weights.map((w) => w.shape)).toEqual([[features, 3 * units], [units, 3 * units], [2, 3 * units]]);
        tf.disposeVariables();
      }),
      { numRuns: 60 },
    );
  }, 30_000);

  it("the generated module builds each form with the counts the checker inferred (GRUResetAfter, or tfjs's GRU)", async () => {
    const text = `model R {\n  input seq: [T, 2]\n  seq -> a: gru(32, return_sequences: true) -> b: gru(32, reset_after: false) -> dense(1)\n}\n`;
    const result = checkSource(text, join(root, ".test-out", "gru-forms.nn"));
    expect(result.diagnostics).toEqual([]);
    const module = await importGeneratedModule(await emitModule({ result, file: result.program.roots[0], sourceName: "gru-forms.nn" }));
    const model = (module.buildR as () => tf.LayersModel)();
    const layers = model.layers.filter((l) => l.name === "a" || l.name === "b").map((l) => [l.name, l.getClassName(), l.countParams()]);
    expect(layers).toEqual([
      ["a", "GRUResetAfter", kerasParams(2, 32, true)],
      ["b", "GRU", kerasParams(32, 32, false)],
    ]);
    expect(model.countParams()).toBe(constValue(result.models[0]!.totalParams!));
    model.dispose();
  });
});

describe("the reset_after argument", () => {
  it("defaults to true, and is gru's alone", () => {
    const { args } = run("gru", shape("T", 2), { units: 4 });
    expect(args.get("reset_after")?.value).toEqual({ kind: "bool", value: true });
    expect(layerDef("gru").signature.params.map((p) => p.name)).toContain("reset_after");
    for (const name of ["rnn", "lstm"]) expect(layerDef(name).signature.params.map((p) => p.name)).not.toContain("reset_after");
    expect(() => bindArgs(layerDef("lstm"), { units: 4, reset_after: true })).toThrow();
  });

  it("keeps gru's shapes in both forms", () => {
    expectShape("gru", shape("T", 3), { units: 5, reset_after: false }, "[5]");
    expectShape("gru", shape(7, 3), { units: 5, reset_after: true, return_sequences: true }, "[7, 5]");
  });

  it("a non-boolean is E104, as for return_sequences", () => {
    const codes = (arg: string) => checkSource(program(`gru(32, ${arg}) -> dense(1)`), "gru.nn").diagnostics.map((d) => [d.code, d.message]);
    expect(codes("reset_after: 1")).toEqual([["E104", "expected `true` or `false`, found the number 1"]]);
    expect(codes('reset_after: "false"')).toEqual([["E104", "expected `true` or `false`, found a string"]]);
    expect(codes("return_sequences: 1")).toEqual(codes("reset_after: 1"));
    expect(checkSource(program("lstm(32, reset_after: true) -> dense(1)"), "lstm.nn").diagnostics.map((d) => d.code)).toHaveLength(1);
  });
});

/** A step-by-step GRU in doubles, written from the equations (Keras's and PyTorch's docs), gate order z, r, h. */
function referenceGru(x: number[][][], kernel: number[][], recurrent: number[][], bias: number[][] | number[], units: number, resetAfter: boolean, returnSequences: boolean): number[][] | number[][][] {
  const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
  const b = resetAfter ? (bias as number[][])[0]! : (bias as number[]);
  const c = resetAfter ? (bias as number[][])[1]! : new Array<number>(3 * units).fill(0);
  return x.map((sequence) => {
    let h = new Array<number>(units).fill(0);
    const states: number[][] = [];
    for (const input of sequence) {
      const xw = (j: number) => b[j]! + input.reduce((s, v, f) => s + v * kernel[f]![j]!, 0);
      const hu = (state: number[], j: number) => c[j]! + state.reduce((s, v, k) => s + v * recurrent[k]![j]!, 0);
      const z = Array.from({ length: units }, (_, j) => sigmoid(xw(j) + hu(h, j)));
      const r = Array.from({ length: units }, (_, j) => sigmoid(xw(units + j) + hu(h, units + j)));
      const candidate = resetAfter
        ? Array.from({ length: units }, (_, j) => Math.tanh(xw(2 * units + j) + r[j]! * hu(h, 2 * units + j)))
        : Array.from({ length: units }, (_, j) => {
            const rh = h.map((v, k) => r[k]! * v);
            return Math.tanh(xw(2 * units + j) + hu(rh, 2 * units + j));
          });
      h = h.map((v, j) => z[j]! * v + (1 - z[j]!) * candidate[j]!);
      states.push(h);
    }
    return returnSequences ? states : h;
  }) as number[][] | number[][][];
}

describe("the forward pass of each form equals the hand-written reference", () => {
  const random = (seed: number) => () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return (seed / 2147483648) * 2 - 1;
  };
  const matrix = (next: () => number, rows: number, cols: number) => Array.from({ length: rows }, () => Array.from({ length: cols }, next));

  it.each([
    [true, false],
    [true, true],
    [false, false],
    [false, true],
  ])("reset_after %s, return_sequences %s", (resetAfter, returnSequences) => {
    const next = random(resetAfter ? 11 : 23);
    const [batch, steps, features, units] = [3, 5, 4, 6];
    const x = Array.from({ length: batch }, () => matrix(next, steps, features));
    const kernel = matrix(next, features, 3 * units);
    const recurrent = matrix(next, units, 3 * units);
    const bias = resetAfter ? matrix(next, 2, 3 * units) : Array.from({ length: 3 * units }, next);
    const layer = resetAfter
      ? gruResetAfter({ units, returnSequences })
      : tf.layers.gru({ units, returnSequences, recurrentActivation: "sigmoid" });
    const out = layer.apply(tf.tensor3d(x)) as tf.Tensor;
    layer.setWeights([tf.tensor2d(kernel), tf.tensor2d(recurrent), resetAfter ? tf.tensor2d(bias as number[][]) : tf.tensor1d(bias as number[])]);
    const got = (layer.apply(tf.tensor3d(x)) as tf.Tensor).arraySync() as number[][];
    const want = referenceGru(x, kernel, recurrent, bias, units, resetAfter, returnSequences);
    expect(out.shape).toEqual(returnSequences ? [batch, steps, units] : [batch, units]);
    const flatGot = (got as unknown[]).flat(2) as number[];
    const flatWant = (want as unknown[]).flat(2) as number[];
    expect(flatGot).toHaveLength(flatWant.length);
    flatGot.forEach((v, i) => expect(v).toBeCloseTo(flatWant[i]!, 5));
    tf.disposeVariables();
  });

  it("the two forms differ once the recurrent bias or the reset gate matters", () => {
    // With zero biases and r ≡ 1 they would agree; random weights tell them apart, so the default is not the old cell.
    const next = random(5);
    const x = [matrix(next, 4, 2)];
    const kernel = matrix(next, 2, 9), recurrent = matrix(next, 3, 9);
    const after = referenceGru(x, kernel, recurrent, [new Array(9).fill(0), new Array(9).fill(0)], 3, true, false) as number[][];
    const before = referenceGru(x, kernel, recurrent, new Array(9).fill(0), 3, false, false) as number[][];
    expect(Math.max(...after[0]!.map((v, i) => Math.abs(v - before[0]![i]!)))).toBeGreaterThan(1e-3);
  });

  it("gradients flow to every weight, dropout included, without leaking tensors", () => {
    const layer = gruResetAfter({ units: 3, dropout: 0.25 });
    const model = tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [4, 3] }), layer] });
    const x = tf.randomUniform([8, 4, 3], 0.5, 1, "float32", 1);
    const counts: number[] = [];
    for (let i = 0; i < 4; i++) {
      const { value, grads } = tf.variableGrads(() => tf.mean(model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar);
      expect(Object.keys(grads)).toHaveLength(3);
      for (const g of Object.values(grads)) expect(tf.tidy(() => tf.any(tf.notEqual(g, 0)).dataSync()[0])).toBe(1);
      tf.dispose([value, ...Object.values(grads)]);
      counts.push(tf.memory().numTensors);
    }
    // After the first step (which builds what tfjs caches), each step leaves the count as it was.
    expect(new Set(counts.slice(1)).size).toBe(1);
    model.dispose();
  });
});

describe("GRUResetAfter as a saved layer", () => {
  it("round-trips through model.json and weights, alone and inside bidirectional", async () => {
    const input = tf.input({ shape: [5, 2] });
    const a = gruResetAfter({ units: 4, returnSequences: true, name: "a" }).apply(input) as tf.SymbolicTensor;
    const b = tf.layers.bidirectional({ layer: gruResetAfter({ units: 3, name: "b" }) as unknown as tf.RNN }).apply(a) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: b });
    expect(model.countParams()).toBe(kerasParams(2, 4, true) + 2 * kerasParams(4, 3, true));
    const x = tf.randomNormal([2, 5, 2], 0, 1, "float32", 3);
    const expected = (model.predict(x) as tf.Tensor).arraySync();
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } })));
    expect(usesCustomLayers(artifacts!.modelTopology)).toBe(true);
    expect(JSON.stringify(artifacts!.modelTopology)).toContain('"reset_after":true');
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
    expect(loaded.layers.map((l) => l.getClassName())).toContain("GRUResetAfter");
    expect((loaded.predict(x) as tf.Tensor).arraySync()).toEqual(expected);
    expect(GRUResetAfter.className).toBe("GRUResetAfter");
    model.dispose();
    loaded.dispose();
  });
});

describe("the compiled native step", () => {
  it("compiles both forms: cell gru_reset_after by default, gru with reset_after: false", () => {
    const entry = (given: Record<string, boolean | number>) => {
      const result = run("gru", shape(6, 2), given);
      return layerDef("gru").native({ args: result.args, inputs: [shape(6, 2)], output: result.output!, name: "g" });
    };
    expect(entry({ units: 4 })).toMatchObject({ run: { kind: "recurrent", cell: "gru_reset_after", units: 4, steps: 6, features: 2, bias: true } });
    expect(entry({ units: 4, reset_after: false })).toMatchObject({ run: { kind: "recurrent", cell: "gru", units: 4, steps: 6, features: 2 } });
  });
});
