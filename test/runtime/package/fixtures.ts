/**
 * Model packages built by hand for tests of `nnc evaluate` and `nnc predict`: networks whose
 * weights are set so their predictions are known, saved and packaged as a training saves them
 * (runtime/run/save-model.ts, runtime/package/write.ts), and the files they read (CSV, NPY, IDX,
 * PNG, JPEG).
 */
import * as tf from "@tensorflow/tfjs";
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { InputPreprocessing } from "../../../runtime/data/examples.js";
import type { PackageData, PackageEvaluation, PackageFile } from "../../../runtime/package/format.js";
import { writeEnsemblePackage, writeModelPackage, type PackageFacts } from "../../../runtime/package/write.js";
import type { TensorSpec } from "../../../runtime/core/program.js";
import { saveModel } from "../../../runtime/run/save-model.js";
import type { DataSetting, Settled } from "../../../runtime/core/settings.js";
import type { Vote } from "../../../runtime/core/vote.js";

/** A fresh folder under the system's temp folder. */
export function tempFolder(prefix = "nnc-package-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** One dense layer with set weights: `kernel[i][j]` from input unit i to output unit j. */
export interface DenseWeights {
  readonly kernel: readonly (readonly number[])[];
  readonly bias: readonly number[];
  readonly activation: "softmax" | "sigmoid" | "linear";
}

/** A sequential network: an optional flatten of `input`, then one dense layer with set weights. */
export function denseModel(input: readonly number[], weights: DenseWeights, names: { input?: string; output?: string } = {}): tf.LayersModel {
  const flat = input.length > 1;
  const units = weights.bias.length;
  const layers: tf.layers.Layer[] = [];
  if (flat) layers.push(tf.layers.flatten({ inputShape: [...input] }));
  const dense = tf.layers.dense({ units, activation: weights.activation, name: names.output ?? "out", ...(flat ? {} : { inputShape: [...input] }) });
  layers.push(dense);
  const model = tf.sequential({ layers, name: names.input ?? "net" });
  dense.setWeights([tf.tensor2d(weights.kernel.map((r) => [...r])), tf.tensor1d([...weights.bias])]);
  return model;
}

export interface PackageSpec {
  readonly label?: string;
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly (TensorSpec & { readonly classes: readonly string[] | null })[];
  readonly source: Settled<DataSetting>;
  /** The folder the source's relative paths start from; default the package's folder. */
  readonly baseDir?: string;
  readonly limit?: number | null;
  readonly evaluation?: PackageEvaluation;
  readonly preprocessing?: readonly InputPreprocessing[];
  readonly test?: Readonly<Record<string, number>> | null;
}

function facts(dir: string, spec: PackageSpec): PackageFacts {
  const data: PackageData = { source: spec.source, baseDir: spec.baseDir ?? dir, splitSeed: 0, seed: 1, limit: spec.limit ?? null, normalize: "none" };
  const evaluation = spec.evaluation ?? { loss: [{ kind: "cross_entropy", fromLogits: false }], lossWeights: null, metrics: [{ kind: "accuracy" }] };
  return { label: spec.label ?? "Hand", source: "hand.nn", inputs: spec.inputs.map(({ name, shape, dtype }) => ({ name, shape, dtype })), outputs: spec.outputs.map(({ name, shape, dtype }) => ({ name, shape, dtype })), data, evaluation };
}

/** What write.ts takes from the training data: each output's classes and each input's preprocessing. */
function trainingFacts(spec: PackageSpec) {
  return {
    train: { inputs: [], targets: spec.outputs.map((o) => ({ values: new Float32Array(0), shape: [], classes: o.classes })), count: 0 },
    preprocessing: spec.preprocessing ?? spec.inputs.map(() => ({ kind: "none" as const })),
  };
}

/** Saves `model` in `dir` and writes its package there, as a training does. */
export async function writeHandPackage(dir: string, model: tf.LayersModel, spec: PackageSpec): Promise<PackageFile> {
  mkdirSync(dir, { recursive: true });
  const modelJson = await saveModel(model, dir);
  return writeModelPackage(dir, modelJson, facts(dir, spec), trainingFacts(spec), spec.test ?? null);
}

/** An ensemble package in `dir` of `models`, each saved in `member-i/` with its own package. */
export async function writeHandEnsemble(dir: string, models: readonly tf.LayersModel[], vote: Vote, spec: PackageSpec): Promise<PackageFile> {
  const members: string[] = [];
  for (let i = 0; i < models.length; i++) {
    const member = join(dir, `member-${i + 1}`);
    await writeHandPackage(member, models[i], { ...spec, baseDir: spec.baseDir ?? dir });
    members.push(member);
  }
  return writeEnsemblePackage(dir, members, vote, facts(dir, spec), trainingFacts(spec), spec.test ?? null);
}

/** A csv source setting of one label column and a test file. */
export function csvSource(path: string, label: string | number, test: string | null = null): Settled<DataSetting> {
  return { kind: "csv", path, label: [label], features: null, classes: null, targets: null, test: test === null ? null : { kind: "files", paths: [test] }, validation: null };
}

/** A `.npy` file (format 1.0, little-endian float32) of `shape`. */
export function npyBytes(values: readonly number[], shape: readonly number[]): Buffer {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(", ")}${shape.length === 1 ? "," : ""}), }`;
  const unpadded = 10 + header.length + 1;
  header += " ".repeat((64 - (unpadded % 64)) % 64) + "\n";
  const preamble = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  const data = Buffer.from(Float32Array.from(values).buffer);
  return Buffer.concat([preamble, Buffer.from(header, "latin1"), data]);
}

/** An IDX file of unsigned bytes of `dims`. */
export function idxBytes(values: readonly number[], dims: readonly number[]): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(values)]);
}

/** A gray PNG of `width`×`height`, every pixel `value` (0…255), or `values` row-major. */
export function grayPng(width: number, height: number, value: number | readonly number[]): Buffer {
  const png = new PNG({ width, height });
  for (let p = 0; p < width * height; p++) {
    const v = typeof value === "number" ? value : value[p];
    png.data[p * 4] = v;
    png.data[p * 4 + 1] = v;
    png.data[p * 4 + 2] = v;
    png.data[p * 4 + 3] = 255;
  }
  return PNG.sync.write(png);
}

/** A quality-100 gray JPEG of `width`×`height`, every pixel `value`. */
export function grayJpeg(width: number, height: number, value: number): Buffer {
  const data = Buffer.alloc(width * height * 4, value);
  for (let p = 0; p < width * height; p++) data[p * 4 + 3] = 255;
  return Buffer.from(jpeg.encode({ data, width, height }, 100).data);
}

/** Writes `content` at `path` under `dir`, making folders; returns the full path. */
export function put(dir: string, path: string, content: string | Buffer): string {
  const full = join(dir, path);
  mkdirSync(join(full, ".."), { recursive: true });
  writeFileSync(full, content);
  return full;
}
