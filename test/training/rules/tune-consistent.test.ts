import { describe, expect, it } from "vitest";
import { diagnosticWith, expectClean, expectDiagnostics } from "../support/without-data-files.js";
import { MLP, train } from "./settings-fixtures.js";

describe("E303 hyper-parameter search settings that disagree", () => {
  it("reports objective without tune", () => {
    expectDiagnostics(MLP + train("objective: maximize(val_accuracy)   // expect: E303 col 14: `objective` ranks the trials of a hyper-parameter search, but the training has no `tune`"));
  });

  it("reports tune without a search space", () => {
    expectDiagnostics(MLP + train("tune: random(trials: 5)   // expect: E303 col 9: `tune` has nothing to search: no value is a search space"));
  });

  it("reports a search space without tune, once, with the others as labels", () => {
    const result = expectDiagnostics(`${MLP}
train M {
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: sgd(lr: log_uniform(0.001, 1.0))   // expect: E303 col 22: \`log_uniform(…)\` is a search space, but the training has no \`tune\`
  batch_size: choice(10, 32)
}`);
    expect(diagnosticWith(result, "E303").labels).toHaveLength(1);
  });

  it("counts search spaces in model arguments", () => {
    expectClean(`
model Mlp(hidden: int = 30) {
  input x: [784]
  x -> dense(hidden, activation: relu) -> dense(10, activation: softmax)
}
train Mlp(hidden: choice(30, 100)) {
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
  tune: grid
}`);
  });

  it("reports an objective that ranks the worst trial first", () => {
    expectDiagnostics(
      MLP + train("tune: random(trials: 3)\n  batch_size: choice(10, 20)\n  objective: maximize(val_loss)   // expect: E303 col 14: `maximize(val_loss)` would rank the worst trial first"),
    );
    expectClean(MLP + train("tune: random(trials: 3)\n  batch_size: choice(10, 20)\n  objective: maximize(val_accuracy)"));
  });

  it("reports tune without validation data when no objective says otherwise", () => {
    expectDiagnostics(
      MLP +
        train("tune: random(trials: 3)   // expect: E303 col 9: `tune` ranks trials on validation data, but the training has none\n  batch_size: choice(10, 20)", "mnist(flat: true, validation: 0)"),
    );
    expectClean(MLP + train("tune: random(trials: 3)\n  batch_size: choice(10, 20)\n  objective: minimize(loss)", "mnist(flat: true, validation: 0)"));
  });
  it("counts a layer argument's search space, and reports one without tune where it is written, naming the training", () => {
    const source = (tune: string, expect = "") => `
model Mlp {
  input x: [784]
  x -> h: dense(choice(30, 100), activation: relu) -> dense(10, activation: softmax)${expect}
}
train Mlp {
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
  ${tune}
}`;
    expectClean(source("tune: grid"));
    const result = expectDiagnostics(source("epochs: 2", "   // expect: E303 col 17: `choice(…)` in `h.units` is a search space, but the training has no `tune`"));
    const d = diagnosticWith(result, "E303");
    expect(d.labels.map((l) => [l.range.start.line, l.message])).toEqual([[6, "trained here by `Mlp`, which has no `tune`"]]);
  });
});
