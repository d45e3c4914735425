import { describe, expect, it } from "vitest";
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
  tune: bayesian(trials: choice(5, 10))   // expect: E304 col 26: \`tune\` says how to search; it cannot be searched itself
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
});
