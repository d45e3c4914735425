import { describe, expect, it } from "vitest";
import { diagnosticWith, expectClean, expectDiagnostics } from "../support/without-data-files.js";

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
    const d = diagnosticWith(expectDiagnostics(model("dense(10, activation: softmax)") + train("quadratic", "W403 col 9: `quadratic` cost on a softmax output learns slowly when the output saturates")), "W403");
    expect(d.severity).toBe("warning");
    expect(d.help).toContain("cross_entropy");
    expect(d.fixes[0].edits[0].newText).toBe("cross_entropy");
  });

  it("warns on mse with sigmoid and suggests binary_cross_entropy", () => {
    const d = diagnosticWith(expectDiagnostics(model("dense(10, activation: sigmoid)") + train("mse", "W403 col 9: `mse` cost on a sigmoid output learns slowly when the output saturates")), "W403");
    expect(d.fixes[0].edits[0].newText).toBe("binary_cross_entropy");
  });

  it("is silent on a linear output or with cross_entropy", () => {
    expectClean(model("dense(10)") + train("mse"));
    expectClean(model("dense(10, activation: softmax)") + train("cross_entropy"));
  });
});

describe("W403 per output", () => {
  const TWO = `
model Two {
  input x: [8]
  let h = x -> dense(16, activation: relu)
  output kind = h -> dense(3, activation: softmax)
  output size = h -> dense(1)
}`;
  const train = (loss: string) => `${TWO}
train Two {
  data: json("d.json")
  loss: ${loss}
  optimizer: adam
}`;

  it("warns on the list item of the saturating output, with a fix", () => {
    const d = diagnosticWith(expectDiagnostics(train("[mse, mse]   // expect: W403 col 10: `mse` cost on output `kind`, a softmax output, learns slowly when the output saturates")), "W403");
    expect(d.message).toContain("output `kind`");
    expect(d.fixes[0].edits[0].newText).toBe("cross_entropy");
    expect(d.range.end.column - d.range.start.column).toBe(3);
  });

  it("suggests one loss per output, without a fix, when one loss is written for all", () => {
    const d = diagnosticWith(expectDiagnostics(train("mse   // expect: W403 col 9: `mse` cost on output `kind`, a softmax output, learns slowly when the output saturates")), "W403");
    expect(d.help).toContain("`loss: [cross_entropy, mse]`");
    expect(d.fixes).toEqual([]);
  });

  it("is silent when the saturating output has cross_entropy", () => {
    expectClean(train("[cross_entropy, mse]"));
  });
});
