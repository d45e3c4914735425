/**
 * Writes a run folder's `nnc-package.json` (format.ts), and `nnc-layers.mjs` beside a model that
 * needs it, so the folder can be used without the `.nn` source: `nnc evaluate`, `nnc predict`,
 * a generated `loadM()`, or plain TensorFlow.js.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join, relative } from "node:path";
import type { DataSplits } from "../data/examples.js";
import { STANDALONE_LAYERS_FILE, standaloneLayersSource, usesCustomLayers } from "../layers/standalone.js";
import type { TensorSpec } from "../core/program.js";
import { writeFileAtomic } from "../core/atomic.js";
import type { Vote } from "../core/vote.js";
import { logitOutputs } from "../train/losses.js";
import { PACKAGE_FILE, PACKAGE_FORMAT, PACKAGE_VERSION, type EnsemblePackageFile, type ModelPackageFile, type PackageData, type PackageEvaluation, type PackageFile } from "./format.js";

/** This installation's version, for `createdBy`: from nnc's own package.json, above this file (in dist/ or not). */
function nncVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const json = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
      if (json.name === "nnc") return `nnc ${json.version ?? "unknown"}`;
    } catch {
      // No package.json here: look one folder up.
    }
    const up = dirname(dir);
    if (up === dir) return "nnc";
    dir = up;
  }
}

export interface PackageFacts {
  readonly label: string;
  readonly source: string;
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  readonly data: PackageData;
  readonly evaluation: PackageEvaluation;
}

function common(facts: PackageFacts, data: Pick<DataSplits, "train" | "preprocessing">, test: Readonly<Record<string, number>> | null) {
  const logits = logitOutputs(facts.evaluation.loss, facts.outputs.length);
  return {
    format: PACKAGE_FORMAT,
    version: PACKAGE_VERSION,
    label: facts.label,
    source: facts.source,
    createdBy: nncVersion(),
    inputs: facts.inputs.map((input, i) => ({ name: input.name, shape: input.shape, dtype: input.dtype, preprocessing: data.preprocessing[i] ?? { kind: "none" as const } })),
    outputs: facts.outputs.map((output, i) => ({ name: output.name, shape: output.shape, classes: data.train.targets[i]?.classes ?? null, logits: logits[i] })),
    data: facts.data,
    evaluation: facts.evaluation,
    test,
  } as const;
}

/** The package of one trained network whose `model.json` is `modelJson`, written in `dir`. */
export function writeModelPackage(
  dir: string,
  modelJson: string,
  facts: PackageFacts,
  data: Pick<DataSplits, "train" | "preprocessing">,
  test: Readonly<Record<string, number>> | null,
  options: { readonly interrupted?: boolean } = {},
): ModelPackageFile {
  const topology = JSON.parse(readFileSync(modelJson, "utf8")) as { modelTopology?: unknown };
  let customLayers: string | null = null;
  if (usesCustomLayers(topology.modelTopology)) {
    const layersFile = join(dirname(modelJson), STANDALONE_LAYERS_FILE);
    writeFileAtomic(layersFile, standaloneLayersSource());
    customLayers = relative(dir, layersFile);
  }
  const file: ModelPackageFile = { ...common(facts, data, test), ...(options.interrupted ? { interrupted: true as const } : {}), kind: "model", model: relative(dir, modelJson), customLayers };
  writeFileAtomic(join(dir, PACKAGE_FILE), `${JSON.stringify(file, null, 2)}\n`);
  return file;
}

/** The package of an ensemble whose members' packages are in `members` (folders under `dir`). */
export function writeEnsemblePackage(dir: string, members: readonly string[], vote: Vote, facts: PackageFacts, data: Pick<DataSplits, "train" | "preprocessing">, test: Readonly<Record<string, number>> | null): EnsemblePackageFile {
  const file: EnsemblePackageFile = { ...common(facts, data, test), kind: "ensemble", vote, members: members.map((m) => relative(dir, m)) };
  writeFileAtomic(join(dir, PACKAGE_FILE), `${JSON.stringify(file, null, 2)}\n`);
  return file;
}

/** A copy of a member's package one folder up, its paths made relative to the new place (a search's best trial). */
export function writePackageAt(dir: string, from: string, pkg: PackageFile): void {
  const prefix = relative(dir, from);
  const moved: PackageFile =
    pkg.kind === "model"
      ? { ...pkg, model: join(prefix, pkg.model), customLayers: pkg.customLayers && join(prefix, pkg.customLayers) }
      : { ...pkg, members: pkg.members.map((m) => join(prefix, m)) };
  writeFileAtomic(join(dir, PACKAGE_FILE), `${JSON.stringify(moved, null, 2)}\n`);
}
