import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Project, SyntaxKind } from "ts-morph";
import { describe, expect, it } from "vitest";
import { checkProgram } from "../../compiler/check/check.js";
import { CodegenError } from "../../compiler/codegen/emit-layer.js";
import { emitModule, generateModule } from "../../compiler/codegen/emit-module.js";
import { importGeneratedModule } from "../../compiler/codegen/load-module.js";
import type { TensorSpec } from "../../runtime/core/program.js";

const root = resolve(import.meta.dirname, "../..");

/** Checks `text` as a file of its own (it must have no errors but `errors`) and generates its module. */
async function generate(text: string, name: string, errors: string[] = []) {
  const dir = join(root, ".test-out", "emit-module");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.nn`);
  writeFileSync(file, text);
  // The sources read d.json; `nnc check` reports a data file that is not there.
  writeFileSync(join(dir, "d.json"), "[]");
  const result = checkProgram([file]);
  expect(result.diagnostics.filter((d) => d.severity === "error").map((d) => d.message)).toEqual(errors);
  const input = { result, file: result.program.roots[0], sourceName: `${name}.nn` };
  return { input, generated: await generateModule(input) };
}

/** The values every generated `trainL` passes for `key` (`inputs`, `outputs`), evaluated. */
function specs(text: string, key: string): TensorSpec[][] {
  const file = new Project({ useInMemoryFileSystem: true }).createSourceFile("module.ts", text);
  return file
    .getDescendantsOfKind(SyntaxKind.PropertyAssignment)
    // The training's description, not `tf.model({ inputs, outputs })` in a build function.
    .filter((p) => p.getName() === key && p.getParentIfKind(SyntaxKind.ObjectLiteralExpression)?.getProperty("layerPenalties"))
    .map((p) => new Function(`return ${p.getInitializerOrThrow().getText()};`)() as TensorSpec[]);
}

describe("the inputs and outputs a generated training describes", () => {
  it("lists every input and output in declaration order, with shapes, null for symbols, and dtypes", async () => {
    const { generated } = await generate(
      `model Tagger {
  input tokens: int32[T]
  input flags: [T, 2]
  let e = tokens -> embedding(50, 6)
  let both = concat(e, flags) -> lstm(8, return_sequences: true)
  output tags = both -> time_distributed(dense(4, activation: softmax))
  output score = both -> lstm(3) -> dense(1)
}
train Tagger {
  data: json("d.json")
  loss: [cross_entropy, mse]
  loss_weights: [1, 0.5]
  optimizer: adam
}
`,
      "tagger",
    );
    expect(generated.failures).toEqual([]);
    expect(specs(generated.text, "inputs")).toEqual([
      [
        { name: "tokens", shape: [null], dtype: "int32" },
        { name: "flags", shape: [null, 2], dtype: "float32" },
      ],
    ]);
    expect(specs(generated.text, "outputs")).toEqual([
      [
        { name: "tags", shape: [null, 4], dtype: "float32" },
        { name: "score", shape: [1], dtype: "float32" },
      ],
    ]);
    expect(generated.text).not.toContain("inputDtype");
  }, 30_000);

  it("gives null where the model variants a search builds disagree on a size", async () => {
    const { generated } = await generate(
      `model Head(k: int = 2) {
  input x: [8]
  x -> dense(16, activation: relu) -> dense(k)
}
train Head(k: choice(2, 3)) {
  data: json("d.json", validation: 0.2)
  loss: mse
  optimizer: adam
  tune: grid
}
`,
      "head",
    );
    expect(specs(generated.text, "inputs")).toEqual([[{ name: "x", shape: [8], dtype: "float32" }]]);
    expect(specs(generated.text, "outputs")).toEqual([[{ name: "output", shape: [null], dtype: "float32" }]]);
  }, 30_000);
});

describe("the builds a search over a layer's argument needs", () => {
  it("are one per value, keyed by the layer's label and the argument", async () => {
    const { generated } = await generate(
      `model Net {
  input x: [8]
  x -> h: dense(choice(3, 5), activation: relu) -> dense(2, activation: softmax)
}
train Net {
  data: json("d.json", validation: 0.2, classes: 2)
  loss: cross_entropy
  optimizer: adam
  tune: grid
}
`,
      "layer-search",
    );
    expect(generated.failures).toEqual([]);
    const module = await importGeneratedModule(generated.text);
    const settings = module[generated.names.trainings.get("Net")!.settings] as { model: { args: Record<string, unknown> } };
    expect(settings.model.args).toEqual({ "h.units": { search: "choice", options: [3, 5] } });
    // The builds and the native plans are picked by the chosen value.
    for (const units of [3, 5]) expect(generated.text.split(`'{"h.units":${units}}': `)).toHaveLength(3);
  }, 30_000);
});

describe("a training whose code cannot be generated", () => {
  // `nnc check` reports the variant that does not check (E201) and the CLI stops there; code
  // generation, asked anyway, still refuses that training on its own and keeps the others.
  const NOT_FIT = ["conv2d window 99×99 does not fit its input 28×28"];
  const TWO_TRAININGS = `model Conv(kernel: int = 3) {
  input image: [28, 28, 1]
  image -> conv2d(4, kernel: kernel) -> flatten -> dense(10, activation: softmax)
}
train good: Conv { data: mnist() loss: cross_entropy optimizer: sgd(lr: 0.1) }
train bad: Conv(kernel: choice(3, 99)) { data: mnist() loss: cross_entropy optimizer: sgd(lr: 0.1) tune: grid }
`;

  it("is left out and reported; the other trainings are generated", async () => {
    const { generated } = await generate(TWO_TRAININGS, "two", NOT_FIT);
    expect(generated.failures).toHaveLength(1);
    expect(generated.failures[0]).toMatchObject({ kind: "training", name: "bad" });
    expect(generated.failures[0].message).toContain("kernel = 99");
    expect(generated.text).toContain("export function trainGood(");
    expect(generated.text).toContain("export function buildConv(");
    expect(generated.text).not.toContain("trainBad");
    expect(generated.text).not.toContain("settingsBad");
    // No build function of the failed training is left behind either.
    expect(generated.text).not.toMatch(/function _build\d/);
    expect([...generated.names.trainings.keys()]).toEqual(["good"]);
    const module = await importGeneratedModule(generated.text);
    expect(typeof module.trainGood).toBe("function");
  }, 30_000);

  it("makes emitModule, which returns the whole module or nothing, throw", async () => {
    const { input } = await generate(TWO_TRAININGS, "two-throws", NOT_FIT);
    await expect(emitModule(input)).rejects.toThrow(CodegenError);
    await expect(emitModule(input)).rejects.toThrow(/training bad: .*kernel = 99/);
  }, 30_000);
});
