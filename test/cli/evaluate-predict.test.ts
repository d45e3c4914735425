/**
 * `nnc evaluate` and `nnc predict` on packages built by hand (networks with set weights, so every
 * prediction is known) and on packages a training wrote (runtime/session/training.ts with a hand-built
 * CompiledTraining). Text people read is compared with golden files in test/cli/golden/
 * (UPDATE_GOLDEN=1 rewrites them).
 */
import * as tf from "@tensorflow/tfjs";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { main } from "../../compiler/cli/main.js";
import { describeMetrics } from "../../runtime/core/metric-format.js";
import type { CompiledTraining } from "../../runtime/core/program.js";
import type { DataSetting, Settled } from "../../runtime/core/settings.js";
import { runTraining } from "../../runtime/session/training.js";
import { csvSource, denseModel, grayJpeg, grayPng, npyBytes, put, tempFolder, writeHandEnsemble, writeHandPackage } from "../runtime/package/fixtures.js";
import { resolvedTraining } from "../support/user-data.js";

// The same kernels for every test file, whatever this machine has: golden numbers do not move.
process.env.NNC_BACKEND = "cpu";

async function run(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), color: false });
  return { code, stdout, stderr };
}

const GOLDEN = join(import.meta.dirname, "golden");

/** `actual` against the golden file `name`; UPDATE_GOLDEN=1 writes it instead. */
function expectGolden(name: string, actual: string): void {
  const path = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN) writeFileSync(path, actual);
  expect(existsSync(path), `${path} is missing: run with UPDATE_GOLDEN=1 to write it`).toBe(true);
  expect(actual).toBe(readFileSync(path, "utf8"));
}

// ── A package whose predictions are known ───────────────────────────────────────────────────────
// The network is softmax(identity · features): the predicted animal is the largest feature.
const ANIMALS = ["cat", "dog", "fox"];
const IDENTITY = [
  [1, 0, 0],
  [0, 1, 0],
  [0, 0, 1],
];
// Ten examples; by hand, rows true class, columns predicted (cat, dog, fox):
//   cat  2 1 0     precision: cat 2/2, dog 2/4, fox 3/4
//   dog  0 2 1     recall:    cat 2/3, dog 2/3, fox 3/4
//   fox  0 1 3     accuracy 7/10
const TEST_CSV = `f0,f1,f2,animal
2,0,0,cat
2,0,0,cat
0,2,0,cat
0,2,0,dog
0,2,0,dog
0,0,2,dog
0,0,2,fox
0,2,0,fox
0,0,2,fox
0,0,2,fox
`;

let animals: { dir: string; run: string };

async function animalPackage(): Promise<{ dir: string; run: string }> {
  const dir = tempFolder("nnc-eval-");
  put(dir, "train.csv", TEST_CSV);
  put(dir, "test.csv", TEST_CSV);
  const run = join(dir, "run");
  await writeHandPackage(run, denseModel([3], { kernel: IDENTITY, bias: [0, 0, 0], activation: "softmax" }), {
    label: "Animals",
    inputs: [{ name: "features", shape: [3], dtype: "float32" }],
    outputs: [{ name: "animal", shape: [3], dtype: "float32", classes: ANIMALS }],
    source: csvSource("train.csv", "animal", "test.csv"),
    baseDir: dir,
  });
  return { dir, run };
}

beforeAll(async () => {
  await tf.setBackend("cpu");
  animals = await animalPackage();
});

const placeholders = (text: string, dir: string) => text.split(dir).join("<dir>");

describe("nnc evaluate", () => {
  it("counts the confusion matrix and per-class scores as counted by hand", async () => {
    const r = await run("evaluate", animals.run, "--format", "json");
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(Object.keys(json)).toEqual(["run", "data", "count", "metrics", "classes"]);
    expect(json.run).toBe(animals.run);
    expect(json.data).toEqual({ kind: "test part", description: "test.csv" });
    expect(json.count).toBe(10);
    expect(json.metrics.accuracy).toBeCloseTo(0.7, 6);
    // Cross-entropy of softmax([2, 0, 0]): −ln(e²/(e²+2)) right, −ln(1/(e²+2)) wrong; 7 right, 3 wrong.
    const z = Math.exp(2) + 2;
    expect(json.metrics.loss).toBeCloseTo((7 * -Math.log(Math.exp(2) / z) + 3 * Math.log(z)) / 10, 5);
    const [report] = json.classes;
    expect(report.output).toBe("animal");
    expect(report.classes).toEqual(ANIMALS);
    expect(report.confusion).toEqual([
      [2, 1, 0],
      [0, 2, 1],
      [0, 1, 3],
    ]);
    const scores = report.perClass.map((s: { precision: number; recall: number; f1: number; support: number }) => [s.precision, s.recall, s.f1, s.support]);
    const expected = [
      [1, 2 / 3, 0.8, 3],
      [0.5, 2 / 3, 4 / 7, 3],
      [0.75, 0.75, 0.75, 4],
    ];
    scores.forEach((row: number[], c: number) => row.forEach((v, k) => expect(v).toBeCloseTo(expected[c][k], 12)));
    expect(report.accuracy).toBeCloseTo(0.7, 12);
    expect(report.macro.precision).toBeCloseTo(0.75, 12);
    expect(report.macro.recall).toBeCloseTo(25 / 36, 12);
    expect(report.macro.f1).toBeCloseTo((0.8 + 4 / 7 + 0.75) / 3, 12);
    expect(report.weighted.precision).toBeCloseTo(0.75, 12);
    expect(report.weighted.recall).toBeCloseTo(0.7, 12);
    expect(report.weighted.f1).toBeCloseTo((0.8 * 3 + (4 / 7) * 3 + 0.75 * 4) / 10, 12);
  });

  it("prints the report as text (golden), and the same numbers on files given with --data", async () => {
    const r = await run("evaluate", animals.run);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expectGolden("evaluate-animals.txt", placeholders(r.stdout, animals.dir));
    const other = await run("evaluate", animals.run, "--data", join(animals.dir, "test.csv"), "--format", "json");
    expect(other.code).toBe(0);
    const json = JSON.parse(other.stdout);
    expect(json.data).toEqual({ kind: "files", paths: [join(animals.dir, "test.csv")] });
    expect(json.classes[0].confusion).toEqual([
      [2, 1, 0],
      [0, 2, 1],
      [0, 1, 3],
    ]);
  });

  it("notes a training's --limit; exit 1 for a folder that is not a run or data that does not fit; exit 2 for usage errors", async () => {
    const dir = tempFolder("nnc-eval-");
    put(dir, "train.csv", TEST_CSV);
    put(dir, "test.csv", TEST_CSV);
    const limited = join(dir, "run");
    await writeHandPackage(limited, denseModel([3], { kernel: IDENTITY, bias: [0, 0, 0], activation: "softmax" }), {
      inputs: [{ name: "features", shape: [3], dtype: "float32" }],
      outputs: [{ name: "animal", shape: [3], dtype: "float32", classes: ANIMALS }],
      source: csvSource("train.csv", "animal", "test.csv"),
      baseDir: dir,
      limit: 4,
    });
    const r = await run("evaluate", limited);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("note: the run was trained with --limit 4; its test part is the first 4 examples\n");
    expect(r.stdout).toContain("data: the run's test part: test.csv, 4 examples\n");

    const notRun = await run("evaluate", dir);
    expect(notRun.code).toBe(1);
    expect(notRun.stderr).toBe(`error: ${dir} is not a run folder: it has no nnc-package.json; it holds the run folders ${join(dir, "run")}\n`);
    put(dir, "wrong.csv", "f0,f1,animal\n1,2,cat\n");
    const wrong = await run("evaluate", animals.run, "--data", join(dir, "wrong.csv"));
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toBe(`error: ${join(dir, "wrong.csv")}: input \`features\` is [2] per example, but the model takes [3]\n`);

    expect((await run("evaluate")).code).toBe(2);
    const typo = await run("evaluate", animals.run, "--dat", "x.csv");
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("unknown option `--dat`; did you mean `--data`?");
    expect(typo.stderr).toContain("Usage: nnc evaluate RUN");
    expect((await run("evaluate", animals.run, "--format", "csv")).code).toBe(2);
  });
});

describe("nnc predict", () => {
  it("predicts on a CSV with or without the label column (golden CSV), and as JSON", async () => {
    const r = await run("predict", animals.run, join(animals.dir, "test.csv"));
    expect(r.code).toBe(0);
    expectGolden("predict-animals.csv", placeholders(r.stdout, animals.dir));
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("source,class,p(cat),p(dog),p(fox)");
    expect(lines.slice(1).map((l) => l.split(",")[1])).toEqual(["cat", "cat", "dog", "dog", "dog", "fox", "fox", "dog", "fox", "fox"]);

    const bare = put(animals.dir, "bare/test.csv", TEST_CSV.split("\n").map((l) => l.split(",").slice(0, 3).join(",")).join("\n"));
    const without = await run("predict", animals.run, bare);
    expect(without.code).toBe(0);
    const rest = (text: string) => text.split("\n").map((l) => l.split(",").slice(1).join(","));
    expect(rest(without.stdout)).toEqual(rest(r.stdout));

    const json = await run("predict", animals.run, join(animals.dir, "test.csv"), "--format", "json");
    const records = JSON.parse(json.stdout);
    expect(records).toHaveLength(10);
    expect(records[0].source).toBe(`${join(animals.dir, "test.csv")}:2`);
    expect(records[0].class).toBe("cat");
    expect(Object.keys(records[0].p)).toEqual(ANIMALS);
    expect(records[0].p.cat).toBeCloseTo(Math.exp(2) / (Math.exp(2) + 2), 6);
  });

  it("predicts on JSON examples and on an NPY file", async () => {
    const dir = tempFolder("nnc-predict-");
    // Keyed `x`, or by the input's name with the target there too: both are read, one after the other.
    const examples = put(dir, "new.json", JSON.stringify([{ x: [0, 0, 5] }, { x: [0, 1, 0] }]));
    const named = put(dir, "named.json", JSON.stringify({ features: [[4, 0, 0]], animal: ["dog"] }));
    const fromJson = await run("predict", animals.run, examples, named, "--format", "json");
    expect(fromJson.code).toBe(0);
    expect(JSON.parse(fromJson.stdout).map((r: { class: string; source: string }) => [r.source, r.class])).toEqual([
      [`${examples}: example 0`, "fox"],
      [`${examples}: example 1`, "dog"],
      [`${named}: example 0`, "cat"],
    ]);
    const npy = put(dir, "x.npy", npyBytes([3, 1, 0, 0, 1, 3, 0, 0, 0], [3, 3]));
    const fromNpy = await run("predict", animals.run, npy);
    expect(fromNpy.code).toBe(0);
    expect(fromNpy.stdout.trimEnd().split("\n").slice(1).map((l) => l.split(",").slice(0, 2).join(","))).toEqual([`${npy}: example 0,cat`, `${npy}: example 1,fox`, `${npy}: example 2,cat`]);
  });

  it("an ensemble predicts its majority vote, with its members' mean probabilities", async () => {
    const dir = tempFolder("nnc-predict-");
    // Two members say "no" with 0.6, one says "yes" with ~1: the majority says no, the mean yes.
    const member = (bias: number[]) => denseModel([1], { kernel: [[0, 0]], bias, activation: "softmax" });
    const spec = {
      inputs: [{ name: "x", shape: [1], dtype: "float32" as const }],
      outputs: [{ name: "answer", shape: [2], dtype: "float32" as const, classes: ["no", "yes"] }],
      source: csvSource("train.csv", "answer"),
    };
    const models = () => [member([Math.log(0.6), Math.log(0.4)]), member([Math.log(0.6), Math.log(0.4)]), member([-10, 10])];
    await writeHandEnsemble(join(dir, "majority"), models(), "majority", spec);
    await writeHandEnsemble(join(dir, "mean"), models(), "mean", spec);
    const input = put(dir, "one.csv", "x\n1\n");
    const majority = JSON.parse((await run("predict", join(dir, "majority"), input, "--format", "json")).stdout)[0];
    expect(majority.class).toBe("no");
    expect(majority.p.no).toBeCloseTo(0.4, 5);
    expect(majority.p.yes).toBeCloseTo(0.6, 5);
    const mean = JSON.parse((await run("predict", join(dir, "mean"), input, "--format", "json")).stdout)[0];
    expect(mean.class).toBe("yes");
  });

  it("a network trained from logits: probabilities are the sigmoid or softmax of its scores, and so are its classes", async () => {
    const dir = tempFolder("nnc-predict-");
    const csv = put(dir, "x.csv", "f0,f1\n1.1198808,0\n-0.11988084,0\n0,2\n");
    const logits = (kind: "binary_cross_entropy" | "cross_entropy") => ({ loss: [{ kind, fromLogits: true }], lossWeights: null, metrics: [{ kind: "accuracy" as const }] });
    const input = [{ name: "m", shape: [2], dtype: "float32" as const }];
    // One unit whose score is f0: 1.12 and −0.12 are probabilities 0.754 and 0.470 of "yes".
    const binary = join(dir, "binary");
    const written = await writeHandPackage(binary, denseModel([2], { kernel: [[1], [0]], bias: [0], activation: "linear" }), {
      inputs: input,
      outputs: [{ name: "p", shape: [1], dtype: "float32", classes: ["no", "yes"] }],
      source: csvSource("x.csv", "yes"),
      evaluation: logits("binary_cross_entropy"),
    });
    expect(written.outputs[0].logits).toBe(true);
    const rows = JSON.parse((await run("predict", binary, csv, "--format", "json")).stdout) as { class: string; p: Record<string, number> }[];
    expect(rows.map((r) => r.class)).toEqual(["yes", "no", "no"]);
    expect(rows[0].p.yes).toBeCloseTo(1 / (1 + Math.exp(-1.1198808)), 5);
    expect(rows[0].p.no).toBeCloseTo(1 - rows[0].p.yes, 5);
    expect(rows[1].p.yes).toBeCloseTo(1 / (1 + Math.exp(0.11988084)), 5);
    expect(rows[2].p.yes).toBeCloseTo(0.5, 6);
    // Scores 0.3 and 0.2 are "yes" (above 0), though below 0.5: every row is right.
    const labelled = put(dir, "labelled.csv", "f0,f1,yes\n1.1198808,0,yes\n-0.11988084,0,no\n0.3,0,yes\n0.2,0,yes\n");
    const evaluated = JSON.parse((await run("evaluate", binary, "--data", labelled, "--format", "json")).stdout);
    expect(evaluated.metrics.accuracy).toBe(1);
    expect(evaluated.classes[0].confusion).toEqual([
      [1, 0],
      [0, 3],
    ]);
    // Three scores (f0, f1, 0) through a softmax.
    const three = join(dir, "three");
    await writeHandPackage(three, denseModel([2], { kernel: [[1, 0, 0], [0, 1, 0]], bias: [0, 0, 0], activation: "linear" }), {
      inputs: input,
      outputs: [{ name: "k", shape: [3], dtype: "float32", classes: ["a", "b", "c"] }],
      source: csvSource("x.csv", "k"),
      evaluation: logits("cross_entropy"),
    });
    const csvOut = (await run("predict", three, csv)).stdout.trimEnd().split("\n");
    expect(csvOut[0]).toBe("source,class,p(a),p(b),p(c)");
    const last = csvOut[3].split(",").slice(1);
    const e2 = Math.exp(2);
    expect(last[0]).toBe("b");
    expect(Number(last[1])).toBeCloseTo(1 / (e2 + 2), 5);
    expect(Number(last[2])).toBeCloseTo(e2 / (e2 + 2), 5);
    // A probability network's package says it gives no logits.
    expect((await writeHandPackage(join(dir, "probabilities"), denseModel([2], { kernel: [[1], [0]], bias: [0], activation: "sigmoid" }), {
      inputs: input,
      outputs: [{ name: "p", shape: [1], dtype: "float32", classes: ["no", "yes"] }],
      source: csvSource("x.csv", "yes"),
      evaluation: { loss: [{ kind: "binary_cross_entropy", fromLogits: false }], lossWeights: null, metrics: [{ kind: "accuracy" }] },
    })).outputs[0].logits).toBe(false);
  });

  it("predicts on a folder of PNG and JPEG images and on one image, resized as the training did", async () => {
    const dir = tempFolder("nnc-predict-");
    const run4 = join(dir, "run");
    // Sum of the 16 pixels (in [0, 1]) minus 8: bright images are "bright".
    await writeHandPackage(run4, denseModel([4, 4, 1], { kernel: Array.from({ length: 16 }, () => [1, -1]), bias: [-8, 8], activation: "softmax" }), {
      inputs: [{ name: "photo", shape: [4, 4, 1], dtype: "float32" }],
      outputs: [{ name: "light", shape: [2], dtype: "float32", classes: ["bright", "dark"] }],
      source: { kind: "images", path: "photos", size: [4, 4], color: "grayscale", scale: 1 / 255, classes: null, test: null, validation: null },
    });
    put(dir, "new/a.png", grayPng(4, 4, 250));
    put(dir, "new/deeper/b.jpg", grayJpeg(16, 16, 10));
    put(dir, "new/c.jpeg", grayJpeg(8, 8, 240));
    const single = put(dir, "single.png", grayPng(6, 3, 5));
    const r = await run("predict", run4, join(dir, "new"), single);
    expect(r.code).toBe(0);
    const rows = r.stdout.trimEnd().split("\n").slice(1).map((l) => l.split(",").slice(0, 2));
    expect(rows).toEqual([
      [join(dir, "new", "a.png"), "bright"],
      [join(dir, "new", "c.jpeg"), "bright"],
      [join(dir, "new", "deeper", "b.jpg"), "dark"],
      [single, "dark"],
    ]);
  });

  it("--out writes the file, and never replaces one without --force", async () => {
    const dir = tempFolder("nnc-predict-");
    const out = join(dir, "predictions.csv");
    const first = await run("predict", animals.run, join(animals.dir, "test.csv"), "--out", out);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe("");
    expect(first.stderr).toBe(`wrote 10 predictions to ${out}\n`);
    expect(readFileSync(out, "utf8").split("\n")[0]).toBe("source,class,p(cat),p(dog),p(fox)");
    writeFileSync(out, "precious");
    const refused = await run("predict", animals.run, join(animals.dir, "test.csv"), "--out", out, "--format", "json");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`error: ${out} already exists; nnc predict does not overwrite it: give --force to replace it, or another --out\n`);
    expect(readFileSync(out, "utf8")).toBe("precious");
    const forced = await run("predict", animals.run, join(animals.dir, "test.csv"), "--out", out, "--format", "json", "--force");
    expect(forced.code).toBe(0);
    expect(JSON.parse(readFileSync(out, "utf8"))).toHaveLength(10);
  });

  it("bad inputs exit 1 with a message naming the file", async () => {
    const dir = tempFolder("nnc-predict-");
    const narrow = put(dir, "narrow.csv", "f0,f1\n1,2\n");
    const r = await run("predict", animals.run, narrow);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`error: ${narrow}: 2 feature columns (the file has no label column), but the model takes 3\n`);
    const missing = await run("predict", animals.run, join(dir, "nope.csv"));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`error: cannot read ${join(dir, "nope.csv")}: no such file or folder\n`);

    const images = join(dir, "images-run");
    await writeHandPackage(images, denseModel([4, 4, 1], { kernel: Array.from({ length: 16 }, () => [1, -1]), bias: [0, 0], activation: "softmax" }), {
      inputs: [{ name: "photo", shape: [4, 4, 1], dtype: "float32" }],
      outputs: [{ name: "light", shape: [2], dtype: "float32", classes: ["bright", "dark"] }],
      source: { kind: "images", path: "photos", size: null, color: "grayscale", scale: 1 / 255, classes: null, test: null, validation: null },
    });
    const big = put(dir, "big.png", grayPng(5, 5, 0));
    const wrongSize = await run("predict", images, big);
    expect(wrongSize.code).toBe(1);
    expect(wrongSize.stderr).toBe(
      `error: ${big} is 5×5 pixels with 1 channel, but the model takes 4×4 pixels with 1 channel; its training did not resize images (its data source has no \`size\`): resize the image to the model's size first\n`,
    );
    const fake = put(dir, "fake.png", "just text\n");
    const notImage = await run("predict", images, fake);
    expect(notImage.code).toBe(1);
    expect(notImage.stderr).toBe(`error: image "${fake}" is not a PNG or JPEG file, whatever its name says: it starts with the bytes 6a 75 73 74 20 74 65 78\n`);
  });

  it("usage errors exit 2; help describes the command", async () => {
    expect((await run("predict")).code).toBe(2);
    const noInputs = await run("predict", animals.run);
    expect(noInputs.code).toBe(2);
    expect(noInputs.stderr).toContain(`name the files to predict on after the run folder ${animals.run}`);
    const typo = await run("predict", animals.run, "x.csv", "--fromat", "json");
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("unknown option `--fromat`; did you mean `--format`?");
    expect((await run("predict", animals.run, "x.csv", "--format", "xml")).code).toBe(2);
    for (const command of ["evaluate", "predict"]) {
      const help = await run("help", command);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^Usage: nnc ${command} RUN`));
      expect((await run(command, "--help")).stdout).toBe(help.stdout);
    }
    expect((await run("help")).stdout).toContain("nnc predict RUN INPUTS…");
  });
});

// ── Packages a training wrote ───────────────────────────────────────────────────────────────────

/** Three blobs in the plane, 40 points each, labelled by name; a CSV a training reads. */
function blobsCsv(): string {
  const lines = ["x,y,blob"];
  let seed = 7;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
  const centres: Record<string, [number, number]> = { red: [2, 0], green: [-1, 2], blue: [-1, -2] };
  for (let i = 0; i < 120; i++) {
    const name = Object.keys(centres)[i % 3];
    const [cx, cy] = centres[name];
    lines.push(`${(cx + 1.2 * random()).toFixed(3)},${(cy + 1.2 * random()).toFixed(3)},${name}`);
  }
  return `${lines.join("\n")}\n`;
}

function blobsTraining(dir: string, more: Parameters<typeof resolvedTraining>[1]): CompiledTraining {
  const source: Settled<DataSetting> = { kind: "csv", path: "blobs.csv", label: ["blob"], features: null, classes: null, targets: null, test: { kind: "fraction", fraction: 0.25 }, validation: null };
  return {
    label: "Blobs",
    source: join(dir, "blobs.nn"),
    settings: resolvedTraining(source, { seed: 5, epochs: 3, batchSize: 10, normalize: "standardize", metrics: [{ kind: "accuracy" }], ...more }),
    inputs: [{ name: "point", shape: [2], dtype: "float32" }],
    outputs: [{ name: "blob", shape: [3], dtype: "float32" }],
    layerPenalties: {},
    build: () =>
      tf.sequential({
        layers: [tf.layers.dense({ units: 6, activation: "relu", inputShape: [2] }), tf.layers.dense({ units: 3, activation: "softmax" })],
      }),
  };
}

describe("nnc evaluate on a run a training wrote", () => {
  it("reproduces the test metrics the training reported, for one network and for an ensemble's vote", async () => {
    const dir = tempFolder("nnc-trained-");
    put(dir, "blobs.csv", blobsCsv());
    for (const ensemble of [1, 3]) {
      const runDir = join(dir, `runs-${ensemble}`);
      const report = await runTraining(blobsTraining(dir, { ensemble }), { output: null, runDir, baseDir: dir, backend: "cpu" });
      expect(report.test).not.toBeNull();
      const json = await run("evaluate", runDir, "--format", "json");
      expect(json.code).toBe(0);
      const evaluated = JSON.parse(json.stdout);
      expect(evaluated.count).toBe(30);
      expect(Object.keys(evaluated.metrics).sort()).toEqual(Object.keys(report.test!).sort());
      for (const [name, value] of Object.entries(report.test!)) expect(evaluated.metrics[name]).toBeCloseTo(value, 6);
      const text = await run("evaluate", runDir);
      expect(text.stdout).toContain(`metrics: ${describeMetrics(report.test!)}\n`);
      expect(text.stdout).toContain("data: the run's test part: 25% of blobs.csv, held out with split seed 5, 30 examples\n");
      expect(text.stdout).not.toContain("note:");
      if (ensemble > 1) expect(text.stdout).toContain("model: Blobs (");
      // The confusion matrix's diagonal is the accuracy.
      const report0 = evaluated.classes[0];
      const diagonal = report0.confusion.reduce((n: number, row: number[], i: number) => n + row[i], 0);
      expect(diagonal / evaluated.count).toBeCloseTo(evaluated.metrics.accuracy, 6);
    }
  }, 60_000);

  it("a single unit trained from logits: the training, evaluate and predict all take a score above 0 as the second class", async () => {
    const dir = tempFolder("nnc-trained-");
    const lines = ["x,y,far"];
    for (let i = 0; i < 120; i++) {
      const x = ((i * 37) % 101) / 25 - 2;
      const y = ((i * 53) % 97) / 24 - 2;
      // Far from the origin is "yes"; a line cannot say so exactly, so some examples are wrong and
      // scores fall on both sides of 0 and of 0.5.
      lines.push(`${x.toFixed(3)},${y.toFixed(3)},${x * x + y * y > 2 ? "yes" : "no"}`);
    }
    put(dir, "far.csv", `${lines.join("\n")}\n`);
    const source: Settled<DataSetting> = { kind: "csv", path: "far.csv", label: ["far"], features: null, classes: ["no", "yes"], targets: null, test: { kind: "fraction", fraction: 0.5 }, validation: null };
    for (const ensemble of [1, 3]) {
      const training: CompiledTraining = {
        label: "Far",
        source: join(dir, "far.nn"),
        settings: resolvedTraining(source, { seed: 3, epochs: 2, batchSize: 10, ensemble, loss: [{ kind: "binary_cross_entropy", fromLogits: true }], optimizer: { kind: "sgd", lr: 0.5, momentum: 0, nesterov: false } }),
        inputs: [{ name: "point", shape: [2], dtype: "float32" }],
        outputs: [{ name: "far", shape: [1], dtype: "float32" }],
        layerPenalties: {},
        build: () => tf.sequential({ layers: [tf.layers.dense({ units: 4, activation: "tanh", inputShape: [2] }), tf.layers.dense({ units: 1 })] }),
      };
      const runDir = join(dir, `runs-${ensemble}`);
      const report = await runTraining(training, { output: null, runDir, baseDir: dir, backend: "cpu" });
      const evaluated = JSON.parse((await run("evaluate", runDir, "--format", "json")).stdout);
      expect(evaluated.metrics.accuracy).toBeCloseTo(report.test!.accuracy, 6);
      const confusion: number[][] = evaluated.classes[0].confusion;
      expect((confusion[0][0] + confusion[1][1]) / evaluated.count).toBeCloseTo(evaluated.metrics.accuracy, 6);
      const predicted = JSON.parse((await run("predict", runDir, join(dir, "far.csv"), "--format", "json")).stdout) as { class: string; p: { no: number; yes: number } }[];
      for (const row of predicted) {
        expect(row.p.yes).toBeGreaterThanOrEqual(0);
        expect(row.p.yes).toBeLessThanOrEqual(1);
        expect(row.p.no).toBeCloseTo(1 - row.p.yes, 5);
        if (ensemble === 1) expect(row.class).toBe(row.p.yes > 0.5 ? "yes" : "no");
      }
    }
  }, 60_000);
});
