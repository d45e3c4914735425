/**
 * A loaded model package: its networks, ready to predict from raw inputs (as a data file holds
 * them). Each network prepares the inputs with its own recorded preprocessing, so an ensemble of
 * k-fold models, each normalized with its own statistics, predicts as it was trained.
 */
import * as tf from "@tensorflow/tfjs";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Column } from "../data/examples.js";
import { applyPreprocessing } from "../data/load.js";
// Models with `l2pool` or a reset-after `gru` need their layer classes registered before they load.
import "../layers/l2pool.js";
import "../layers/gru.js";
import { requestedBackend, selectBackend } from "../kernels/backend.js";
import { fileHandler } from "../run/save-model.js";
import { predictAll } from "../train/evaluate.js";
import { classOf, meanOutput, probabilitiesOfScores, votedClasses } from "../core/vote.js";
import { logitOutputs } from "../train/losses.js";
import { PackageError, type ModelPackageFile, type PackageFile } from "./format.js";
import { readPackageFile } from "./read.js";

export interface LoadedNetwork {
  /** The folder of its package. */
  readonly dir: string;
  readonly pkg: ModelPackageFile;
  readonly model: tf.LayersModel;
}

export interface Predictor {
  readonly dir: string;
  readonly pkg: PackageFile;
  /** One network, or an ensemble's members. */
  readonly networks: readonly LoadedNetwork[];
  dispose(): void;
}

async function loadNetwork(dir: string): Promise<LoadedNetwork> {
  const pkg = readPackageFile(dir);
  if (pkg.kind !== "model") throw new PackageError(`${dir}: an ensemble's member is itself an ensemble; the package is damaged`);
  const path = resolve(dir, pkg.model);
  if (!existsSync(path)) throw new PackageError(`${join(dir, "nnc-package.json")} names the model ${pkg.model}, which does not exist; the run folder is incomplete (was the training interrupted?)`);
  try {
    return { dir, pkg, model: await tf.loadLayersModel(fileHandler(path)) };
  } catch (error) {
    throw new PackageError(`${path}: cannot load the model: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Loads the package in `runDir` (a run folder written by a training), on the backend a training
 * would choose (`NNC_BACKEND` decides as for training) unless the program chose one already.
 */
export async function loadPredictor(runDir: string): Promise<Predictor> {
  const pkg = readPackageFile(runDir);
  await selectBackend(requestedBackend(undefined));
  const dir = resolve(runDir);
  const networks = pkg.kind === "model" ? [await loadNetwork(runDir)] : await Promise.all(pkg.members.map((m) => loadNetwork(join(runDir, m))));
  return { dir, pkg, networks, dispose: () => networks.forEach((n) => n.model.dispose()) };
}

/** One output's predictions for a set of examples. */
export interface OutputPrediction {
  readonly name: string;
  /** The shape of one example's output. */
  readonly shape: readonly number[];
  /** `count` rows of the output's values (a class output's probabilities, also when the network gives logits); an ensemble's mean output. */
  readonly values: Float32Array;
  /** Class names for a class output, else null. */
  readonly classes: readonly string[] | null;
  /** For a class output, the predicted class of each row (an example, or one step of a sequence): an ensemble's vote. */
  readonly predicted: Int32Array | null;
}

/** Checks raw inputs against the package's inputs: count, per-example shape, integer ids. */
export function checkInputs(pkg: PackageFile, inputs: readonly Column[], where: string): void {
  if (inputs.length !== pkg.inputs.length) {
    throw new PackageError(`${where} gives ${inputs.length} input${inputs.length === 1 ? "" : "s"} per example, but the model takes ${pkg.inputs.length} (${pkg.inputs.map((i) => i.name).join(", ")})`);
  }
  pkg.inputs.forEach((spec, i) => {
    const got = inputs[i].shape;
    const fits = got.length === spec.shape.length && spec.shape.every((d, k) => d === null || d === got[k]);
    if (!fits) throw new PackageError(`${where}: input \`${spec.name}\` is [${got.join(", ")}] per example, but the model takes [${spec.shape.map((d) => d ?? "?").join(", ")}]`);
  });
}

/** Per output, whether the network gives raw scores (logits) rather than probabilities or values. */
export function logitsOf(pkg: PackageFile): boolean[] {
  const fromLoss = logitOutputs(pkg.evaluation.loss, pkg.outputs.length);
  return pkg.outputs.map((o, i) => o.logits ?? fromLoss[i]);
}

/**
 * Every network's outputs (one flat array per model output) for raw inputs, each prepared as that
 * network was trained. A class output that gives raw scores is turned into probabilities, so that
 * the vote, the printed probabilities and the predicted class read it as a probability output.
 */
export function networkOutputs(predictor: Predictor, inputs: readonly Column[], count: number): Float32Array[][] {
  checkInputs(predictor.pkg, inputs, "the data");
  const logits = logitsOf(predictor.pkg);
  return predictor.networks.map((network) => {
    const prepared = inputs.map((column, i) => ({ ...column, values: applyPreprocessing(column.values, network.pkg.inputs[i].preprocessing) }));
    const outputs = predictAll(network.model, { inputs: prepared, count }, network.pkg.inputs.map((i) => i.dtype));
    return outputs.map((values, o) => {
      const output = predictor.pkg.outputs[o];
      return output.classes !== null && logits[o] ? probabilitiesOfScores(values, output.shape[output.shape.length - 1] ?? 1) : values;
    });
  });
}

/** Predicts every example of `inputs` (raw values, `count` rows each) with every network, then combines them. */
export function predict(predictor: Predictor, inputs: readonly Column[], count: number): OutputPrediction[] {
  return combine(predictor.pkg, networkOutputs(predictor, inputs, count), count);
}

/** The networks' outputs as one prediction per output: the mean values, and the (voted) classes. */
export function combine(pkg: PackageFile, perNetwork: readonly (readonly Float32Array[])[], count: number): OutputPrediction[] {
  return pkg.outputs.map((output, o) => {
    const values = perNetwork.length === 1 ? perNetwork[0][o] : meanOutput(perNetwork.map((n) => n[o]));
    const shape = count > 0 ? outputShape(values.length / count, output.shape) : output.shape.map((d) => d ?? 0);
    let predicted: Int32Array | null = null;
    if (output.classes) {
      const units = shape[shape.length - 1];
      if (pkg.kind === "ensemble") predicted = votedClasses(perNetwork.map((n) => n[o]), units, pkg.vote);
      else {
        predicted = new Int32Array(values.length / units);
        for (let r = 0; r < predicted.length; r++) predicted[r] = classOf(values, r * units, units);
      }
    }
    return { name: output.name, shape, values, classes: output.classes, predicted };
  });
}

/** The per-example output shape, an open dimension (a sequence length) taken from the values. */
function outputShape(size: number, declared: readonly (number | null)[]): number[] {
  const open = declared.filter((d) => d === null).length;
  const known = declared.reduce<number>((n, d) => n * (d ?? 1), 1);
  if (open === 0) return declared as number[];
  if (open === 1) return declared.map((d) => d ?? size / known);
  return [size];
}
