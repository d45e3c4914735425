import { describe, expect, it } from "vitest";
import { diagnosticWith, expectClean, expectDiagnostics } from "../../support/expect-diagnostics.js";

const model = (last: string) => `
model M {
  input x: [784]
  x -> dense(30, activation: relu) -> ${last}
}`;

const train = (loss: string, expect = "") => `
train M {
  data: mnist(flat: true)
  loss: ${loss}${expect ? `   // expect: ${expect}` : ""}
  optimizer: sgd(lr: 0.1)
}`;

describe("W403 quadratic cost on a saturating output", () => {
  it("warns on quadratic with softmax and suggests cross_entropy", () => {
    const d = diagnosticWith(expectDiagnostics(model("dense(10, activation: softmax)") + train("quadratic", "W403")), "W403");
    expect(d.severity).toBe("warning");
    expect(d.help).toContain("cross_entropy");
    expect(d.fixes[0].edits[0].newText).toBe("cross_entropy");
  });

  it("warns on mse with sigmoid and suggests binary_cross_entropy", () => {
    const d = diagnosticWith(expectDiagnostics(model("dense(10, activation: sigmoid)") + train("mse", "W403")), "W403");
    expect(d.fixes[0].edits[0].newText).toBe("binary_cross_entropy");
  });

  it("is silent on a linear output or with cross_entropy", () => {
    expectClean(model("dense(10)") + train("mse"));
    expectClean(model("dense(10, activation: softmax)") + train("cross_entropy"));
  });
});
