/**
 * Saves a model in the TensorFlow.js layers format (`model.json` + `weights.bin`), loadable by
 * `tf.loadLayersModel`. Written through a save handler so both files are written atomically here,
 * without tfjs-node's file system handler (which needs the native package).
 */
import * as tf from "@tensorflow/tfjs";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { nonFiniteWeight, TrainingDiverged } from "../train/finite.js";
import { makeFolder, writeFileAtomic } from "../core/atomic.js";

export const WEIGHTS_FILE = "weights.bin";

export async function saveModel(model: tf.LayersModel, dir: string): Promise<string> {
  // A model with a NaN or an infinity predicts nothing: never write one (the run has diverged).
  const bad = nonFiniteWeight(model);
  if (bad) throw new TrainingDiverged(`the weights of layer "${bad.layer}" (${bad.weight}) are not finite numbers: the model is not saved in ${dir}. Lower the learning rate, or add \`clip: norm(1)\``);
  makeFolder(dir);
  const path = join(dir, "model.json");
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = artifacts.weightData ? new Uint8Array(tf.io.concatenateArrayBuffers(artifacts.weightData)) : new Uint8Array();
      writeFileAtomic(join(dir, WEIGHTS_FILE), weights);
      const json = {
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: artifacts.weightSpecs ?? [] }],
      };
      writeFileAtomic(path, JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON", weightDataBytes: weights.byteLength } };
    }),
  );
  return path;
}

/** An IO handler reading a saved model from disk, for `tf.loadLayersModel(loadHandler(path))`. */
export function fileHandler(modelJsonPath: string): tf.io.IOHandler {
  return {
    load: async () => {
      const json = JSON.parse(readFileSync(modelJsonPath, "utf8")) as {
        modelTopology: object;
        weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
        format?: string;
        generatedBy?: string;
        convertedBy?: string | null;
      };
      const specs = json.weightsManifest.flatMap((group) => group.weights);
      const buffers = json.weightsManifest.flatMap((group) => group.paths.map((p) => readFileSync(join(dirname(modelJsonPath), p))));
      const data = tf.io.concatenateArrayBuffers(buffers.map((b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)));
      return { modelTopology: json.modelTopology, weightSpecs: specs, weightData: data, format: json.format, generatedBy: json.generatedBy, convertedBy: json.convertedBy };
    },
  };
}
