import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkSource } from "../../compiler/check/check.js";
import { diagnosticWith, expectDiagnostics } from "../support/expect-diagnostics.js";

describe("E100 unknown names", () => {
  it("suggests the closest layer", () => {
    const result = expectDiagnostics(`
model M {
  input x: [784]
  x -> dropuot(0.5)                      // expect: E100 col 8: unknown layer or block \`dropuot\`
}`);
    const d = diagnosticWith(result, "E100");
    expect(d.message).toBe("unknown layer or block `dropuot`");
    expect(d.help).toBe("did you mean `dropout`?");
    expect(d.fixes[0].edits[0].newText).toBe("dropout");
  });

  it("a search space written as a binding is E104 saying where it goes, not an unknown layer", () => {
    for (const space of ["choice(2, 4)", "uniform(0.1, 0.5)", "log_uniform(0.001, 0.1)", "int_uniform(1, 3)"]) {
      const name = space.slice(0, space.indexOf("("));
      const result = checkSource(`model M {\n  input x: [4]\n  let w = ${space}\n  x -> dense(3)\n}\n`, "m.nn");
      const errors = result.diagnostics.filter((d) => d.severity === "error");
      expect(errors.map((d) => d.code)).toEqual(["E104"]);
      expect(errors[0].message).toContain(`\`${name}(…)\` is a search space`);
      expect(errors[0].help).toContain(`dense(${name}(…))`);
    }
  });

  it("suggests the closest activation", () => {
    const result = expectDiagnostics(`
model M {
  input x: [784]
  x -> dense(10, activation: rleu)       // expect: E100 col 30: unknown activation \`rleu\`
}`);
    expect(diagnosticWith(result, "E100").help).toBe("did you mean `relu`?");
  });

  it("reports unknown bindings and blocks, with suggestions from scope", () => {
    const result = expectDiagnostics(`
block Stage(x) { x -> dense(4) }
model M {
  input image: [784]
  imgae -> Stage                         // expect: E100 col 3: unknown name \`imgae\`
}`);
    expect(diagnosticWith(result, "E100").help).toBe("did you mean `image`?");
  });

  it("says what to do when nothing is in scope to suggest, never a bare `expected`", () => {
    const shape = expectDiagnostics(`
model A {
  input x: [4, n + 1]                    // expect: E100 col 16: unknown name \`n\`
  x -> dense(3)
}`);
    expect(diagnosticWith(shape, "E100").help).toBe("declare it before its use: as an `input`, a `let`, a parameter, or a dimension symbol standing alone in a shape (`[n, 8]`)");
    const training = expectDiagnostics(`
train Missing {                          // expect: E100 col 7: unknown model \`Missing\`
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
  epochs: n                              // expect: E100 col 11: unknown name \`n\`
}`);
    expect(training.diagnostics.map((d) => d.help)).toEqual([
      "no model is declared in this file or in the files it `use`s",
      "expected an integer; outside a model there are no bindings to name",
    ]);
  });

  it("never gives an empty help to an unknown name, wherever it stands (property)", () => {
    const places = [
      (n: string) => `model A {\n  input x: [4, ${n} + 1]\n  x -> dense(3)\n}`,
      (n: string) => `model A {\n  input x: [4]\n  x -> dense(${n} * 2)\n}`,
      (n: string) => `model A {\n  input x: [4]\n  x -> dense(3)\n}\ntrain A {\n  data: mnist(flat: true)\n  loss: cross_entropy\n  optimizer: sgd(lr: 0.1)\n  epochs: ${n}\n}`,
      (n: string) => `train ${n} {\n  epochs: 1\n}`,
    ];
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z][a-z0-9_]{0,6}$/), fc.constantFrom(...places), (name, place) => {
        const result = checkSource(place(name), "p.nn", { readFile: () => undefined, dataFiles: false });
        for (const d of result.diagnostics.filter((d) => d.code === "E100")) {
          expect(d.help, d.message).toMatch(/\S/);
          expect(d.help, d.message).not.toMatch(/expected\s*$/);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("reports an unknown model in a training", () => {
    expectDiagnostics(`
model Net { input x: [784]  x -> dense(10, activation: softmax) }
train Nett {                             // expect: E100 col 7: unknown model \`Nett\`
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
}`);
  });
});

describe("E101 duplicates", () => {
  it("reports a label used twice, pointing at the first", () => {
    const result = expectDiagnostics(`
model M {
  input x: [784]
  x -> fc: dense(100)
    -> fc: dense(10)                     // expect: E101 col 8: label \`fc\` is used twice in model \`M\`
}`);
    expect(diagnosticWith(result, "E101").labels[0].range.start.line).toBe(4);
  });

  it("reports a model declared twice and a binding defined twice", () => {
    expectDiagnostics(`
model M { input x: [4]  x -> dense(1) }
model M { input x: [4]  x -> dense(1) }  // expect: E101 col 7: \`M\` is declared twice
model N {
  input x: [4]
  let h = x -> dense(2)
  let h = x -> dense(3)                  // expect: E101 col 7: \`h\` is already defined in this model
  h
}`);
  });

  it("reports an argument given twice", () => {
    expectDiagnostics(`
model M {
  input x: [4]
  x -> dense(10, units: 3)               // expect: E101 col 18: argument \`units\` of \`dense\` is given twice
}`);
  });

  it("an input with a bad shape is still declared: its uses get no E100", () => {
    expectDiagnostics(`
model M {
  input x: [28, 0]                       // expect: E105 col 17: a dimension must be a positive integer, found 0
  x -> dense(10)
}`);
  });
});
