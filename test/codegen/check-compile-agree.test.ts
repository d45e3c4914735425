/**
 * `nnc check` and `nnc compile` agree: a program that checks without errors compiles, every model of
 * it, without a `CodegenError` or any other exception. fast-check writes random single-model
 * programs from two parts:
 *
 * - a skeleton of valid layers from `test/layers/random-stacks.ts` (the tfjs oracle's generator:
 *   dense, conv1d/conv2d with stride, dilation, padding and use_bias, every pooling, flatten,
 *   reshape with -1, dropout, batchnorm, layernorm, every activation layer, embedding on int32
 *   tokens, rnn/lstm/gru with return_sequences and gru's reset_after, bidirectional with every merge
 *   mode, time_distributed, repeat, the element-wise merges and concat on any axis), on an image, a
 *   sequence (of known or symbolic length), a vector or tokens, rendered as `.nn` text with random
 *   extra arguments that keep the shapes: activation, init and bias_init (every initializer), l1,
 *   l2, use_bias, momentum, epsilon, alpha, the recurrent activation, dropout and init, l2pool for a
 *   2-D pooling;
 * - then up to three free stages after it, any layer with random (not always fitting) arguments:
 *   zero_padding2d in its three forms, time_distributed of any layer (also of an image sequence
 *   `[n, H, W, C]`: conv2d, pooling, flatten, …), bidirectional of any recurrent layer, reshape with
 *   -1, and sizes written with the model's `int` parameter.
 *
 * Programs that check with errors are only counted; the test asserts that enough of them check and
 * (with NNC_AGREE_RUNS of 1,000 or more) that every layer of docs/language.md's table was in a program that checked.
 *
 * NNC_AGREE_RUNS sets the number of programs (default 300, about 7 s), NNC_AGREE_SEED the seed.
 */
import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { checkSource } from "../../compiler/check/check.js";
import { generateModule } from "../../compiler/codegen/emit-module.js";
import { hasErrors } from "../../compiler/diagnostics/diagnostic.js";
import type { Value } from "../../compiler/schema/values.js";
import type { Given, LayerValue } from "../layers/harness.js";
import { stackArb, startBuilder, step, type Step } from "../layers/random-stacks.js";

const RUNS = Number(process.env.NNC_AGREE_RUNS ?? 300);
const SEED = process.env.NNC_AGREE_SEED === undefined ? undefined : Number(process.env.NNC_AGREE_SEED);

// ------------------------------------------------------------------------------------------ values

const ACTIVATIONS = ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "softmax"] as const;
const activation = fc.constantFrom(...ACTIVATIONS);
const initializer = fc.oneof(
  fc.constantFrom("zeros", "ones", "lecun_normal", "lecun_uniform", "glorot_normal", "glorot_uniform", "he_normal", "he_uniform", "orthogonal"),
  fc.constantFrom("constant(0.1)", "constant(value: -2)", "normal", "normal(0, 0.05)", "normal(mean: 1, std: 0.5)", "uniform", "uniform(-1, 1)", "uniform(low: 0, high: 0.2)"),
);
const penalty = fc.constantFrom("0", "0.01", "1e-4", "0.5");
const fraction = fc.constantFrom("0", "0.1", "0.25", "0.5", "0.9");
const positive = fc.constantFrom("1e-5", "0.001", "0.01", "0.5");
const padding = fc.constantFrom("valid", "same");
const bool = fc.boolean().map(String);
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 2 });

/** Extra arguments that change no shape; a step takes those its layer has. */
const extrasArb = fc.record({
  activation: opt(activation),
  init: opt(initializer),
  bias_init: opt(initializer),
  use_bias: opt(bool),
  l1: opt(penalty),
  l2: opt(penalty),
  momentum: opt(fraction),
  epsilon: opt(positive),
  alpha: opt(fc.constantFrom("0", "0.01", "0.3", "2")),
  dropout: opt(fraction),
  l2pool: fc.boolean(),
});
type Extras = Readonly<Record<string, string | boolean | undefined>>;

/** The extra arguments each layer takes (recurrent layers: activation, init and dropout). */
const EXTRAS_OF: Record<string, readonly string[]> = {
  dense: ["activation", "init", "bias_init", "use_bias", "l1", "l2"],
  conv1d: ["activation", "init", "bias_init", "use_bias", "l1", "l2"],
  conv2d: ["activation", "init", "bias_init", "use_bias", "l1", "l2"],
  batchnorm: ["momentum", "epsilon"],
  layernorm: ["epsilon"],
  leaky_relu: ["alpha"],
  rnn: ["activation", "init", "dropout"],
  lstm: ["activation", "init", "dropout"],
  gru: ["activation", "init", "dropout"],
};

function extraArgs(name: string, extras: Extras): string[] {
  return (EXTRAS_OF[name] ?? []).flatMap((k) => (extras[k] === undefined ? [] : [`${k}: ${String(extras[k])}`]));
}

// ------------------------------------------------------------------------------------------ skeleton

function givenText(g: Given): string {
  if (Array.isArray(g)) return `[${g.map(givenText).join(", ")}]`;
  if (typeof g === "number" || typeof g === "string" || typeof g === "boolean") return String(g);
  throw new Error(`cannot write ${JSON.stringify(g)}`);
}

function valueText(v: Value | undefined): string | undefined {
  if (!v) return undefined;
  if (v.kind === "number") return String(v.value);
  if (v.kind === "bool") return String(v.value);
  if (v.kind === "enum") return v.name;
  return undefined;
}

/** A layer argument of the skeleton (`bidirectional(lstm(3))`) with its shape-giving arguments and random extras. */
function innerText(value: LayerValue, extras: Extras): string {
  const inner = value.layerValue;
  if (inner.kind !== "layer") throw new Error("not a layer");
  const keep = ["units", "return_sequences", "reset_after"].flatMap((k) => {
    const text = valueText(inner.args.get(k)?.value);
    // reset_after is written only when the skeleton gave it (false): its default is true.
    return text === undefined || (k === "reset_after" && text === "true") ? [] : [`${k}: ${text}`];
  });
  return `${inner.layer}(${[...keep, ...extraArgs(inner.layer, extras)].join(", ")})`;
}

function stepText(s: Step, extras: Extras, tensors: (i: number) => string): string {
  const name = s.name === "maxpool" || s.name === "avgpool" ? (extras.l2pool ? "l2pool" : s.name) : s.name;
  const args = Object.entries(s.given).map(([k, g]) => (typeof g === "object" && g !== null && "layerValue" in g ? `${k}: ${innerText(g, extras)}` : `${k}: ${givenText(g)}`));
  const all = [...args, ...extraArgs(name, extras)];
  if (s.inputs.length > 1) return `${name}(${[...s.inputs.map(tensors), ...all].join(", ")})`;
  return `${tensors(s.inputs[0])} -> ${name}${all.length ? `(${all.join(", ")})` : ""}`;
}

// ------------------------------------------------------------------------------------------ free stages

/** A size: small numbers, the model's parameter `w`, arithmetic of it. */
const size = fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 1, max: 6 }).map(String) }, { weight: 1, arbitrary: fc.constantFrom("w", "w * 2", "w - 1", "w / 2") });
const window = fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 1, max: 4 }).map(String) }, { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })).map(([a, b]) => `[${a}, ${b}]`) });
const named = (...parts: (string | undefined)[]) => parts.filter((p) => p !== undefined).join(", ");
const arg = (k: string, v: string | undefined) => (v === undefined ? undefined : `${k}: ${v}`);

const weighted = fc.record({ activation: opt(activation), init: opt(initializer), bias_init: opt(initializer), use_bias: opt(bool), l1: opt(penalty), l2: opt(penalty) }).map((e) =>
  named(arg("activation", e.activation), arg("init", e.init), arg("bias_init", e.bias_init), arg("use_bias", e.use_bias), arg("l1", e.l1), arg("l2", e.l2)),
);

const recurrentStage = fc
  .record({ kind: fc.constantFrom("rnn", "lstm", "gru"), units: size, activation: opt(activation), seq: opt(bool), dropout: opt(fraction), init: opt(initializer), reset: opt(bool) })
  .map((r) => `${r.kind}(${named(r.units, arg("activation", r.activation), arg("return_sequences", r.seq), arg("dropout", r.dropout), arg("init", r.init), r.kind === "gru" ? arg("reset_after", r.reset) : undefined)})`);

const zeroPadding = fc
  .oneof(fc.integer({ min: 0, max: 2 }).map(String), fc.constantFrom("[1, 2]", "[0, 1]", "[[0, 1], [1, 0]]", "[[2, 0], [0, 3]]"))
  .chain((p) => fc.boolean().map((positional) => (positional ? `zero_padding2d(${p})` : `zero_padding2d(padding: ${p})`)));

/** One layer with random arguments that need not fit its input. */
const simpleStage: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(size, weighted).map(([u, w]) => `dense(${named(u, w || undefined)})`),
  fc
    .record({ kind: fc.constantFrom("conv1d", "conv2d"), f: size, k: window, s: opt(window), p: opt(padding), d: opt(window), w: weighted })
    .map((c) => `${c.kind}(${named(c.f, arg("kernel", c.k), arg("stride", c.s), arg("padding", c.p), arg("dilation", c.d), c.w || undefined)})`),
  fc
    .record({ kind: fc.constantFrom("maxpool", "avgpool", "l2pool", "maxpool1d", "avgpool1d"), size: opt(window), s: opt(window), p: opt(padding) })
    .map((c) => `${c.kind}(${named(c.size, arg("stride", c.s), arg("padding", c.p))})`),
  fc.constantFrom("global_avgpool", "global_maxpool", "flatten", "relu", "sigmoid", "tanh", "softmax", "elu", "softplus", "linear", "leaky_relu", "batchnorm", "layernorm"),
  fc.oneof(fc.constantFrom("[-1]", "[2, -1]", "[-1, 2]", "[-1, 1, 1]"), fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 3 }).map((d) => `[${d.join(", ")}]`)).map((s) => `reshape(${s})`),
  zeroPadding,
  fraction.map((r) => `dropout(${r})`),
  fc.tuple(opt(fraction), opt(positive)).map(([m, e]) => `batchnorm(${named(arg("momentum", m), arg("epsilon", e))})`),
  positive.map((e) => `layernorm(epsilon: ${e})`),
  fc.constantFrom("0", "0.01", "0.2").map((a) => `leaky_relu(alpha: ${a})`),
  recurrentStage,
  size.map((n) => `repeat(${n})`),
  fc.tuple(size, size).map(([v, d]) => `embedding(${v}, ${d})`),
);

/** A layer time_distributed may wrap (`reshape` among them: it once checked but did not compile). */
const steppedStage = simpleStage;

const freeStage: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: simpleStage },
  { weight: 1, arbitrary: zeroPadding },
  { weight: 2, arbitrary: fc.tuple(recurrentStage, fc.constantFrom(undefined, "concat", "sum", "mul", "ave")).map(([r, m]) => `bidirectional(${named(r, arg("merge", m))})`) },
  { weight: 3, arbitrary: steppedStage.map((s) => `time_distributed(${s})`) },
  { weight: 1, arbitrary: steppedStage.map((s) => `time_distributed(time_distributed(${s}))`) },
);

// ------------------------------------------------------------------------------------------ programs

const programArb = fc.record({
  stack: stackArb,
  symbolic: fc.boolean(),
  /** An image sequence `[n, H, W, C]` with free stages only (time_distributed of image layers). */
  video: fc.oneof(
    { weight: 5, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.record({ n: fc.constantFrom("3", "T"), h: fc.integer({ min: 3, max: 8 }), w: fc.integer({ min: 3, max: 8 }), c: fc.integer({ min: 1, max: 3 }) }) },
  ),
  extras: fc.array(extrasArb, { minLength: 12, maxLength: 12 }),
  tail: fc.oneof({ weight: 2, arbitrary: fc.array(freeStage, { maxLength: 1 }) }, { weight: 1, arbitrary: fc.array(freeStage, { maxLength: 3 }) }),
  w: fc.integer({ min: 1, max: 5 }),
});

type ProgramInput = typeof programArb extends fc.Arbitrary<infer V> ? V : never;

/** The program's text. */
function program(p: ProgramInput): string {
  const lines: string[] = [];
  let last = "x";
  if (p.video) {
    lines.push(`  input x: [${p.video.n}, ${p.video.h}, ${p.video.w}, ${p.video.c}]`);
  } else {
    const b = startBuilder(p.stack.input, p.symbolic);
    for (const c of p.stack.choices) step(b, c);
    const dims = b.input.shape.map((d) => d ?? "T").join(", ");
    lines.push(`  input x: ${b.input.dtype === "int32" ? "int32" : ""}[${dims}]`);
    const tensors = (i: number) => (i === 0 ? "x" : `t${i}`);
    for (const [i, s] of b.steps.entries()) lines.push(`  let t${i + 1} = ${stepText(s, p.extras[i % p.extras.length], tensors)}`);
    if (b.steps.length) last = `t${b.steps.length}`;
  }
  // A reshape of a tensor with a symbolic size is in (it once checked but did not compile).
  const tail = p.tail;
  lines.push(`  output ${[last, ...tail].join(" -> ")}`);
  return `model M(w: int = ${p.w}) {\n${lines.join("\n")}\n}\n`;
}

const LAYERS = [
  "dense", "conv2d", "conv1d", "maxpool", "avgpool", "l2pool", "maxpool1d", "avgpool1d", "global_avgpool", "global_maxpool", "flatten", "reshape",
  "zero_padding2d", "dropout", "batchnorm", "layernorm", "relu", "sigmoid", "tanh", "softmax", "leaky_relu", "elu", "softplus", "linear", "embedding",
  "rnn", "lstm", "gru", "bidirectional", "repeat", "time_distributed", "add", "multiply", "average", "maximum", "concat",
];

describe("nnc check and nnc compile agree", () => {
  beforeAll(async () => {
    await tf.setBackend("cpu");
    await tf.ready();
  });

  it("a random program that checks without errors compiles", async () => {
    let checked = 0;
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(programArb, async (p) => {
        const text = program(p);
        const result = checkSource(text, "agree.nn", { readFile: () => undefined, dataFiles: false });
        if (hasErrors(result.diagnostics)) {
          if (process.env.NNC_AGREE_STATS === "2") console.log(`${text}${result.diagnostics.find((d) => d.severity === "error")?.message}\n`);
          return;
        }
        checked++;
        for (const m of text.matchAll(/\b([a-z_0-9]+)\(|-> ([a-z_0-9]+)\b/g)) seen.add(m[1] ?? m[2]);
        const generated = await generateModule({ result, file: result.program.roots[0], sourceName: "agree.nn" });
        expect(generated.failures, text).toEqual([]);
        expect(generated.names.models.get("M")?.build, text).toBeDefined();
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: false },
    );
    if (process.env.NNC_AGREE_STATS) console.log(`${checked} of ${RUNS} checked; not seen: ${LAYERS.filter((l) => !seen.has(l)).join(", ")}`);
    // Most programs check, so the property is about something; over 1,000 programs every layer of the
    // table is in one that checks (300 miss a rare one, zero_padding2d or global_maxpool, now and then).
    expect(checked).toBeGreaterThan(RUNS / 4);
    if (RUNS >= 1000) expect(LAYERS.filter((l) => !seen.has(l))).toEqual([]);
  }, 600_000);
});
