import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hasErrors } from "../../../compiler/diagnostics/diagnostic.js";
import { checkTraining } from "../../../compiler/training/check-training.js";
import { checkWithoutData, diagnosticWith, expectClean, expectDiagnostics } from "../support/without-data-files.js";

const MLP = `
model Mlp(hidden: int) {
  input x: [784]
  x -> dense(hidden, activation: relu) -> dense(10, activation: softmax)
}`;

const KEYS = "{ data: mnist(flat: true); loss: cross_entropy; optimizer: adam }";

describe("E103 a model argument without default that the training does not give", () => {
  it("reports it on the training's header, with the parameter and how to give it", () => {
    const source = `${MLP}
train Mlp ${KEYS}   // expect: E103 col 1: training \`Mlp\` needs the model argument \`hidden\``;
    const result = expectDiagnostics(source);
    const d = diagnosticWith(result, "E103");
    expect(source.slice(d.range.start.offset, d.range.end.offset)).toBe("train Mlp");
    expect(d.labels.map((l) => [source.slice(l.range.start.offset, l.range.end.offset), l.message])).toEqual([["hidden", "`hidden` has no default"]]);
    expect(d.help).toBe("give it in the header: `train Mlp(hidden: …) { … }`");
    // Nothing to generate code from: the training is not resolved.
    expect(result.trainings[0].resolved).toBeUndefined();
  });

  it("names every missing argument once, keeping the label and the arguments given", () => {
    const source = `
model Mlp(hidden: int, act: activation, rate: float = 0.5) {
  input x: [784]
  x -> dense(hidden, activation: act) -> dropout(rate) -> dense(10, activation: softmax)
}
train wide: Mlp(rate: 0.1) ${KEYS}   // expect: E103 col 1: training \`wide\` needs the model arguments \`hidden\` and \`act\``;
    const d = diagnosticWith(expectDiagnostics(source), "E103");
    expect(d.labels.map((l) => l.message)).toEqual(["`hidden` has no default", "`act` has no default"]);
    expect(d.help).toBe("give them in the header: `train wide: Mlp(…, hidden: …, act: …) { … }`");
  });

  it("accepts the arguments given by name or by position", () => {
    expectClean(`${MLP}
train a: Mlp(hidden: 30) ${KEYS}
train b: Mlp(30) ${KEYS}
train c: Mlp(hidden: choice(30, 100)) { data: mnist(flat: true); loss: cross_entropy; optimizer: adam; tune: grid }`);
  });

  it("says nothing more about a misspelt argument, which E102 already suggests", () => {
    expectDiagnostics(`${MLP}
train Mlp(hiden: 30) ${KEYS}   // expect: E102 col 11: \`Mlp\` has no argument \`hiden\``);
  });

  it("leaves a model that is not trained free to keep its parameter open", () => {
    expectClean(MLP);
  });
});

describe("a training without resolved settings always has an error `nnc check` reports", () => {
  it("reports E000 when the settings of a training without errors cannot be resolved", () => {
    // The state before E103 above: `hidden` left open, yet nothing reported.
    const result = checkWithoutData(`${MLP}\ntrain Mlp ${KEYS}`);
    const { decl, model } = result.trainings[0];
    const reported: string[] = [];
    const resolved = checkTraining(decl, { file: "test.nn", report: (d) => reported.push(`${d.code} ${d.message}`), model: { ...model!, unbound: [] } });
    expect(resolved).toBeUndefined();
    expect(reported).toEqual(["E000 internal error: nnc found no mistake in training `Mlp` but could not resolve its settings (please report)"]);
  });

  it("reports a model parameter that would be a tensor, which no training can give", () => {
    const result = expectDiagnostics(`
model M(x, k: int = 3) {   // expect: E104 col 9: model parameter \`x\` would be a tensor, but a model takes tensors only through \`input\`
  input y: [784]
  y -> dense(10, activation: softmax)
}
train M ${KEYS}`);
    expect(result.trainings[0].resolved).toBeUndefined();
  });

  it("holds for trainings that give some, all or none of the model's arguments", () => {
    const param = fc.record({ name: fc.constantFrom("a", "b", "c"), type: fc.constantFrom("int", "activation", "float"), hasDefault: fc.boolean(), given: fc.constantFrom("no", "named", "misspelt") });
    const values = { int: "8", activation: "relu", float: "0.5" };
    fc.assert(
      fc.property(fc.uniqueArray(param, { selector: (p) => p.name, maxLength: 3 }), fc.subarray(["data: mnist(flat: true)", "loss: cross_entropy", "optimizer: adam"]), (params, keys) => {
        const signature = params.map((p) => `${p.name}: ${p.type}${p.hasDefault ? ` = ${values[p.type]}` : ""}`).join(", ");
        const args = params.filter((p) => p.given !== "no").map((p) => `${p.given === "misspelt" ? `${p.name}${p.name}` : p.name}: ${values[p.type]}`);
        const source = `model M(${signature}) {
  input x: [784]
  x -> dense(10, activation: softmax)
}
train M(${args.join(", ")}) { ${keys.join("; ")} }`;
        const result = checkWithoutData(source);
        // A model that gives every parameter a value, and a training with every key: nothing to report.
        const complete = keys.length === 3 && params.every((p) => p.hasDefault || p.given === "named") && params.every((p) => p.given !== "misspelt");
        expect(hasErrors(result.diagnostics), source).toBe(!complete);
        expect(result.trainings[0].resolved === undefined, source).toBe(!complete);
      }),
      { numRuns: 60 },
    );
  });
});
