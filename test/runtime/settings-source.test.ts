/**
 * runtime/core/settings-source.ts: a training's settings printed as `.nn` text, key by key. The
 * property: for random train blocks, the printed settings put back into a train block resolve to
 * the same `ResolvedTraining`. The runtime's table of constructor defaults is held to the
 * compiler's signatures.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkSource, diskHost } from "../../compiler/check/check.js";
import { INITIALIZER } from "../../compiler/schema/initializers.js";
import type { ValueType } from "../../compiler/schema/types.js";
import { DATASET } from "../../compiler/training/datasets.js";
import { LOSS } from "../../compiler/training/losses.js";
import { OPTIMIZER } from "../../compiler/training/optimizers.js";
import { SCHEDULE } from "../../compiler/training/schedules.js";
import { EARLY_STOPPING } from "../../compiler/training/settings.js";
import type { ResolvedTraining } from "../../runtime/core/settings.js";
import { ARGUMENT_DEFAULTS, settingsDiff, settingsSource } from "../../runtime/core/settings-source.js";

const MODEL = `model Mlp(hidden: int = 30, act: activation = relu) {
  input image: [784]
  output digit = image -> dense(hidden, activation: act) -> dense(10, activation: softmax)
}
`;

function check(header: string, lines: readonly string[]): { source: string; errors: string[]; resolved: ResolvedTraining | undefined } {
  const source = `${MODEL}\ntrain ${header} {\n${lines.map((l) => `  ${l}\n`).join("")}}\n`;
  const result = checkSource(source, "settings.nn", { ...diskHost, dataFiles: false });
  const errors = result.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.code} ${d.message}`);
  return { source, errors, resolved: result.trainings[0]?.resolved };
}

function resolveBlock(header: string, lines: readonly string[]): ResolvedTraining {
  const { source, errors, resolved } = check(header, lines);
  expect(errors, source).toEqual([]);
  return resolved!;
}

/** The printed settings as a train block: `model` is its header, every other key one line. */
function reprinted(settings: ResolvedTraining): ResolvedTraining {
  const { model, ...keys } = settingsSource(settings);
  return resolveBlock(`${settings.label}: ${model}`, Object.entries(keys).map(([key, text]) => `${key}: ${text}`));
}

const pick = <T>(...items: T[]) => fc.constantFrom(...items);
const maybe = (arb: fc.Arbitrary<string>) => fc.option(arb, { nil: undefined });
const rate = pick("0.1", "0.01", "1e-3", "0.5", "3");

/** A train block's lines from a small grammar of keys and values. */
const trainingLines = fc
  .record({
    data: pick("mnist(flat: true)", "mnist(flat: true, train: 1000, test: 500)", "mnist(flat: true, validation: 2000)", 'csv("d.csv", label: "y", features: 784, classes: 10, test: 0.2)', 'csv("d.csv", label: 0, classes: 10, validation: "v.csv")'),
    loss: pick("cross_entropy", "mse", "huber(delta: 2)", "cross_entropy(from_logits: true)", "choice(mse, mae)"),
    optimizer: fc.oneof(
      rate.map((lr) => `sgd(lr: ${lr})`),
      fc.tuple(rate, pick("0.5", "0.9")).map(([lr, m]) => `sgd(lr: ${lr}, momentum: ${m}, nesterov: true)`),
      pick("adam", "adam(lr: 0.005)", "adamax(beta1: 0.8)", "rmsprop(decay: 0.8, momentum: 0.5)", "adadelta(rho: 0.9)", "adagrad(lr: 0.05)"),
      pick("sgd(lr: log_uniform(0.01, 1.0), momentum: choice(0, 0.9))", "adam(lr: uniform(0.001, 0.01))"),
    ),
    schedule: maybe(pick("step(every: 5)", "step(every: 3, factor: 0.5)", "multistep(at: [3, 6])", "exponential(k: 0.1)", "cosine(min_lr: 0.001)", "on_plateau(patience: 3)", "warmup(epochs: 2)", "warmup(epochs: 2, then: cosine)")),
    regularization: maybe(pick("l2(lambda: 0.001)", "l1(lambda: 5e-4)", "l1_l2(l1: 0.001, l2: 0.002)")),
    batch_size: maybe(pick("10", "64", "choice(16, 32, 64)")),
    epochs: maybe(pick("3", "60", "int_uniform(2, 8)")),
    normalize: maybe(pick("standardize", "minmax", "none")),
    early_stopping: maybe(pick("patience(5)", "patience(3, monitor: val_loss, min_delta: 0.01)")),
    augment: maybe(pick("[rotate(degrees: 10)]", "[shift(pixels: 2), elastic(alpha: 8, sigma: 3)]")),
    metrics: maybe(pick("[accuracy]", "[accuracy, top_k(k: 3)]")),
    ensemble: maybe(pick("3")),
    vote: maybe(pick("mean", "majority")),
    init: maybe(pick("he_normal", "normal(std: 0.1)", "uniform(low: -0.1, high: 0.1)", "constant(value: 0)")),
    seed: maybe(pick("0", "42")),
    clip: maybe(pick("norm(max: 1)", "value(max: 0.5)")),
    monitor: maybe(pick("[gradient_norms]", "[gradient_norms, weight_norms]")),
    checkpoint: maybe(pick("every(epochs: 2)")),
    tune: maybe(pick("grid", "random(trials: 4)", "bayesian(trials: 5)")),
    repeats: maybe(pick("2")),
    header: pick("Mlp", "Mlp(hidden: 64)", "Mlp(act: tanh, hidden: choice(30, 100))"),
  })
  .map(({ header, ...keys }) => ({ header, lines: Object.entries(keys).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}: ${v}`) }))
  // A search space needs `tune`, and `tune` a search space (the initializer `uniform(low: …)` is no search space).
  .filter(({ header, lines }) => /choice\(|log_uniform\(|int_uniform\(|(?<![_a-z])uniform\(\d/.test(`${header} ${lines.join(" ")}`) === lines.some((l) => l.startsWith("tune:")))
  // `repeats` needs `tune` too.
  .filter(({ lines }) => !lines.some((l) => l.startsWith("repeats:")) || lines.some((l) => l.startsWith("tune:")))
  // A search ranks one network per trial: an ensemble with `tune` is E303.
  .filter(({ lines }) => !lines.some((l) => l.startsWith("ensemble:")) || !lines.some((l) => l.startsWith("tune:")));

describe("settingsSource", () => {
  it("writes each key as a user would, defaults of constructors left out", () => {
    const settings = resolveBlock("wide: Mlp(hidden: 64)", ["data: mnist(flat: true)", "loss: cross_entropy", "optimizer: sgd(lr: 0.1, momentum: 0.9)", "epochs: 60", "tune: grid", "batch_size: choice(16, 32)"]);
    const source = settingsSource(settings);
    expect(source).toMatchObject({
      model: "Mlp(hidden: 64, act: relu)",
      data: "mnist(flat: true)",
      loss: "cross_entropy",
      optimizer: "sgd(lr: 0.1, momentum: 0.9)",
      schedule: "constant",
      batch_size: "choice(16, 32)",
      epochs: "60",
      normalize: "none",
      augment: "[]",
      tune: "grid",
      objective: "maximize(val_accuracy)",
    });
    expect(source.seed).toBeUndefined();
    expect(source.repeats).toBeUndefined();
    const repeated = resolveBlock("wide: Mlp", ["data: mnist(flat: true)", "loss: cross_entropy", "optimizer: sgd(lr: choice(0.1, 0.3))", "tune: grid", "repeats: 3"]);
    expect(settingsSource(repeated).repeats).toBe("3");
  });

  it("printed and resolved again, gives the same settings (random train blocks)", () => {
    let checked = 0;
    fc.assert(
      fc.property(trainingLines, ({ header, lines }) => {
        // The grammar may combine keys the checker refuses together (grid over a range): those are skipped.
        const { errors, resolved } = check(`run: ${header}`, lines);
        fc.pre(errors.length === 0 && resolved !== undefined);
        checked++;
        expect(reprinted(resolved!)).toEqual(resolved);
      }),
      { numRuns: 200, seed: 16 },
    );
    expect(checked).toBeGreaterThan(100);
  }, 60_000);

  it("lists the keys in which runs differ", () => {
    const a = resolveBlock("a: Mlp", ["data: mnist(flat: true)", "loss: cross_entropy", "optimizer: sgd(lr: 0.1)", "epochs: 3"]);
    const b = resolveBlock("b: Mlp(hidden: 64)", ["data: mnist(flat: true)", "loss: cross_entropy", "optimizer: sgd(lr: 0.1, momentum: 0.9)", "epochs: 3", "seed: 4"]);
    expect(settingsDiff([a, b])).toEqual([
      { key: "model", values: ["Mlp(hidden: 30, act: relu)", "Mlp(hidden: 64, act: relu)"] },
      { key: "optimizer", values: ["sgd(lr: 0.1)", "sgd(lr: 0.1, momentum: 0.9)"] },
      { key: "seed", values: ["", "4"] },
    ]);
    expect(settingsDiff([a, a])).toEqual([]);
  });
});

describe("the runtime's constructor defaults", () => {
  it("are the compiler's signatures' defaults", () => {
    const types: ValueType[] = [INITIALIZER, DATASET, LOSS, OPTIMIZER, SCHEDULE, EARLY_STOPPING];
    const fromCompiler: Record<string, Record<string, number | boolean | string>> = {};
    for (const type of types) {
      if (type.kind !== "ctor") continue;
      for (const ctor of type.ctors) {
        const defaults: Record<string, number | boolean | string> = {};
        for (const param of ctor.params) {
          const d = param.default;
          if (d?.kind === "number" || d?.kind === "bool") defaults[param.name] = d.value;
          if (d?.kind === "enum") defaults[param.name] = d.name;
        }
        if (Object.keys(defaults).length > 0) fromCompiler[ctor.name] = defaults;
      }
    }
    expect(ARGUMENT_DEFAULTS).toEqual(fromCompiler);
  });
});
