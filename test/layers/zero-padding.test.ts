/**
 * `zero_padding2d`: its shape rule against the formula `[H + top + bottom, W + left + right, C]`
 * over random paddings and sizes, its three argument forms, its diagnostics as a user sees them,
 * the editor and `nnc summary` finding it in the registry, and a model with it built and trained
 * through the generated module (autograd: the compiled step says why it does not cover it).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkProgram, checkSource } from "../../compiler/check/check.js";
import { summarize } from "../../compiler/check/summary.js";
import { emitModel } from "../../compiler/codegen/emit-model.js";
import { completions } from "../../compiler/lsp/completion.js";
import { hover } from "../../compiler/lsp/hover.js";
import { indexSymbols } from "../../compiler/lsp/names.js";
import { LineIndex } from "../../compiler/lsp/positions.js";
import type { Analysis } from "../../compiler/lsp/workspace.js";
import { add, dimConst, dimSymbol, type Dim } from "../../compiler/shapes/dim.js";
import { shapeToString } from "../../compiler/shapes/shape.js";
import { nativeAvailable } from "../support/native-oracle.js";
import { loadProgram, TEST_OUT } from "../support/train-source.js";
import { dim, expectProblem, expectShape, layerDef, paramsOf, run, shape, type Given } from "./harness.js";

/** A size: a constant, or a symbol plus a constant (`H + 3`). */
const sizeArb = fc.oneof(
  fc.integer({ min: 1, max: 40 }).map((n) => dimConst(n)),
  fc.tuple(fc.constantFrom("H", "W", "T"), fc.integer({ min: 0, max: 5 })).map(([s, k]) => add(dimSymbol(s), dimConst(k))),
);

const amountArb = fc.integer({ min: 0, max: 6 });

/** One of the three forms, with the ((top, bottom), (left, right)) it means. */
const paddingArb: fc.Arbitrary<{ given: Given; sides: [[number, number], [number, number]] }> = fc.oneof(
  amountArb.map((p) => ({ given: p, sides: [[p, p], [p, p]] as [[number, number], [number, number]] })),
  fc.tuple(amountArb, amountArb).map(([r, c]) => ({ given: [r, c], sides: [[r, r], [c, c]] as [[number, number], [number, number]] })),
  fc.tuple(amountArb, amountArb, amountArb, amountArb).map(([t, b, l, r]) => ({ given: [[t, b], [l, r]], sides: [[t, b], [l, r]] as [[number, number], [number, number]] })),
);

const plus = (d: Dim, n: number): Dim => add(d, dimConst(n));

describe("zero_padding2d's shape rule", () => {
  it("adds top + bottom rows and left + right columns and keeps the channels, for any padding and size", () => {
    fc.assert(
      fc.property(sizeArb, sizeArb, sizeArb, paddingArb, (h, w, c, { given, sides: [[top, bottom], [left, right]] }) => {
        const expected = shapeToString([plus(h, top + bottom), plus(w, left + right), c]);
        const result = expectShape("zero_padding2d", [h, w, c], { padding: given }, expected);
        expect(paramsOf(result)).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it("takes one integer for all sides, a pair [rows, columns], or two pairs [[top, bottom], [left, right]]", () => {
    expectShape("zero_padding2d", shape(28, 28, 1), {}, "[30, 30, 1]");
    expectShape("zero_padding2d", shape(28, 28, 1), { padding: 2 }, "[32, 32, 1]");
    expectShape("zero_padding2d", shape(28, 28, 1), { padding: [1, 2] }, "[30, 32, 1]");
    expectShape("zero_padding2d", shape(28, 28, 1), { padding: [[1, 2], [3, 4]] }, "[31, 35, 1]");
    expectShape("zero_padding2d", shape(28, 28, 1), { padding: 0 }, "[28, 28, 1]");
    expectShape("zero_padding2d", shape("H", "W", 3), { padding: [[0, 1], [2, 0]] }, "[H + 1, W + 2, 3]");
    expectShape("zero_padding2d", shape(8, 8, 3), { padding: dim(dimSymbol("p")) }, "[2 * p + 8, 2 * p + 8, 3]");
  });

  it("has no parameters", () => {
    expect(paramsOf(expectShape("zero_padding2d", shape(5, 7, 16), { padding: [[1, 2], [3, 4]] }, "[8, 14, 16]"))).toBe(0);
  });

  it("E200 for an input that is not an image, with the other layers' message", () => {
    const vector = expectProblem("zero_padding2d", shape(784), {}, "E200");
    expect(vector.message).toBe("zero_padding2d needs an input of shape [height, width, channels], found [784]");
    expect(vector.help).toMatch(/flatten/);
    expect(expectProblem("zero_padding2d", shape(28, 28), {}, "E200").help).toMatch(/reshape\(\[height, width, 1\]\)/);
    expectProblem("zero_padding2d", shape(2, 28, 28, 1), {}, "E200");
  });

  it("E105 for a negative amount and E104 for a list of another form, on the argument", () => {
    const negative = expectProblem("zero_padding2d", shape(8, 8, 1), { padding: [[1, -2], [0, 0]] }, "E105");
    expect(negative.message).toBe("the padding of zero_padding2d cannot be negative, found -2");
    expect(negative.argument).toBe("padding");
    const three = expectProblem("zero_padding2d", shape(8, 8, 1), { padding: [1, 2, 3] }, "E104");
    expect(three.message).toMatch(/found a list of 3$/);
    expect(three.argument).toBe("padding");
    expectProblem("zero_padding2d", shape(8, 8, 1), { padding: [1, [2, 3]] }, "E104");
    expectProblem("zero_padding2d", shape(8, 8, 1), { padding: [[1, 2, 3], [0, 0]] }, "E104");
  });
});

/** The one diagnostic of checking `body` as a model's body, with the text its range covers. */
function diagnosticOf(body: string): { code: string; message: string; text: string; line: number } {
  const source = `model M {\n${body}\n}\n`;
  const { diagnostics } = checkSource(source, "zero-padding.nn");
  expect(diagnostics.map((d) => `${d.code} ${d.message}`)).toHaveLength(1);
  const [d] = diagnostics;
  return { code: d.code, message: d.message, text: source.slice(d.range.start.offset, d.range.end.offset), line: d.range.start.line };
}

describe("zero_padding2d in a program", () => {
  it("E200 on the layer call when the input is a vector", () => {
    expect(diagnosticOf("  input x: [784]\n  x -> zero_padding2d(1) -> dense(10)")).toEqual({
      code: "E200",
      message: "zero_padding2d needs an input of shape [height, width, channels], found [784]",
      text: "zero_padding2d(1)",
      line: 3,
    });
  });

  it("E105 on the negative number, in each form", () => {
    for (const [padding, number] of [
      ["-1", "-1"],
      ["[1, -2]", "-2"],
      ["[[1, 2], [-3, 4]]", "-3"],
    ]) {
      const d = diagnosticOf(`  input x: [8, 8, 1]\n  x -> zero_padding2d(${padding}) -> flatten`);
      expect(d.code).toBe("E105");
      expect(d.message).toBe(`${number} is out of range: expected a value ≥ 0`);
      expect(d.text).toBe(number);
      expect(d.line).toBe(3);
    }
  });

  it("E104 on the argument for a list of another form", () => {
    const d = diagnosticOf("  input x: [8, 8, 1]\n  x -> zero_padding2d(padding: [1, 2, 3]) -> flatten");
    expect(d.code).toBe("E104");
    expect(d.text).toBe("[1, 2, 3]");
  });

  it("is found by hover, completion and the summary through the registry alone", () => {
    const text = "model M {\n  input image: [28, 28, 1]\n  image -> pad: zero_padding2d([1, 2]) -> flatten\n}\n";
    const path = join(TEST_OUT, "zero-padding-lsp.nn");
    const result = checkSource(text, path);
    expect(result.diagnostics).toEqual([]);
    const analysis: Analysis = {
      uri: `file://${path}`,
      path,
      version: 1,
      text,
      lines: new LineIndex(text),
      result,
      get symbols() {
        return indexSymbols(result);
      },
      linesOf: () => new LineIndex(text),
      uriOf: (p) => `file://${p}`,
    };
    const shown = hover(analysis, text.indexOf("zero_padding2d") + 2);
    const markdown = shown && typeof shown.contents === "object" && "value" in shown.contents ? shown.contents.value : "";
    expect(markdown).toContain("**zero_padding2d** (layer)");
    expect(markdown).toContain("`[28, 28, 1]` → `[30, 32, 1]`");
    expect(markdown).toContain("Parameters: 0");
    expect(markdown).toContain("Adds rows and columns of zeros");
    const typed = text.replace("zero_padding2d([1, 2])", "zero_pad");
    const partial = checkSource(typed, path);
    const items = completions({ ...analysis, text: typed, lines: new LineIndex(typed), result: partial }, typed.indexOf("zero_pad") + "zero_pad".length);
    expect(items.map((i) => i.label)).toContain("zero_padding2d");
    expect(summarize(result.models[0]).layers.find((l) => l.name === "pad")).toEqual({ name: "pad", kind: "zero_padding2d", line: 3, output: [30, 32, 1], params: 0, trainable: 0, nonTrainable: 0 });
  });
});

const PROGRAM = `model Padded {
  input image: [28, 28, 1]
  image
    -> zero_padding2d(2)
    -> conv2d(8, kernel: 5, activation: relu)
    -> maxpool(2)
    -> zero_padding2d([[0, 1], [1, 0]])
    -> conv2d(4, kernel: 3, activation: relu)
    -> flatten
    -> dense(10, activation: softmax)
}
train Padded {
  data: mnist(train: 50000, validation: 10000, test: 10000)
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
  batch_size: 10
  epochs: 1
  seed: 5
}
`;

describe("a model with zero_padding2d, through the generated module", () => {
  it("has in tfjs exactly the output shapes and parameters the checker inferred", async () => {
    const dir = join(TEST_OUT, "zero-padding", String(process.pid));
    mkdirSync(dir, { recursive: true });
    const file = join(dir, "padded.nn");
    writeFileSync(file, PROGRAM);
    const checked = checkProgram([file]);
    expect(checked.diagnostics).toEqual([]);
    const graph = checked.models.find((m) => m.name === "Padded")!;
    const summary = summarize(graph);
    expect(summary.layers.filter((l) => l.kind === "zero_padding2d").map((l) => l.output)).toEqual([
      [32, 32, 1],
      [15, 15, 8],
    ]);
    const model = (await loadProgram(PROGRAM, "padded")).build("Padded");
    try {
      const layers = model.layers.filter((l) => l.getClassName() !== "InputLayer");
      expect(layers.map((l) => l.getClassName())).toContain("ZeroPadding2D");
      expect(layers.map((l) => (l.outputShape as (number | null)[]).slice(1))).toEqual(summary.layers.map((l) => l.output));
      expect(layers.map((l) => l.countParams())).toEqual(summary.layers.map((l) => l.params));
      expect(model.countParams()).toBe(summary.params);
      // The native plan says why the compiled step leaves it out.
      const emitted = emitModel(graph).nativeLayers;
      const padding = layers.filter((l) => l.getClassName() === "ZeroPadding2D").map((l) => emitted[l.name]);
      for (const entry of padding) expect(entry).toEqual({ notCompiled: expect.stringMatching(/\(zero_padding2d\) is not compiled; the autograd path trains it$/) });
    } finally {
      model.dispose();
    }
  }, 60_000);

  it("trains a few steps through autograd; on the native backend the run says why the compiled step is not used", async () => {
    const program = await loadProgram(PROGRAM, "padded-train");
    const lines: string[] = [];
    const backend = nativeAvailable ? "native" : "cpu";
    const report = await program.train("Padded", { limit: 50, backend, output: { write: (text: string) => lines.push(text) } });
    expect(report.examples.train).toBe(50);
    expect(report.history.length).toBe(1);
    expect(Number.isFinite(report.history[0].train.loss)).toBe(true);
    const steps = lines.join("").split("\n").find((l) => l.startsWith("steps: "));
    if (backend === "native") {
      expect(steps).toMatch(/^steps: TensorFlow\.js autograd on the native kernels \(the compiled network does not cover this training: layer "[^"]+" \(zero_padding2d\) is not compiled; the autograd path trains it\)$/);
    } else {
      // Without the addon every step runs through autograd on the JavaScript backend; nothing to choose.
      expect(steps).toBeUndefined();
    }
  }, 120_000);
});

it("zero_padding2d's definition names itself and documents its argument", () => {
  const def = layerDef("zero_padding2d");
  expect(def.category).toBe("reshaping");
  expect(def.signature.params.map((p) => p.name)).toEqual(["padding"]);
  expect(run("zero_padding2d", shape(3, 3, 1)).output?.map((d) => shapeToString([d]))).toEqual(["[5]", "[5]", "[1]"]);
});
