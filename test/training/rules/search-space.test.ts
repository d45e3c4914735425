import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkSource } from "../../../compiler/check/check.js";
import { diagnosticWith, expectClean, expectDiagnostics } from "../../support/expect-diagnostics.js";

const MLP = `
model M {
  input x: [784]
  x -> dense(30, activation: relu) -> dense(10, activation: softmax)
}`;

describe("E304 invalid search space", () => {
  it("reports grid search over a continuous range, on that range", () => {
    const result = expectDiagnostics(`${MLP}
train M {
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: sgd(lr: log_uniform(0.001, 1.0))   // expect: E304 col 22: \`tune: grid\` tries every value, but \`log_uniform(…)\` at \`optimizer.lr\` is a continuous range
  regularization: l2(choice(0.1, 1.0))
  tune: grid
}`);
    const d = diagnosticWith(result, "E304");
    expect(d.message).toContain("optimizer.lr");
    expect(d.help).toContain("choice");
  });

  it("accepts grid search over choices and integer ranges", () => {
    expectClean(`${MLP}
train M {
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: sgd(lr: choice(0.01, 0.1))
  batch_size: int_uniform(10, 12)
  tune: grid
}`);
  });

  it("reports random search without trials", () => {
    expectDiagnostics(`${MLP}
train M {
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: sgd(lr: log_uniform(0.001, 1.0))
  tune: random(trials: 0)              // expect: E304 col 24: \`random\` search needs at least one trial; found 0
}`);
  });

  it("reports a search over the search settings", () => {
    expectDiagnostics(`${MLP}
train M {
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: sgd(lr: log_uniform(0.001, 1.0))
  tune: bayesian(trials: choice(5, 10))   // expect: E304 col 26: \`tune\` cannot be searched: it says how to search
}`);
  });

  it("reports the binder's checks of each space (log_uniform bound ≤ 0)", () => {
    expectDiagnostics(`${MLP}
train M {
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: sgd(lr: log_uniform(0.0, 1.0))   // expect: E304 col 34: \`log_uniform\` needs bounds above 0; found 0
  tune: random(trials: 4)
}`);
  });

  it("reports a model argument searched over a continuous range: generated code builds one model per value", () => {
    const model = `
model Mlp(rate: float = 0.5) {
  input x: [784]
  x -> dense(30, activation: relu) -> dropout(rate) -> dense(10, activation: softmax)
}`;
    const source = (arg: string, tune: string, expect = "") => `${model}
train Mlp(rate: ${arg}) {${expect}
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
  tune: ${tune}
}`;
    const d = diagnosticWith(expectDiagnostics(source("uniform(0.1, 0.5)", "random(trials: 3)", "   // expect: E304 col 17: the model argument `rate` is searched over a continuous range, but generated code builds one model per value")), "E304");
    expect(d.message).toContain("`rate`");
    expect(d.help).toContain("choice");
    // Under grid search the same range is reported once.
    expectDiagnostics(source("log_uniform(0.1, 0.5)", "grid", "   // expect: E304 col 17: the model argument `rate` is searched over a continuous range, but generated code builds one model per value"));
    expectClean(source("choice(0.1, 0.5)", "grid"));
  });

  it("reports a search over more model variants than generated code holds, at check time", () => {
    const source = (hidden: string, expect = "") => `
model Mlp(hidden: int = 30, depth: int = 1) {
  input x: [784]
  x -> dense(hidden, activation: relu) -> dense(10, activation: softmax)
}
train Mlp(hidden: ${hidden}, depth: choice(1, 2)) {${expect}
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
  tune: random(trials: 3)
}`;
    const d = diagnosticWith(expectDiagnostics(source("int_uniform(20, 200)", "   // expect: E304 col 7: the search over model arguments builds 362 models, more than the 64 generated code holds")), "E304");
    expect(d.message).toContain("builds 362 models, more than the 64");
    // 32 × 2 = 64 models fit.
    expectClean(source("int_uniform(1, 32)"));
  });
  /** A training of the MLP with one key's value, searched, and `tune: random(trials: 2)`. */
  const searched = (entry: string, more = "") => `${MLP}
train M {
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
  ${entry}
  tune: random(trials: 2)${more}
}`;

  it("reports a continuous range where an integer goes, with `int_uniform` as the help and the fix", () => {
    const result = expectDiagnostics(searched("batch_size: uniform(8, 32)   // expect: E304 col 15: `uniform(…)` draws fractional numbers, but an integer goes here"));
    const d = diagnosticWith(result, "E304");
    expect(d.help).toBe("search the integers with `int_uniform(8, 32)`, or list the values to try with `choice(…)`");
    expect(d.fixes[0]?.edits[0]?.newText).toBe("int_uniform");
    expectDiagnostics(searched("epochs: log_uniform(1, 3)   // expect: E304 col 11: `log_uniform(…)` draws fractional numbers, but an integer goes here"));
    expectDiagnostics(searched("early_stopping: patience(uniform(1, 3))   // expect: E304 col 28: `uniform(…)` draws fractional numbers, but an integer goes here"));
    expectDiagnostics(searched("schedule: step(every: uniform(1, 3))   // expect: E304 col 25: `uniform(…)` draws fractional numbers, but an integer goes here"));
    expectDiagnostics(searched("checkpoint: every(uniform(1, 3))   // expect: E304 col 21: `uniform(…)` draws fractional numbers, but an integer goes here"));
  });

  it("holds for every integer setting and continuous space: E304 naming int_uniform; integer ranges and choices check", () => {
    const settings = ["batch_size: SPACE", "epochs: SPACE", "early_stopping: patience(SPACE)", "schedule: step(every: SPACE)", "checkpoint: every(SPACE)", "metrics: [accuracy, top_k(SPACE)]"];
    const bounds = fc.tuple(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 50 })).map(([a, b]) => [Math.min(a, b), Math.max(a, b) + 1] as const);
    fc.assert(
      fc.property(fc.constantFrom(...settings), fc.constantFrom("uniform", "log_uniform"), bounds, (setting, space, [low, high]) => {
        const continuous = checkSource(searched(setting.replace("SPACE", `${space}(${low}, ${high})`)));
        const wrong = continuous.diagnostics.filter((d) => d.severity === "error");
        expect(wrong.map((d) => d.code)).toContain("E304");
        expect(wrong.find((d) => d.message.startsWith(`\`${space}(…)\` draws fractional numbers`))?.help).toContain(`int_uniform(${low}, ${high})`);
        const integers = checkSource(searched(setting.replace("SPACE", `int_uniform(${low}, ${high})`)));
        expect(integers.diagnostics.filter((d) => d.code === "E304")).toEqual([]);
        const choices = checkSource(searched(setting.replace("SPACE", `choice(${low}, ${high})`)));
        expect(choices.diagnostics.filter((d) => d.code === "E304")).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });

  it("reports a search over what every trial must share: seed, repeats, ensemble, folds, validation", () => {
    const result = expectDiagnostics(
      searched("seed: choice(1, 2)   // expect: E304 col 9: `seed` cannot be searched: it is the same for every trial, so that the ranking compares the searched values and not the luck of the draw", "\n  batch_size: choice(10, 20)"),
    );
    expect(diagnosticWith(result, "E304").help).toContain("repeats: 3");
    expectDiagnostics(searched("repeats: choice(1, 2)   // expect: E304 col 12: `repeats` cannot be searched: it says how many times each trial trains, so every trial must train as often"));
    expectDiagnostics(searched("ensemble: choice(2, 3)   // expect: E304 col 13: `ensemble` cannot be searched: it would change how many networks a trial trains: a search ranks one network per trial"));
    expectDiagnostics(searched("folds: choice(2, 3)   // expect: E304 col 10: `folds` cannot be searched: it would change the validation data the trials are ranked on"));
    expectDiagnostics(searched("validation: choice(0.1, 0.2)   // expect: E304 col 15: `validation` cannot be searched: it would change the validation data the trials are ranked on"));
  });

  it("says only the E304 of a model argument whose space does not fit its type, nothing in the model's body", () => {
    expectDiagnostics(`
model Mlp(act: activation = relu) {
  input x: [784]
  x -> dense(30, activation: act) -> dense(10, activation: softmax)
}
train Mlp(act: uniform(0, 1)) {   // expect: E304 col 16: \`uniform\` is a numeric range, but an activation goes here
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
  tune: random(trials: 2)
}`);
    expectDiagnostics(`
model Mlp(hidden: int = 30) {
  input x: [784]
  x -> dense(hidden) -> dense(10, activation: softmax)
}
train Mlp(hidden: uniform(10, 30)) {   // expect: E304 col 19: \`uniform(…)\` draws fractional numbers, but an integer goes here
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
  tune: random(trials: 2)
}`);
  });

  it("reports a layer argument searched over a continuous range, in the model, and counts layers' spaces among the model variants", () => {
    const model = (layer: string, expect = "") => `
model Mlp {
  input x: [784]
  x -> h: dense(30, activation: relu) -> ${layer} -> dense(10, activation: softmax)${expect}
}
train Mlp {
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
  tune: random(trials: 2)
}`;
    expectDiagnostics(model("d: dropout(uniform(0.1, 0.5))", "   // expect: E304 col 53: the layer argument `d.rate` is searched over a continuous range, but generated code builds the model once per value"));
    expectDiagnostics(model("dense(uniform(2, 7))", "   // expect: E304 col 48: `uniform(…)` draws fractional numbers, but an integer goes here"));
    expectClean(model("d: dropout(choice(0.1, 0.5)) -> dense(int_uniform(2, 33))"));
    expectDiagnostics(model("d: dropout(choice(0.1, 0.5)) -> dense(int_uniform(2, 34))").replace("train Mlp {", "train Mlp {   // expect: E304 col 7: the search over model and layer arguments builds 66 models, more than the 64 generated code holds"));
  });
});
