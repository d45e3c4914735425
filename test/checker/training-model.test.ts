import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkProgram, checkSource } from "../../compiler/check/check.js";
import { variantsOf } from "../../compiler/codegen/variants.js";
import type { Diagnostic } from "../../compiler/diagnostics/diagnostic.js";
import { diagnosticsToJson } from "../../compiler/diagnostics/json.js";
import { renderDiagnostics } from "../../compiler/diagnostics/render.js";
import { expectClean, expectDiagnostics } from "../support/expect-diagnostics.js";

/** A model whose conv2d takes its kernel from `k`, with the `// expect:` annotations of that line. */
const conv = (kDefault: number, expected = "") => `model M(k: int = ${kDefault}, units: int = 10) {
  input x: [28, 28, 1]
  x -> conv2d(4, kernel: k) -> flatten -> dense(units, activation: softmax)   ${expected}
}`;

const TOO_BIG = "// expect: E201 col 8: conv2d window 40×40 does not fit its input 28×28";

const KEYS = "{ data: mnist(); loss: cross_entropy; optimizer: adam }";

/** Each secondary label as the text it underlines and its message. */
function labelsOf(d: Diagnostic, source: string): [string, string][] {
  return d.labels.map((l) => [source.slice(l.range.start.offset, l.range.end.offset), l.message]);
}

describe("a diagnostic a training's model arguments cause points at them", () => {
  it("labels the argument, keeping the primary range in the model", () => {
    const source = `${conv(3, TOO_BIG)}
train big: M(k: 40) ${KEYS}`;
    const [d] = expectDiagnostics(source).diagnostics;
    expect(source.slice(d.range.start.offset, d.range.end.offset)).toBe("conv2d(4, kernel: k)");
    expect(labelsOf(d, source)).toEqual([["k: 40", "`k` is 40 in training `big` (its default is 3)"]]);
    expect(d.labels[0].range.start.line).toBe(5);

    const text = renderDiagnostics([d], () => source, { color: false });
    expect(text).toContain("train big: M(k: 40)");
    expect(text).toContain("----- `k` is 40 in training `big` (its default is 3)");
    expect(diagnosticsToJson([d]).diagnostics[0].labels).toEqual([
      { file: "test.nn", range: { start: { line: 5, column: 14 }, end: { line: 5, column: 19 } }, message: "`k` is 40 in training `big` (its default is 3)" },
    ]);
  });

  it("tells the default's error from the training's, and names only the arguments that differ from their defaults", () => {
    const source = `${conv(30, `// expect: E201 col 8: conv2d window 30×30 does not fit its input 28×28 ${TOO_BIG}`)}
train big: M(k: 40, units: 10) ${KEYS}`;
    const [fromDefault, fromTraining] = [...expectDiagnostics(source).diagnostics].sort((a, b) => a.message.localeCompare(b.message));
    expect(fromDefault.labels).toEqual([]);
    expect(labelsOf(fromTraining, source)).toEqual([["k: 40", "`k` is 40 in training `big` (its default is 30)"]]);
  });

  it("names every training that meets the same fault, positional arguments and searches included", () => {
    const source = `${conv(3, TOO_BIG)}
train big: M(k: 40) ${KEYS}
train again: M(40) ${KEYS}
train search: M(k: choice(40, 3)) { data: mnist(); loss: cross_entropy; optimizer: adam; tune: grid }`;
    const [d] = expectDiagnostics(source).diagnostics;
    expect(labelsOf(d, source)).toEqual([
      ["k: 40", "`k` is 40 in training `big` (its default is 3)"],
      ["40", "`k` is 40 in training `again` (its default is 3)"],
      ["k: choice(40, 3)", "`k` is searched in training `search`; the check uses 40 (its default is 3)"],
    ]);
  });

  it("leaves diagnostics the model gives with its defaults as they are, also for a model of a used file", () => {
    // Only the trainings elaborate a model of a used file: the defaults' check is the only witness.
    const files = new Map([
      ["/virtual/lib.nn", "model M(rate: float = 0.5) {\n  input x: [784]\n  x -> dense(32, activation: relu) -> relu -> dropout(rate) -> dense(10, activation: softmax)\n}\n"],
      ["/virtual/main.nn", `use "./lib.nn"\ntrain light: M(rate: 0.2) { data: mnist(flat: true); loss: cross_entropy; optimizer: adam }\n`],
    ]);
    const { diagnostics } = checkProgram(["/virtual/main.nn"], { readFile: (path) => files.get(path), dataFiles: false });
    expect(diagnostics.map((d) => [d.file, d.code, d.message, d.labels.map((l) => l.message)])).toEqual([
      ["/virtual/lib.nn", "W404", "`relu` is applied twice in a row", ["`dense_1` already applies relu"]],
    ]);
  });

  it("says nothing when the arguments fit", () => {
    expectClean(`${conv(3)}\ntrain small: M(k: 5) ${KEYS}`);
  });
});

describe("a training's search is checked in every model variant it builds", () => {
  const SEARCH = "{ data: mnist(); loss: cross_entropy; optimizer: adam; tune: grid }";

  it("reports a variant's error with a label naming its values, in text and JSON", () => {
    const source = `model M(k: int = 3) { input x: [28, 28, 1]; x -> conv2d(4, kernel: k) -> flatten -> dense(10, activation: softmax) }
train s: M(k: choice(3, 50)) ${SEARCH}`;
    const { diagnostics } = checkSource(source, "test.nn", { readFile: () => undefined, dataFiles: false });
    expect(diagnostics.map((d) => [d.code, d.message])).toEqual([["E201", "conv2d window 50×50 does not fit its input 28×28"]]);
    const [d] = diagnostics;
    expect(source.slice(d.range.start.offset, d.range.end.offset)).toBe("conv2d(4, kernel: k)");
    expect(labelsOf(d, source)).toEqual([["k: choice(3, 50)", "with `k` = 50 from `choice(3, 50)` in training `s`"]]);
    const text = renderDiagnostics([d], () => source, { color: false });
    expect(text).toContain("---------------- with `k` = 50 from `choice(3, 50)` in training `s`");
    expect(diagnosticsToJson([d]).diagnostics[0].labels).toEqual([
      { file: "test.nn", range: { start: { line: 2, column: 12 }, end: { line: 2, column: 28 } }, message: "with `k` = 50 from `choice(3, 50)` in training `s`" },
    ]);
  });

  it("checks the spaces of layers and of block arguments, each failing variant once", () => {
    const source = `block B(x, k: int) { x -> conv2d(4, kernel: k) }   // expect: E201 col 27: conv2d window 40×40 does not fit its input 28×28
model M {
  input x: [28, 28, 1]
  x -> B(choice(3, 40)) -> conv2d(2, kernel: choice(1, 30, 50)) -> flatten -> dense(10, activation: softmax)   // expect: E201 col 28: conv2d window 30×30 does not fit its input 26×26 expect: E201 col 28: conv2d window 50×50 does not fit its input 26×26
}
train s: M ${SEARCH}
train t: M ${SEARCH}`;
    const diagnostics = expectDiagnostics(source).diagnostics;
    // Both trainings build the same variants: each is named, on the one diagnostic per fault.
    const window50 = diagnostics.find((d) => d.message.includes("50×50"))!;
    expect(labelsOf(window50, source)).toEqual([
      ["M", "with `conv2d_1.kernel` = 3 from `choice(3, 40)`, `conv2d_2.kernel` = 50 from `choice(1, 30, 50)` in training `s`"],
      ["M", "with `conv2d_1.kernel` = 3 from `choice(3, 40)`, `conv2d_2.kernel` = 50 from `choice(1, 30, 50)` in training `t`"],
    ]);
  });

  it("agrees with code generation: an error exactly when a kernel does not fit, exactly when a variant does not build", () => {
    const model = (kernel: string) => `model M(k: int = 3) { input x: [28, 28, 1]; x -> conv2d(4, kernel: ${kernel}) -> flatten -> dense(10, activation: softmax) }`;
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 5 }), fc.boolean(), (kernels, inModel) => {
        const space = `choice(${kernels.join(", ")})`;
        const source = inModel ? `${model(space)}\ntrain s: M ${SEARCH}` : `${model("k")}\ntrain s: M(k: ${space}) ${SEARCH}`;
        const result = checkSource(source, "test.nn", { readFile: () => undefined, dataFiles: false });
        const errors = result.diagnostics.filter((d) => d.severity === "error");
        expect(errors.length > 0).toBe(kernels.some((k) => k > 28));
        // What code generation builds: every variant, each complete (emit-model.ts refuses an incomplete graph).
        let builds = true;
        try {
          for (const training of result.trainings) builds &&= variantsOf(result, training).every((v) => !v.graph.incomplete);
        } catch {
          builds = false;
        }
        expect(errors.length === 0).toBe(builds);
      }),
      { numRuns: 40 },
    );
  });
});
