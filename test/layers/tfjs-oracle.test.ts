/**
 * TensorFlow.js as the oracle of the layer catalog. fast-check builds random valid layer stacks
 * (with branches merged by add and concat); each stack is built twice, once through nnc's `infer`
 * and `countParams`, once with `tf.layers` (functional API). Every layer's inferred shape must equal
 * TensorFlow.js' `outputShape` without the batch axis (and the shape of a real forward pass), every
 * layer's parameter count its `countParams()`, and the total `model.countParams()`. In the other
 * direction, a window larger than its input or an input of the wrong rank is E201 / E200 in nnc,
 * and TensorFlow.js either refuses to build the layer or gives it an empty (or negative) output.
 * Set ORACLE_STATS=1 to print how often each layer was generated.
 */
import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { constValue, dimToString, evaluateDim } from "../../compiler/shapes/dim.js";
import { shapeToString, type Shape } from "../../compiler/shapes/shape.js";
import { layer, run, shape, type Given } from "./harness.js";
import { gruResetAfter } from "../../runtime/layers/gru.js";
import { startBuilder, stackArb, choiceArb, step, type InputKind, type Net, type TfLayer } from "./random-stacks.js";

/** nnc's shapes of every tensor of `net`, failing on the first problem. */
function inferAll(net: Net): { shapes: Shape[]; params: number[] } {
  const shapes: Shape[] = [shape(...net.input.shape.map((d) => d ?? "T"))];
  const params: number[] = [];
  for (const [i, s] of net.steps.entries()) {
    const inputs = s.inputs.map((j) => shapes[j]);
    const dtype = s.inputs.map((j) => (j === 0 ? net.input.dtype : "float32"))[0];
    const result = run(s.name, inputs.length === 1 ? inputs[0] : inputs, s.given, dtype);
    const where = `step ${i} ${s.name}(${JSON.stringify(s.given, (_k, v: unknown) => (v && typeof v === "object" && "layerValue" in v ? "<layer>" : v))}) on ${inputs.map(shapeToString).join(", ")}`;
    expect(result.problems, where).toEqual([]);
    expect(result.output, where).toBeDefined();
    shapes.push(result.output!);
    const count = constValue(result.params!);
    expect(count, where).toBeDefined();
    params.push(count!);
  }
  return { shapes, params };
}

function numbers(s: Shape): (number | undefined)[] {
  return s.map(constValue);
}

const STATS = new Map<string, number>();
describe("the layer catalog against TensorFlow.js", () => {
  beforeAll(async () => {
    await tf.setBackend("cpu");
    await tf.ready();
  });

  it("infers every layer's shape and parameters as tfjs-layers does", () => {
    fc.assert(
      fc.property(stackArb, ({ input, choices }) => {
        const b = startBuilder(input);
        for (const c of choices) step(b, c);
        const net = b.net();
        if (process.env.ORACLE_STATS) for (const st of net.steps) STATS.set(st.name, (STATS.get(st.name) ?? 0) + 1);
        const model = tf.model({ inputs: net.tfInput, outputs: [...net.tfOutputs] });
        try {
          const { shapes, params } = inferAll(net);
          for (const [i, s] of net.steps.entries()) {
            const where = `step ${i} ${s.name}`;
            expect(numbers(shapes[i + 1]), where).toEqual(net.tfOutputs[i].shape.slice(1));
            expect(params[i], `${where} params`).toBe(s.tf.countParams());
          }
          expect(params.reduce((x, y) => x + y, 0)).toBe(model.countParams());
          // A forward pass gives the same shapes (and shows TensorFlow.js accepts the stack).
          tf.tidy(() => {
            const x = tf.zeros([1, ...(net.input.shape as number[])], net.input.dtype);
            const out = model.predict(x);
            const outs = Array.isArray(out) ? out : [out];
            for (const [i, t] of outs.entries()) expect(t.shape.slice(1), `forward pass, step ${i}`).toEqual(numbers(shapes[i + 1]));
          });
        } finally {
          model.dispose();
          tf.disposeVariables();
        }
      }),
      { numRuns: 200 },
    );
    if (process.env.ORACLE_STATS) console.log([...STATS].sort());
  }, 120_000);

  it("keeps an unknown sequence length symbolic where tfjs-layers leaves it unknown, and agrees at every length", () => {
    const sequenceArb = fc.record({
      input: fc.record({ kind: fc.constantFrom<InputKind>("sequence", "tokens"), a: fc.constant(1), b: fc.integer({ min: 1, max: 4 }), c: fc.constant(1) }),
      choices: fc.array(choiceArb, { minLength: 1, maxLength: 6 }),
      lengths: fc.array(fc.integer({ min: 1, max: 24 }), { minLength: 2, maxLength: 2 }),
    });
    fc.assert(
      fc.property(sequenceArb, ({ input, choices, lengths }) => {
        const b = startBuilder(input, true);
        for (const c of choices) step(b, c);
        const net = b.net();
        const model = tf.model({ inputs: net.tfInput, outputs: [...net.tfOutputs] });
        try {
          const { shapes, params } = inferAll(net);
          for (const [i, s] of net.steps.entries()) {
            const where = `step ${i} ${s.name}: ${shapeToString(shapes[i + 1])}`;
            expect(shapes[i + 1].map((d) => constValue(d) ?? null), where).toEqual(net.tfOutputs[i].shape.slice(1));
            expect(params[i], `${where} params`).toBe(s.tf.countParams());
          }
          for (const t of lengths) {
            const at = new Map([["T", t]]);
            const expected = shapes.slice(1).map((s) => s.map((d) => evaluateDim(d, at)));
            if (expected.some((s) => s.some((d) => d <= 0))) continue; // too short for some window
            if (process.env.ORACLE_STATS) {
              const key = `executed ${shapes.some((sh) => sh.some((d) => /floor|ceil/.test(dimToString(d)))) ? "with divisions" : "plain"}`;
              STATS.set(key, (STATS.get(key) ?? 0) + 1);
            }
            tf.tidy(() => {
              const x = tf.zeros([1, t, ...(net.input.shape.slice(1) as number[])], net.input.dtype);
              const out = model.predict(x);
              const outs = Array.isArray(out) ? out : [out];
              for (const [i, y] of outs.entries()) expect(y.shape.slice(1), `T = ${t}, step ${i} ${net.steps[i].name}: ${shapeToString(shapes[i + 1])}`).toEqual(expected[i]);
            });
          }
        } finally {
          model.dispose();
          tf.disposeVariables();
        }
      }),
      { numRuns: 200 },
    );
    if (process.env.ORACLE_STATS) console.log([...STATS].filter(([k]) => k.startsWith("executed")));
  }, 120_000);

  it("reports E201 for a window larger than its input, where tfjs fails or gives an empty output", () => {
    const badWindow = fc.record({ pick: fc.nat({ max: 100 }), extra: fc.integer({ min: 1, max: 3 }), valid: fc.nat({ max: 3 }) });
    fc.assert(
      fc.property(stackArb, badWindow, ({ input, choices }, bad) => {
        const b = startBuilder(input);
        for (const c of choices) step(b, c);
        const s = b.shapeOf(b.current);
        if (s.length !== 2 && s.length !== 3) return; // no window over a vector
        const axes = s.length - 1;
        const spatial = s.slice(0, axes);
        // Too large on one axis at least; the others fit.
        const tooLarge = bad.valid % axes;
        const size = spatial.map((h, i) => (i === tooLarge ? h + bad.extra : Math.min(h, 2)));
        const conv = bad.pick % 2 === 0;
        const name = conv ? (axes === 2 ? "conv2d" : "conv1d") : axes === 2 ? "maxpool" : "maxpool1d";
        const given: Record<string, Given> = conv ? { filters: 2, kernel: axes === 2 ? size : size[0] } : { size: axes === 2 ? size : size[0] };
        const net = b.net();
        const { shapes } = inferAll(net);
        const result = run(name, shapes[shapes.length - 1], given);
        expect(result.problems.map((p) => p.code)).toEqual(["E201"]);
        expect(result.output).toBeUndefined();
        try {
          const tfLayer = conv
            ? axes === 2
              ? tf.layers.conv2d({ filters: 2, kernelSize: size })
              : tf.layers.conv1d({ filters: 2, kernelSize: size[0] })
            : axes === 2
              ? tf.layers.maxPooling2d({ poolSize: size as [number, number] })
              : tf.layers.maxPooling1d({ poolSize: size[0] });
          const out = tfLayer.apply(b.tfTensors[b.current]) as tf.SymbolicTensor;
          expect(out.shape.slice(1).some((d) => d !== null && d <= 0)).toBe(true);
        } catch {
          // TensorFlow.js refusing the layer is the other acceptable outcome.
        } finally {
          tf.disposeVariables();
        }
      }),
      { numRuns: 200 },
    );
  }, 60_000);

  it("reports E200 for an input of the wrong rank, where tfjs refuses the layer", () => {
    const wrong: Record<number, readonly string[]> = {
      1: ["conv2d", "conv1d", "maxpool", "maxpool1d", "global_avgpool", "lstm", "gru", "rnn", "time_distributed"],
      2: ["conv2d", "maxpool", "global_maxpool", "repeat"],
      3: ["conv1d", "avgpool1d", "lstm", "repeat"],
    };
    const makeTf = (name: string): TfLayer =>
      ({
        conv2d: () => tf.layers.conv2d({ filters: 2, kernelSize: 1 }),
        conv1d: () => tf.layers.conv1d({ filters: 2, kernelSize: 1 }),
        maxpool: () => tf.layers.maxPooling2d({ poolSize: 1 }),
        maxpool1d: () => tf.layers.maxPooling1d({ poolSize: 1 }),
        avgpool1d: () => tf.layers.averagePooling1d({ poolSize: 1 }),
        global_avgpool: () => tf.layers.globalAveragePooling2d({}),
        global_maxpool: () => tf.layers.globalMaxPooling2d({}),
        lstm: () => tf.layers.lstm({ units: 2 }),
        gru: () => gruResetAfter({ units: 2 }),
        rnn: () => tf.layers.simpleRNN({ units: 2 }),
        repeat: () => tf.layers.repeatVector({ n: 2 }),
        time_distributed: () => tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 2 }) }),
      })[name]!();
    const givenFor = (name: string): Record<string, Given> =>
      ({
        conv2d: { filters: 2, kernel: 1 },
        conv1d: { filters: 2, kernel: 1 },
        maxpool: { size: 1 },
        maxpool1d: { size: 1 },
        avgpool1d: { size: 1 },
        lstm: { units: 2 },
        gru: { units: 2 },
        rnn: { units: 2 },
        repeat: { n: 2 },
        time_distributed: { layer: layer("dense", { units: 2 }) },
      })[name] ?? {};
    fc.assert(
      fc.property(stackArb, fc.nat({ max: 100 }), ({ input, choices }, pick) => {
        const b = startBuilder(input);
        for (const c of choices) step(b, c);
        const s = b.shapeOf(b.current);
        const candidates = wrong[s.length];
        if (!candidates) return;
        const name = candidates[pick % candidates.length];
        const { shapes } = inferAll(b.net());
        const result = run(name, shapes[shapes.length - 1], givenFor(name));
        expect(result.problems.map((p) => p.code)).toEqual(["E200"]);
        expect(() => makeTf(name).apply(b.tfTensors[b.current])).toThrow();
        tf.disposeVariables();
      }),
      { numRuns: 200 },
    );
  }, 60_000);
});
