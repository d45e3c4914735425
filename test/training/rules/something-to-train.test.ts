import { describe, expect, it } from "vitest";
import { diagnosticWith, expectClean, expectDiagnostics } from "../support/without-data-files.js";

const MLP = `
model M {
  input x: [784]
  x -> h: dense(30, activation: relu) -> drop: dropout(0.5) -> out: dense(10, activation: softmax)
}`;

const train = (lines: string) => `${MLP}
train M {
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
  init_from: "runs/m/model.json"
  ${lines.trim()}
}`;

describe("E303 nothing would train", () => {
  it("reports freezing every layer with weights, naming them", () => {
    const source = train("freeze: [h, out]   // expect: E303 col 11: every layer with weights is frozen: nothing would train");
    const d = diagnosticWith(expectDiagnostics(source), "E303");
    expect(d.message).toBe("every layer with weights is frozen: nothing would train");
    expect(d.labels.map((l) => l.message)).toEqual(["`h` has weights and is frozen", "`out` has weights and is frozen"]);
    expect(d.help).toContain("`out`");
    expect(source.slice(d.range.start.offset, d.range.end.offset)).toBe("[h, out]");
  });

  it("accepts freezing some layers, layers without weights included", () => {
    expectClean(train("freeze: [h, drop]"));
    expectClean(train("freeze: [h]"));
  });

  it("reports a model without any layer that has weights", () => {
    expectDiagnostics(`
model Flat {
  input x: [10]
  x -> softmax
}
train Flat {                      // expect: E303 col 7: model \`Flat\` has no layer with weights: nothing would train
  data: json("d.json")
  loss: cross_entropy
  optimizer: adam
}`);
  });
});
