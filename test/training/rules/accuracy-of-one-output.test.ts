import { describe, expect, it } from "vitest";
import { checkWithoutData as checkSource } from "../support/without-data-files.js";
import { diagnosticWith, expectClean, expectDiagnostics } from "../support/without-data-files.js";

const TWO = `
model Two {
  input x: [8]
  let h = x -> dense(16, activation: relu)
  output kind = h -> dense(3, activation: softmax)
  output size = h -> dense(1)
}`;

const train = (lines: string) => `${TWO}
train Two {
  data: json("d.json", validation: 0.1)
  loss: [cross_entropy, mse]
  optimizer: sgd(lr: 0.1)
  ${lines.trim()}
}`;

describe("E303 accuracy monitored on a model with several outputs", () => {
  it("reports val_accuracy written for early stopping, with a fix to val_loss", () => {
    const source = train("early_stopping: patience(3, monitor: val_accuracy)   // expect: E303 col 40: early stopping watches `val_accuracy`, but model `Two` has 2 outputs: each has its own accuracy");
    const d = diagnosticWith(expectDiagnostics(source), "E303");
    expect(d.message).toBe("early stopping watches `val_accuracy`, but model `Two` has 2 outputs: each has its own accuracy");
    expect(d.help).toBe("monitor `val_loss` (the weighted total)");
    expect(source.slice(d.range.start.offset, d.range.end.offset)).toBe("val_accuracy");
    expect(d.fixes[0].edits[0].newText).toBe("val_loss");
  });

  it("reports accuracy in on_plateau (also inside warmup) and in the objective", () => {
    expectDiagnostics(train("schedule: warmup(2, then: on_plateau(monitor: accuracy))   // expect: E303 col 49: `on_plateau` watches `accuracy`, but model `Two` has 2 outputs: each has its own accuracy"));
    expectDiagnostics(train("tune: random(trials: 2)\n  batch_size: choice(8, 16)\n  objective: maximize(val_accuracy)   // expect: E303 col 23: the objective watches `val_accuracy`, but model `Two` has 2 outputs: each has its own accuracy"));
  });

  it("leaves default monitors alone: they watch val_loss", () => {
    const source = train("early_stopping: patience(3)\n  schedule: on_plateau\n  tune: random(trials: 2)\n  batch_size: choice(8, 16)");
    expectClean(source);
    const resolved = checkSource(source).trainings[0].resolved!;
    expect(resolved.earlyStopping).toMatchObject({ monitor: "val_loss" });
    expect(resolved.objective).toEqual({ kind: "minimize", metric: "val_loss" });
  });

  it("accepts accuracy on a model with one output", () => {
    expectClean(`
model M {
  input x: [8]
  x -> dense(3, activation: softmax)
}
train M {
  data: json("d.json", classes: 3, validation: 0.1)
  loss: cross_entropy
  optimizer: adam
  early_stopping: patience(3, monitor: val_accuracy)
}`);
  });
});
