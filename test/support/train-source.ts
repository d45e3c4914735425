/**
 * Runs a training written as `.nn` text through the whole pipeline a user's `nnc train` takes:
 * check, generate the module, load it, call its `trainL()`. Run folders go under `.test-out/`.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { checkProgram } from "../../compiler/check/check.js";
import { CodegenError } from "../../compiler/codegen/emit-layer.js";
import { generateModule } from "../../compiler/codegen/emit-module.js";
import { importGeneratedModule } from "../../compiler/codegen/load-module.js";
import type { TrainingReport, TrainOptions } from "../../runtime/core/program.js";
import type * as tf from "@tensorflow/tfjs";

export const TEST_OUT = resolve(import.meta.dirname, "../../.test-out");

export interface LoadedProgram {
  train(label: string, options?: TrainOptions): Promise<TrainingReport>;
  build(model: string): tf.LayersModel;
  settings(label: string): unknown;
}

/**
 * Checks and loads `text` (as a file named `name` in a fresh folder, beside the data `files` it
 * reads, by name); throws on errors.
 */
export async function loadProgram(text: string, name = "program", files: Readonly<Record<string, string>> = {}): Promise<LoadedProgram> {
  const dir = join(TEST_OUT, "programs", `${name}-${process.pid}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  for (const [file, content] of Object.entries(files)) writeFileSync(join(dir, file), content);
  const file = join(dir, `${name}.nn`);
  writeFileSync(file, text);
  const result = checkProgram([file]);
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  if (errors.length) throw new Error(errors.map((d) => `${d.code} ${d.message}`).join("\n"));
  const generated = await generateModule({ result, file: result.program.roots[0], sourceName: file });
  const [failure] = generated.failures;
  if (failure) throw new CodegenError(`${failure.kind} ${failure.name}: ${failure.message}`);
  const module = await importGeneratedModule(generated.text);
  const training = (label: string) => generated.names.trainings.get(label) ?? { train: `no training ${label}`, settings: `no training ${label}` };
  return {
    train: (label, options = {}) => (module[training(label).train] as (o: TrainOptions) => Promise<TrainingReport>)({ output: null, runDir: join(dir, "runs", label), baseDir: dir, ...options }),
    build: (model) => (module[generated.names.models.get(model)?.build ?? `no model ${model}`] as () => tf.LayersModel)(),
    settings: (label) => module[training(label).settings],
  };
}

/** A training of an MLP on the first `limit` MNIST images, for effect tests. */
export function mlpProgram(keys: string, options: { hidden?: number; activation?: string; model?: string } = {}): string {
  const hidden = options.hidden ?? 16;
  return `model Mlp {
  input image: [784]
  image -> hidden: dense(${hidden}, activation: ${options.activation ?? "sigmoid"}) -> out: dense(10, activation: softmax)
}
${options.model ?? ""}
train Mlp {
  data: mnist(flat: true, train: 50000, validation: 10000, test: 10000)
  loss: cross_entropy
  ${keys}
}
`;
}
