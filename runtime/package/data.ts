/**
 * The labelled examples a package is evaluated on: the run's own test part, read again as the
 * training read it (same files, same seeded split), or other files in the layout of the training's
 * data source, with the package's classes. Inputs stay raw: the predictor prepares them.
 */
import { indexNames, type Examples } from "../data/examples.js";
import { encodeExamples, loadSourceParts, type ModelIO } from "../data/load.js";
import { isUserData, readUserData, targetRules } from "../data/load-user-data.js";
import { readIdxData } from "../data/idx.js";
import { readImageFolder } from "../data/images.js";
import type { RawExamples } from "../data/targets.js";
import { PackageError, type PackageFile } from "./format.js";

export function packageIO(pkg: PackageFile): ModelIO {
  return {
    inputs: pkg.inputs.map((i) => ({ name: i.name, shape: i.shape, dtype: i.dtype })),
    outputs: pkg.outputs.map((o) => ({ name: o.name, shape: o.shape, dtype: "float32" as const })),
  };
}

/** The run's test part; a PackageError when its training had none. */
export function packageTestPart(pkg: PackageFile): Examples {
  const { source, baseDir, splitSeed, seed, limit } = pkg.data;
  const parts = loadSourceParts(source, { baseDir, seed, splitSeed, limit: limit ?? undefined, model: packageIO(pkg) });
  if (!parts.test || parts.test.count === 0) {
    throw new PackageError(`the training of ${pkg.label} had no test part; evaluate on other data with --data`);
  }
  return parts.test;
}

/**
 * Files in the layout of the training's source (a CSV with the same columns, an image folder with
 * the same class subfolders, …), read relative to `cwd`. A model trained on `mnist` takes IDX
 * files (`images, labels`) or a folder of 28×28 gray images in one subfolder per digit.
 */
export function packageDataFrom(pkg: PackageFile, paths: readonly string[], cwd: string): Examples {
  const io = packageIO(pkg);
  const source = pkg.data.source;
  const names = { inputs: io.inputs.map((i) => i.name), outputs: io.outputs.map((o) => o.name) };
  let raw: RawExamples;
  let rules;
  if (isUserData(source)) {
    raw = readUserData(source, cwd, names, paths);
    rules = targetRules(source, io.outputs.map((o) => o.shape), io.outputs.length);
  } else if (source.kind === "mnist") {
    raw = mnistLike(paths, cwd, source.flat);
    rules = [{ classes: indexNames(10), targets: null, output: io.outputs[0].shape }];
  } else {
    throw new PackageError(`a model trained on ${source.kind} is evaluated on its own test part only; drop --data`);
  }
  return encodeExamples(raw, rules, pkg.outputs.map((o) => o.classes), io);
}

function mnistLike(paths: readonly string[], cwd: string, flat: boolean): RawExamples {
  if (paths.length === 2) return readIdxData({ images: paths[0], labels: paths[1], shape: flat ? [784] : [28, 28, 1] }, cwd);
  if (paths.length !== 1) throw new PackageError(`a model trained on mnist takes --data IMAGES.idx,LABELS.idx or one folder of images in a subfolder per digit; got ${paths.length} paths`);
  const folder = readImageFolder(paths[0], cwd, { size: [28, 28], color: "grayscale", scale: 1 / 255 });
  return {
    count: folder.labels.length,
    inputs: [{ values: folder.x, shape: flat ? [784] : folder.shape }],
    labels: [{ kind: "names", names: Array.from(folder.labels, (c) => folder.classes[c]) }],
    file: paths[0],
    where: (row) => `${paths[0]}/${folder.files[row]}`,
  };
}
