/**
 * Packages saved by nnc are usable without nnc: a program that imports only @tensorflow/tfjs
 * (test/package/plain-tfjs-predict.mjs, following docs/model-package.md) loads dense, convolutional
 * (with l2pool), recurrent and ensemble packages and predicts what `nnc predict` and the generated
 * `predictM` predict.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { checkProgram } from "../../compiler/check/check.js";
import { emitModule } from "../../compiler/codegen/emit-module.js";
import { importGeneratedModule } from "../../compiler/codegen/load-module.js";

const ROOT = resolve(import.meta.dirname, "../..");
const NNC = join(ROOT, "bin", "nnc.js");
const PLAIN = join(ROOT, "test", "package", "plain-tfjs-predict.mjs");
const env = { ...process.env, NNC_BACKEND: "cpu" };

let seed = 7;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const nested = (shape: readonly number[], value: () => number): unknown => (shape.length === 0 ? value() : Array.from({ length: shape[0] }, () => nested(shape.slice(1), value)));

const SOURCE = `
model Flowers {
  input measurements: [4]
  measurements -> dense(8, activation: relu) -> dense(3, activation: softmax)
}
model Pictures {
  input picture: [8, 8, 1]
  picture -> conv2d(4, kernel: 3, padding: same, activation: relu) -> l2pool(2) -> flatten -> dense(3, activation: softmax)
}
model Sequences {
  input steps: [T, 2]
  steps -> lstm(5) -> dense(3, activation: softmax)
}
train flowers: Flowers {
  data: csv("flowers.csv", label: "species", test: 0.25)
  normalize: standardize
  loss: cross_entropy
  optimizer: adam(lr: 0.05)
  epochs: 3
  seed: 2
}
train flowers_vote: Flowers {
  data: csv("flowers.csv", label: "species", test: 0.25)
  normalize: minmax
  loss: cross_entropy
  optimizer: adam(lr: 0.05)
  epochs: 2
  ensemble: 3
  vote: majority
  seed: 3
}
train pictures: Pictures {
  data: json("pictures.json", test: 0.25)
  loss: cross_entropy
  optimizer: adam(lr: 0.01)
  epochs: 2
  seed: 4
}
train sequences: Sequences {
  data: json("sequences.json", test: 0.25)
  loss: cross_entropy
  optimizer: adam(lr: 0.01)
  epochs: 2
  seed: 5
}
`;

function writeData(dir: string): void {
  const names = ["iris", "rose", "tulip"];
  const rows = ["a,b,c,d,species"];
  for (let i = 0; i < 60; i++) rows.push(`${[0, 1, 2, 3].map((f) => (10 * (i % 3) + f + random()).toFixed(3)).join(",")},${names[i % 3]}`);
  writeFileSync(join(dir, "flowers.csv"), `${rows.join("\n")}\n`);
  writeFileSync(join(dir, "pictures.json"), JSON.stringify(Array.from({ length: 40 }, (_, i) => ({ x: nested([8, 8, 1], random), y: i % 3 }))));
  writeFileSync(join(dir, "sequences.json"), JSON.stringify(Array.from({ length: 40 }, (_, i) => ({ x: nested([6, 2], random), y: i % 3 }))));
}

/** New examples for each model, keyed by its input's name. */
const INPUTS: Record<string, { model: string; examples: Record<string, unknown>[] }> = {
  flowers: { model: "Flowers", examples: Array.from({ length: 5 }, (_, i) => ({ measurements: [0, 1, 2, 3].map((f) => 10 * (i % 3) + f + random()) })) },
  flowers_vote: { model: "Flowers", examples: Array.from({ length: 5 }, (_, i) => ({ measurements: [0, 1, 2, 3].map((f) => 5 * i + f * random()) })) },
  pictures: { model: "Pictures", examples: Array.from({ length: 4 }, () => ({ picture: nested([8, 8, 1], random) })) },
  sequences: { model: "Sequences", examples: Array.from({ length: 4 }, () => ({ steps: nested([6, 2], random) })) },
};

interface Answer {
  values: number[];
  predicted?: string[];
}

describe("a program that imports only @tensorflow/tfjs", () => {
  it("loads every kind of package nnc saves and predicts what nnc predict and predictM predict", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nnc-plain-"));
    writeData(dir);
    const source = join(dir, "models.nn");
    writeFileSync(source, SOURCE);
    const module = await importGeneratedModule(await emitModule({ result: checkProgram([source]), file: resolve(source), sourceName: source }));

    for (const [label, { model, examples }] of Object.entries(INPUTS)) {
      const runDir = join(dir, "runs", label);
      execFileSync("node", [NNC, "train", source, "--train", label, "--run-dir", runDir], { cwd: dir, env, stdio: "pipe" });
      const inputs = join(dir, `${label}-inputs.json`);
      writeFileSync(inputs, JSON.stringify(examples));

      // Plain tfjs, in a process that never loads nnc.
      const plain = JSON.parse(execFileSync("node", [PLAIN, runDir, inputs], { cwd: ROOT, env, encoding: "utf8" })) as Record<string, Answer>[];
      // nnc predict.
      const cli = JSON.parse(execFileSync("node", [NNC, "predict", runDir, inputs, "--format", "json"], { cwd: dir, env, encoding: "utf8" })) as Record<string, unknown>[];
      // The generated module.
      const load = module[`load${model}`] as (dir: string) => Promise<unknown>;
      const predictM = module[`predict${model}`] as (m: unknown, inputs: Record<string, unknown>) => Record<string, { values: Float32Array; predicted: string[] | null }>;
      const loaded = await load(runDir);
      const batch = Object.fromEntries(Object.keys(examples[0]).map((key) => [key, examples.map((e) => e[key])]));
      const generated = predictM(loaded, batch);

      expect(plain).toHaveLength(examples.length);
      const output = Object.keys(plain[0])[0];
      const units = plain[0][output].values.length;
      plain.forEach((row, i) => {
        const mine = row[output];
        expect(cli[i].class, `${label}, example ${i}: nnc predict`).toBe(mine.predicted![0]);
        expect(generated[output].predicted![i], `${label}, example ${i}: predict${model}`).toBe(mine.predicted![0]);
        mine.values.forEach((v, k) => expect(generated[output].values[i * units + k]).toBeCloseTo(v, 5));
      });
      const packageFile = JSON.parse(readFileSync(join(runDir, "nnc-package.json"), "utf8")) as { kind: string; customLayers?: string | null };
      if (label === "pictures") expect(packageFile.customLayers).toBe("nnc-layers.mjs");
      if (label === "flowers_vote") expect(packageFile.kind).toBe("ensemble");
    }
  }, 240_000);
});
