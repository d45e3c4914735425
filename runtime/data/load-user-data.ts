/**
 * Reads the files a user data source names (`idx`, `csv`, `npy`, `json`, `images`), dispatching on
 * its kind: its training files, or the files of its test or validation part, which have the same
 * layout. Paths are relative to the `.nn` file's folder; every reader validates each row and throws
 * a `DataError` naming the file, the row and what was expected.
 */
import type { DataSetting, Settled } from "../core/settings.js";
import { readCsvSteps } from "./csv.js";
import { DataError } from "./examples.js";
import { readIdxData } from "./idx.js";
import { readImageFolderSteps } from "./images.js";
import { readJson, type TensorNames } from "./json.js";
import { loadNow, type Loading } from "./loading.js";
import { readNpyData } from "./npy.js";
import type { RawExamples, TargetRule } from "./targets.js";

/** A user source with its values chosen (a package records it so, and a training reads it so once settled). */
export type UserDataSetting = Extract<Settled<DataSetting>, { readonly kind: "idx" | "csv" | "npy" | "json" | "images" }>;

export function isUserData(setting: Settled<DataSetting>): setting is UserDataSetting {
  return setting.kind !== "mnist" && setting.kind !== "adding_problem";
}

/** The number of files a source's part names: one per file the source itself names. */
export function partArity(setting: UserDataSetting): number {
  switch (setting.kind) {
    case "idx":
      return 2;
    case "npy":
      return setting.x.length + setting.y.length;
    default:
      return 1;
  }
}

/**
 * Reads a source's training files, or — given `paths` — a part's files in their place. `names` are
 * the model's inputs and outputs (JSON keys name them); null when no model is known.
 */
export function readUserData(setting: UserDataSetting, baseDir: string, names: TensorNames | null, paths?: readonly string[]): RawExamples {
  return loadNow(readUserDataSteps(setting, baseDir, names, paths));
}

/** `readUserData` as a loading (loading.ts): CSV files and image folders pause as they are read; the other readers run in one step. */
export function* readUserDataSteps(setting: UserDataSetting, baseDir: string, names: TensorNames | null, paths?: readonly string[]): Loading<RawExamples> {
  if (paths && paths.length !== partArity(setting)) {
    throw new DataError(`a part of \`${setting.kind}\` names ${paths.length} files, expected ${partArity(setting)} like the training files`);
  }
  switch (setting.kind) {
    case "idx":
      return readIdxData(
        { images: paths?.[0] ?? setting.images, labels: paths?.[1] ?? setting.labels, shape: shapeOf(setting.shape) },
        baseDir,
      );
    case "csv":
      return yield* readCsvSteps(
        {
          path: paths?.[0] ?? setting.path,
          label: setting.label,
          features: setting.features,
          targets: setting.targets,
        },
        baseDir,
      );
    case "npy": {
      const x = paths ? paths.slice(0, setting.x.length) : setting.x;
      const y = paths ? paths.slice(setting.x.length) : setting.y;
      return readNpyData({ x, y, shape: shapeOf(setting.shape) }, baseDir);
    }
    case "json":
      return readJson({ path: paths?.[0] ?? setting.path, shape: shapeOf(setting.shape) }, baseDir, names);
    case "images": {
      const dir = paths?.[0] ?? setting.path;
      const folder = yield* readImageFolderSteps(dir, baseDir, { size: setting.size, color: setting.color, scale: setting.scale });
      return {
        count: folder.labels.length,
        inputs: [{ values: folder.x, shape: folder.shape }],
        labels: [{ kind: "names", names: Array.from(folder.labels, (c) => folder.classes[c]) }],
        file: dir,
        where: (row) => `${dir.replace(/\/+$/, "")}/${folder.files[row]}`,
      };
    }
  }
}

function shapeOf(shape: readonly number[] | null): number[] | null {
  return shape && shape.map((d, i) => d);
}

/**
 * How each output's labels are read: `classes` and `targets` describe the targets of a source
 * with one output; the model's output shapes decide the rest (targets.ts).
 */
export function targetRules(setting: UserDataSetting, outputs: readonly (readonly (number | null)[])[] | null, count: number): TargetRule[] {
  const single = count === 1;
  const classes = single ? setting.classes : null;
  const targets = single && "targets" in setting && setting.targets !== null ? setting.targets : null;
  return Array.from({ length: count }, (_, i) => ({ classes, targets, output: outputs?.[i] ?? null }));
}
