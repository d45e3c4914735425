/**
 * `runTraining` is what a generated `trainL()` calls: it picks the backend, loads the data, and runs
 * the training once, as an ensemble, or as a search over trials, writing the run folder.
 */
import * as tf from "@tensorflow/tfjs";
import { createHash, randomInt } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describeBackend, requestedBackend, selectBackend } from "../kernels/backend.js";
import { listenForInterrupts, TrainingInterrupted } from "./interrupt.js";
import { interruptedLines, summaryLine } from "./report-line.js";
import { DataError, takeExamples, type DataSplits, type Examples } from "../data/examples.js";
import { loadSplits, normalizeSplits, type LoadedSplits, type LoadOptions, type ModelIO } from "../data/load.js";
import { loadPaced, LoadingStopped, type Loading } from "../data/loading.js";
import { augmentBatch, expandExamplesSteps, type Transform } from "../data/transforms.js";
import { withDataFileLog } from "../data/user-files.js";
import type { BuildOptions, CompiledTraining, Interruption, OutputStream, RepeatResult, RunResult, TrainingReport, TrainOptions, TrialResult } from "../core/program.js";
import { permutation, Rng, withSeededMathRandom } from "../core/random.js";
import { sourceName, tfjsName } from "../core/layer-names.js";
import { runFolderName } from "../run/folder-name.js";
import { makeWritableFolder, removeStaleTempFiles } from "../core/atomic.js";
import { dataFingerprint } from "../train/data-fingerprint.js";
import { checkRunFolder, checkRunFolderOwner, RunFolder, writeReportJson, writeRunSettings, type RanFacts, type RunOwner } from "../run/run-folder.js";
import { summarizeModel } from "../run/model-summary.js";
import { loadNativeAddon } from "../addon/addon.js";
import { fileHandler } from "../run/save-model.js";
import { formatMetric, describeMetrics } from "../core/metric-format.js";
import { PACKAGE_FILE, type PackageData, type PackageFile } from "../package/format.js";
import { writeEnsemblePackage, writeModelPackage, writePackageAt, type PackageFacts } from "../package/write.js";
import { voteMetrics } from "../core/vote.js";
import { applyChoice, bayesianTrial, describeChoice, gridTrials, randomTrial, spacesOf, type Chosen } from "./search.js";
import { isSearch, objectiveFor, settle, settled, tuned, type ObjectiveSetting, type ResolvedTraining, type Settled, type SettledTraining, type TransformSetting, type TunedTraining } from "../core/settings.js";
import { evaluate, predictAll } from "../train/evaluate.js";
import { fit, TrainingDiverged } from "../train/fit.js";
import type { InputDtypes } from "../train/batches.js";
import { logitOutputs, modelLoss } from "../train/losses.js";
import { metricsFor } from "../train/metrics.js";
import { chooseStepper } from "./choose-stepper.js";
import { argumentsKey } from "../core/pick-build.js";
import { makeOptimizer } from "../train/optimizers.js";
import { penalizedVariables, trainingPenalty } from "../train/regularization.js";
import { LearningRateSchedule } from "../train/schedules.js";
import { trainableVariables } from "../train/step.js";
import { jobsOf, partFolder, partRequestOf, partsApart, runParts, type JobsOptions, type PartOutcome, type PartRequest } from "./parts.js";

export { runFolderName };

interface Context {
  readonly program: CompiledTraining;
  readonly options: TrainOptions;
  readonly output: OutputStream | null;
  readonly log: (line: string) => void;
  readonly baseDir: string;
  readonly backend: { name: string; reason: string; details: string };
  /** The run's seed: data sets are drawn from it; members and folds train from it + i; every trial from it (repeat j of a trial from it + j). */
  readonly seed: number;
  /** The training and source file the run folder records (settings.json). */
  readonly owner: RunOwner;
  /** Aborted by Ctrl-C, SIGTERM or the program's signal: the training stops at the end of its step. */
  readonly stop: AbortSignal;
  /** Tells the Ctrl-C listener whether the data is loading (interrupt.ts: what its first line says). */
  readonly loading: (on: boolean) => void;
  /** The run folder (members, folds and trials write subfolders of it). */
  readonly runDir: string;
  /** What ran at the run folder's level (settings.json and report.json record it). */
  readonly ran: RanFacts;
  /**
   * Records the examples in the run folder's settings.json once the first network's data is read,
   * with the objective a search's data decided when the file names none.
   */
  readonly recordExamples: (examples: NonNullable<RanFacts["examples"]>, objective?: ObjectiveSetting) => void;
}

/** What ran, as settings.json and report.json record it: the backend, --epochs, --limit, the data's size. */
function ranFacts(backend: Context["backend"], epochs: number | null, limit: number | undefined, startedAt: string, examples: RanFacts["examples"]): RanFacts {
  const threads = backend.name === "native" ? (loadNativeAddon().addon?.info().threads ?? null) : null;
  return { epochs, limit: limit ?? null, backend: backend.name, backendLine: describeBackend(backend), threads, startedAt, examples };
}

function transformOf(s: Settled<TransformSetting>): Transform {
  switch (s.kind) {
    case "shift":
      return { kind: "shift", pixels: s.pixels };
    case "rotate":
      return { kind: "rotate", degrees: s.degrees };
    case "skew":
      return { kind: "skew", amount: s.amount };
    case "elastic":
      return { kind: "elastic", alpha: s.alpha, sigma: s.sigma };
  }
}

function fingerprint(settings: SettledTraining, model: tf.LayersModel, limit: number | undefined): string {
  // Epochs are left out so a resumed run may be given more epochs than it started with.
  const { epochs: _epochs, ...rest } = settings;
  return createHash("sha256").update(JSON.stringify({ rest, limit, model: model.toJSON(null, false) })).digest("hex").slice(0, 16);
}

function fits(want: readonly (number | null)[], got: readonly number[]): boolean {
  return want.length === got.length && want.every((d, i) => d === null || d === got[i]);
}

const shown = (shape: readonly (number | null)[]) => `[${shape.map((d) => d ?? "?").join(", ")}]`;

/** The data's columns against the built model's inputs and outputs, before any step runs. */
function checkShapes(model: tf.LayersModel, data: Examples, what: string, ctx: Context): void {
  const { program } = ctx;
  model.inputs.forEach((input, i) => {
    const want = input.shape.slice(1);
    const got = data.inputs[i]?.shape;
    if (!got || !fits(want, got)) {
      throw new DataError(`${program.source}: the ${what} examples of input \`${program.inputs[i]?.name ?? i}\` have shape ${got ? shown(got) : "(none)"} but the model takes ${shown(want)}`);
    }
  });
  model.outputs.forEach((output, i) => {
    const want = output.shape.slice(1);
    const target = data.targets[i];
    if (target && fits(want, target.shape)) return;
    const name = program.outputs[i]?.name ?? String(i);
    const classes = target?.classes;
    const why = classes ? `: the data has ${classes.length} classes (${classes.slice(0, 10).map((c) => JSON.stringify(c)).join(", ")}${classes.length > 10 ? ", …" : ""})` : "";
    throw new DataError(`${program.source}: the ${what} targets of output \`${name}\` have shape ${target ? shown(target.shape) : "(none)"} but the model outputs ${shown(want)}${why}`);
  });
}

/** Loads `init_from`, copies its weights into every layer not in `reinit`, and freezes `freeze`. */
async function transfer(model: tf.LayersModel, settings: SettledTraining, ctx: Context): Promise<void> {
  // Labels are source names; the layers carry tfjs's (`_h` is `nn-_h`: runtime/core/layer-names.ts).
  const freeze = () => {
    for (const name of settings.freeze) model.getLayer(tfjsName(name)).trainable = false;
  };
  if (settings.initFrom === null) {
    freeze();
    return;
  }
  const written = settings.initFrom;
  const candidates = [resolve(written), resolve(ctx.baseDir, written)];
  const path = candidates.find((p) => existsSync(p));
  if (!path) {
    throw new DataError(`init_from: "${written}" does not exist (looked in ${[...new Set(candidates)].join(" and ")}); run the training that saves it first`);
  }
  const source = await tf.loadLayersModel(fileHandler(path));
  const reinit = new Set(settings.reinit.map(tfjsName));
  for (const layer of model.layers) {
    if (reinit.has(layer.name) || layer.weights.length === 0) continue;
    let from: tf.layers.Layer;
    try {
      from = source.getLayer(layer.name);
    } catch {
      throw new DataError(`init_from: ${path} has no layer named "${sourceName(layer.name)}"; add it to \`reinit\` to train it from scratch`);
    }
    const weights = from.getWeights();
    const mismatch = layer.weights.findIndex((w, i) => !weights[i] || weights[i].shape.join() !== w.shape.join());
    if (weights.length !== layer.weights.length || mismatch >= 0) {
      throw new DataError(`init_from: layer "${sourceName(layer.name)}" has weights of other shapes in ${path}; add it to \`reinit\``);
    }
    layer.setWeights(weights);
  }
  source.dispose();
  freeze();
  ctx.log(`initialized from ${path}${settings.freeze.length ? `; frozen: ${settings.freeze.join(", ")}` : ""}${reinit.size ? `; re-initialized: ${[...reinit].join(", ")}` : ""}`);
}

interface Trained extends RunResult {
  readonly model: tf.LayersModel;
  readonly totalParams: number;
  /** Set when the run was interrupted: the last completed epoch was saved, the test part not measured. */
  readonly interrupted: Interruption | null;
}

/** What a report records of one network's run (without the model and the interruption). */
function runResultOf(trained: Trained): RunResult {
  const { model: _m, totalParams: _t, interrupted: _i, ...result } = trained;
  return result;
}

/** One full training of one model. The caller disposes the returned model. */
async function trainOnce(ctx: Context, settings: SettledTraining, data: DataSplits, seed: number, runDir: string): Promise<Trained> {
  const began = performance.now();
  const startedAt = new Date().toISOString();
  const args = settings.model.args;
  const rng = new Rng(seed);
  const folder = new RunFolder(runDir);
  return withSeededMathRandom(rng, async () => {
    const build: BuildOptions = { init: settings.init };
    const model = ctx.program.build(args, build);
    checkShapes(model, data.train, "training", ctx);
    if (data.validation) checkShapes(model, data.validation, "validation", ctx);
    if (data.test) checkShapes(model, data.test, "test", ctx);
    await transfer(model, settings, ctx);
    const lossSettings = settings.loss;
    const loss = modelLoss(lossSettings, settings.lossWeights, ctx.program.outputs.length);
    const outputs = ctx.program.outputs.map((o, i) => ({ name: o.name, classes: data.train.targets[i]?.classes != null }));
    const metrics = metricsFor(settings.metrics, outputs, loss);
    checkMonitored(settings, metrics.map((m) => m.name), data.validation !== null && data.validation.count > 0, data);
    const optimizerSetting = settings.optimizer;
    const optimizer = makeOptimizer(optimizerSetting);
    const epochs = ctx.options.epochs ?? settings.epochs;
    const schedule = new LearningRateSchedule(settings.schedule, optimizerSetting.lr, epochs);
    const monitors = settings.monitor;
    const { variables, roles } = trainableVariables(model);
    if (variables.length === 0) {
      throw new DataError(`every layer with weights is frozen${settings.freeze.length ? ` (freeze: ${settings.freeze.join(", ")})` : ""}: nothing would train; leave at least one layer out of \`freeze\``);
    }
    const penalized = penalizedVariables(model, trainingPenalty(settings.regularization), ctx.program.layerPenalties, data.train.count);
    const augment = settings.augment.map(transformOf);
    const augmentRng = rng.fork();
    const early = settings.earlyStopping;
    const checkpoint = settings.checkpoint;
    const examples = { train: data.train.count, validation: data.validation?.count ?? 0, test: data.test?.count ?? 0 };
    const ran = ranFacts(ctx.backend, epochs, ctx.options.limit, startedAt, examples);
    // After `transfer`: frozen layers count as non-trainable.
    folder.start(ctx.owner, settings, args, ran, summarizeModel(model, settings.model.name));
    ctx.recordExamples(examples);
    // A member's, fold's or trial's folder gets its own report.json; the run folder's is the run's.
    const subfolder = resolve(runDir) !== ctx.runDir;
    const memberReport = (trained: Trained): void => {
      if (!subfolder) return;
      const result = runResultOf(trained);
      const perEpoch = result.history.length ? result.history.reduce((sum, r) => sum + r.seconds, 0) / result.history.length : 0;
      const common = { label: ctx.program.label, source: ctx.program.source, backend: ctx.backend, totalParams: trained.totalParams, members: null, trials: null, folds: null };
      const report: TrainingReport = { ...result, ...common, seconds: { total: (performance.now() - began) / 1000, perEpoch }, interrupted: trained.interrupted };
      writeReportJson(runDir, report, ran);
    };
    const context = { model, loss, metrics, optimizer, variables, penalized, clip: settings.clip, roles: monitors.includes("gradient_norms") ? roles : null };
    const { stepper, note } = chooseStepper({
      context,
      lossSettings,
      outputs: ctx.program.outputs.length,
      optimizerSetting,
      clip: context.clip,
      metrics,
      augment: augment.length ? (x: Float32Array, count: number) => augmentBatch(x, count, data.train.inputs[0].shape, augment, augmentRng) : null,
      inputDtypes: dtypesOf(ctx.program),
      seed,
      dataShape: data.train.inputs[0].shape,
      nativeLayers: ctx.program.nativeLayers?.[argumentsKey(args)],
    });
    if (note) ctx.log(note);
    const result = await fit({
      model,
      stepper,
      monitorGradients: context.roles !== null,
      data,
      loss,
      metrics,
      schedule,
      batchSize: settings.batchSize,
      epochs,
      rng,
      inputDtypes: dtypesOf(ctx.program),
      earlyStopping: early ? { patience: early.patience, monitor: early.monitor, minDelta: early.minDelta } : null,
      monitorWeights: monitors.includes("weight_norms"),
      // Without `checkpoint:`, one is written only at an interruption, for the next run to resume from.
      checkpoint: { dir: folder.checkpointDir, every: checkpoint ? checkpoint.epochs : null, fingerprint: fingerprint(settings, model, ctx.options.limit), data: dataFingerprint(data), handOff: (ctx.options as JobsOptions).handOff },
      stop: ctx.stop,
      progress: ctx.output,
      onEpoch: (record) => folder.appendEpoch(record),
      onStep: (record) => folder.appendStep(record),
      onResume: (history) => folder.rewriteHistory(history),
      log: ctx.log,
    });
    const { interrupted: stopped, ...fitted } = result;
    if (stopped) {
      // The last completed epoch (early stopping's best so far) is the model; the test part is not
      // measured (Ctrl-C asks to stop); the package says the run is unfinished.
      optimizer.dispose();
      folder.rewriteHistory(fitted.history);
      let modelJson: string | null = null;
      if (fitted.keptEpoch !== null) {
        modelJson = await folder.saveModel(model);
        writeModelPackage(runDir, modelJson, packageFacts(ctx, settings), data, null, { interrupted: true });
      }
      const lastCompleted = fitted.history[fitted.history.length - 1]?.epoch ?? null;
      const interrupted: Interruption = { signal: stopped.reason, epoch: stopped.epoch, epochs, lastCompleted, keptEpoch: fitted.keptEpoch, runDir, part: null, model: modelJson, checkpoint: stopped.checkpoint };
      const trained: Trained = { ...fitted, test: null, seed, runDir, examples, model, totalParams: model.countParams(), interrupted };
      memberReport(trained);
      return trained;
    }
    const test = data.test && data.test.count > 0 ? (stepper.evaluate?.(data.test) ?? evaluate(model, data.test, loss, metrics, dtypesOf(ctx.program))) : null;
    optimizer.dispose();
    folder.rewriteHistory(fitted.history);
    const modelJson = await folder.saveModel(model);
    writeModelPackage(runDir, modelJson, packageFacts(ctx, settings), data, test);
    const trained: Trained = { ...fitted, test, seed, runDir, examples, model, totalParams: model.countParams(), interrupted: null };
    memberReport(trained);
    return trained;
  });
}

/**
 * Every metric a setting watches (early stopping, on_plateau, a search's objective) must be one the
 * run computes: an accuracy is computed only for class targets, and only data read at run time
 * says whether a file's targets are classes. A missing one would stop a run or rank a search on
 * nothing, silently.
 */
function checkMonitored(settings: SettledTraining, metrics: readonly string[], validation: boolean, data: DataSplits): void {
  const watched: { name: string; by: string }[] = [];
  const early = settings.earlyStopping;
  if (early) watched.push({ name: early.monitor, by: "early_stopping" });
  const schedule = settings.schedule;
  const plateau = schedule.kind === "warmup" ? schedule.then : schedule;
  if (plateau.kind === "on_plateau") watched.push({ name: plateau.monitor, by: "schedule: on_plateau" });
  if (settings.tune && settings.objective) watched.push({ name: settings.objective.metric, by: "objective" });
  const computed = new Set(["loss", ...metrics]);
  for (const { name, by } of watched) {
    const metric = name.startsWith("val_") ? name.slice(4) : name;
    if (name.startsWith("val_") && !validation) throw new DataError(`${by} watches ${name}, but this training has no validation data; give the data a validation part, or watch ${metric}`);
    if (computed.has(metric)) continue;
    const targets = data.train.targets.every((t) => t.classes === null) ? "the targets are real values, so no accuracy is computed" : `the run computes ${[...computed].join(", ")}`;
    throw new DataError(`${by} watches ${name}, but ${targets}; watch ${name.startsWith("val_") ? "val_loss" : "loss"}${metric === "accuracy" ? "" : `, or add ${metric} to \`metrics\``}`);
  }
}

function dtypesOf(program: CompiledTraining): InputDtypes {
  return program.inputs.map((i) => i.dtype);
}

function loadOptions(ctx: Context, settings: SettledTraining, seed: number): LoadOptions {
  const model: ModelIO = { inputs: ctx.program.inputs, outputs: ctx.program.outputs };
  return { baseDir: ctx.baseDir, limit: ctx.options.limit, seed, splitSeed: splitSeedOf(settings), model };
}

/** Fraction splits of user files are seeded by the training's `seed`, or 0, never by a drawn seed. */
function splitSeedOf(settings: SettledTraining): number {
  return settings.seed ?? 0;
}

/** What the run folder's package records about the model and its data. */
function packageFacts(ctx: Context, settings: SettledTraining): PackageFacts {
  const data: PackageData = { source: settings.data, baseDir: ctx.baseDir, splitSeed: splitSeedOf(settings), seed: ctx.seed, limit: ctx.options.limit ?? null, normalize: settings.normalize };
  const evaluation = {
    loss: settings.loss,
    lossWeights: settings.lossWeights,
    metrics: settings.metrics,
  };
  return { label: ctx.program.label, source: ctx.program.source, inputs: ctx.program.inputs, outputs: ctx.program.outputs, data, evaluation };
}

/** Normalizes the parts with the training part's statistics, then expands the training part. */
async function prepare(ctx: Context, settings: SettledTraining, loaded: LoadedSplits, seed: number): Promise<DataSplits> {
  const data = normalizeSplits(loaded, settings.normalize, { inputs: ctx.program.inputs, outputs: ctx.program.outputs });
  const expand = settings.expand.map(transformOf);
  if (expand.length === 0) return data;
  const rng = new Rng(seed + 17);
  let train = await paced(ctx, settings, expandExamplesSteps(data.train, expand, rng));
  ctx.log(`expanded the training data from ${data.train.count} to ${train.count} examples`);
  const limit = ctx.options.limit;
  if (limit !== undefined && train.count > limit) {
    // `--limit` caps what is trained on; a random subset keeps originals and transformed copies mixed.
    train = takeExamples(train, permutation(train.count, rng).subarray(0, limit));
    ctx.log(`--limit ${limit}: training on ${limit} of them`);
  }
  return { ...data, train };
}

async function loadData(ctx: Context, settings: SettledTraining, seed: number): Promise<DataSplits> {
  // The files read are recorded with the data, for a checkpoint to say how its data changed.
  const { value: loaded, files } = await paced(ctx, settings, withDataFileLog(loadSplits(settings, loadOptions(ctx, settings, seed))));
  return { ...(await prepare(ctx, settings, loaded, seed)), files };
}

/**
 * A stop (Ctrl-C, SIGTERM, the program's signal) that came while the data loaded: no network had
 * started on it. `interrupted` is that network's interruption, before its first epoch (epoch 0).
 */
class StoppedLoading extends Error {
  override readonly name = "StoppedLoading";

  constructor(readonly interrupted: Interruption) {
    super(`loading the data was stopped (${interrupted.signal})`);
  }
}

/**
 * Runs a loading of the training's data (data/loading.ts) so that the event loop runs every ~50 ms
 * and Ctrl-C is heard; a stop gives the loading up with `StoppedLoading`.
 */
async function paced<T>(ctx: Context, settings: SettledTraining, loading: Loading<T>): Promise<T> {
  ctx.loading(true);
  try {
    return await loadPaced(loading, { stop: ctx.stop });
  } catch (error) {
    if (!(error instanceof LoadingStopped)) throw error;
    const epochs = ctx.options.epochs ?? settings.epochs;
    throw new StoppedLoading({ signal: error.reason, epoch: 0, epochs, lastCompleted: null, keptEpoch: null, runDir: ctx.runDir, part: null, model: null, checkpoint: null });
  } finally {
    ctx.loading(false);
  }
}

/** The run fields of a network that did not train: interrupted before its first epoch, while its data loaded. */
function notTrained(seed: number, runDir: string, examples: RunResult["examples"] = { train: 0, validation: 0, test: 0 }): RunResult {
  return { history: [], bestEpoch: null, stoppedEarly: false, resumedFrom: null, keptEpoch: null, test: null, seed, runDir, examples };
}

function describeTest(test: Readonly<Record<string, number>> | null): string {
  return test ? describeMetrics(test, "test ") : "no test data";
}

/**
 * The vote of several models on the test data, per output: for class outputs the accuracy of the
 * voted classes, for real-valued ones the mean absolute error of the mean output.
 */
function voteOn(members: readonly tf.LayersModel[], data: Examples, vote: "majority" | "mean", ctx: Context, settings: SettledTraining): Record<string, number> {
  return voteOutputs(members.map((m) => predictAll(m, data, dtypesOf(ctx.program))), data, vote, ctx, settings);
}

/** The vote's metrics from each member's outputs (one flat array per model output) on `data`. */
function voteOutputs(outputs: readonly Float32Array[][], data: Examples, vote: "majority" | "mean", ctx: Context, settings: SettledTraining): Record<string, number> {
  // Raw scores (a `from_logits` loss) vote as their probabilities.
  return voteMetrics(outputs, data.targets, ctx.program.outputs.map((o) => o.name), vote, logitOutputs(settings.loss, ctx.program.outputs.length));
}

/** A trial's score by the search's objective: higher is better; null when it never measured it. */
function objectiveOf(objective: ObjectiveSetting, result: RunResult): number | null {
  const values = result.history
    .map((r) => (objective.metric.startsWith("val_") ? r.validation?.[objective.metric.slice(4)] : r.train[objective.metric]))
    .filter((v): v is number => v !== undefined && Number.isFinite(v));
  if (values.length === 0) return null;
  return objective.kind === "maximize" ? Math.max(...values) : -Math.min(...values);
}

function readPackage(dir: string): PackageFile {
  return JSON.parse(readFileSync(join(dir, PACKAGE_FILE), "utf8")) as PackageFile;
}

export async function runTraining(program: CompiledTraining, options: TrainOptions = {}): Promise<TrainingReport> {
  const began = performance.now();
  const output = options.output === undefined ? process.stderr : options.output;
  const log = (line: string) => void output?.write(`${line}\n`);
  const settings = program.settings;
  const runDir = resolve(options.runDir ?? join("runs", runFolderName(program.label)));
  const owner: RunOwner = { label: program.label, source: program.source, sourcePath: resolve(program.source) };
  // A worker of `--jobs N` (runtime/session/parts.ts): one trial, member or fold, into its folder.
  const part = partRequestOf(options);
  // Before anything is written: neither the user's own files nor another training's run are
  // overwritten. A part's run folder was checked by the run that dispatched it (a queue worker's
  // is a fresh folder holding only the part's files).
  if (part) checkRunFolderOwner(runDir, owner);
  else checkRunFolder(runDir, owner, options.force === true);
  const startedAt = new Date().toISOString();
  const backend = await selectBackend(requestedBackend(options.backend));
  jobsOf(options);
  if (part) return runPart({ program, options, output, log, baseDir: options.baseDir ?? dirname(resolve(program.source)), backend, seed: part.seed, owner, stop: options.signal ?? new AbortController().signal, loading: () => {}, runDir, ran: ranFacts(backend, options.epochs ?? null, options.limit, startedAt, null), recordExamples: () => {} }, part) as unknown as TrainingReport;
  log(`backend: ${describeBackend(backend, options.verbose)}`);
  // The one value checked outside \`settle\`/\`applyChoice\`: the run's seed seeds the search itself,
  // so it is read from the resolved settings before any trial's values are chosen and settled.
  const seed = settings.seed === null ? ((options as JobsOptions).dispatcher?.seedOf?.(runDir) ?? randomInt(1, 2 ** 31 - 1)) : settled(settings.seed, "seed");
  // Before the data is read: a full or read-only disk is said at once.
  makeWritableFolder(runDir);
  removeStaleTempFiles(runDir);
  // A searched `epochs` without --epochs is each trial's own (their folders record it).
  const ran = ranFacts(backend, options.epochs ?? (isSearch(settings.epochs) ? null : settings.epochs), options.limit, startedAt, null);
  writeRunSettings(runDir, owner, settings, null, ran);
  let examplesRecorded = false;
  const recordExamples = (examples: NonNullable<RanFacts["examples"]>, objective?: ObjectiveSetting): void => {
    if (examplesRecorded) return;
    examplesRecorded = true;
    writeRunSettings(runDir, owner, objective && settings.objective === null ? { ...settings, objective } : settings, null, { ...ran, examples });
  };
  const watchesQueue = (options as JobsOptions).dispatcher !== undefined;
  const interrupts = listenForInterrupts({ output, external: options.signal, signals: options.handleSignals ?? true, stopping: watchesQueue ? "stopping watching the queue (the jobs go on on the workers)" : undefined });
  const ctx: Context = { program, options, output, log, baseDir: options.baseDir ?? dirname(resolve(program.source)), backend, seed, owner, stop: interrupts.signal, loading: interrupts.loading, runDir, ran, recordExamples };
  let report: Omit<TrainingReport, "seconds">;
  try {
    report = await runKind(ctx, settings, seed, runDir);
  } catch (error) {
    if (!(error instanceof StoppedLoading)) throw error;
    // Stopped before any network trained: the report says so, and nothing else is saved.
    report = { ...notTrained(seed, runDir), label: program.label, source: program.source, backend, totalParams: 0, members: null, trials: null, folds: null, interrupted: error.interrupted };
  } finally {
    interrupts.release();
  }
  const seconds = (performance.now() - began) / 1000;
  const epochs = report.members?.flatMap((m) => m.history) ?? report.trials?.flatMap((t) => t.history) ?? report.folds?.runs.flatMap((f) => f.history) ?? report.history;
  const perEpoch = epochs.length ? epochs.reduce((sum, r) => sum + r.seconds, 0) / epochs.length : 0;
  const full: TrainingReport = { ...report, seconds: { total: seconds, perEpoch } };
  new RunFolder(runDir).finish(full, settings, { ...ran, examples: full.examples });
  if (full.interrupted) {
    for (const line of interruptedLines({ ...full, interrupted: full.interrupted })) log(line);
    throw new TrainingInterrupted({ ...full, interrupted: full.interrupted });
  }
  log(summaryLine(full));
  return full;
}

/** One training, an ensemble, a search or k folds, as the settings say. */
async function runKind(ctx: Context, settings: ResolvedTraining, seed: number, runDir: string): Promise<Omit<TrainingReport, "seconds">> {
  const search = tuned(settings);
  if (search) return runSearch(ctx, search, seed, runDir);
  return runSettled(ctx, settle(settings), seed, runDir);
}

/** One training, an ensemble or k folds: a training without search. */
async function runSettled(ctx: Context, settings: SettledTraining, seed: number, runDir: string): Promise<Omit<TrainingReport, "seconds">> {
  const { program } = ctx;
  if (settings.folds !== null) return runFolds(ctx, settings, seed, runDir);
  const data = await loadData(ctx, settings, seed);
  ctx.log(`data: ${data.description}: ${data.train.count} training, ${data.validation?.count ?? 0} validation, ${data.test?.count ?? 0} test examples`);
  const members = settings.ensemble;
  const common = { label: program.label, source: program.source, backend: ctx.backend, trials: null, folds: null };
  if (members <= 1) {
    const one = await trainOnce(ctx, settings, data, seed, runDir);
    one.model.dispose();
    return { ...runResultOf(one), ...common, totalParams: one.totalParams, members: null, interrupted: one.interrupted };
  }
  const trained: Trained[] = [];
  if (partsApart(ctx.options)) {
    const outcomes = await runParts(ctx, Array.from({ length: members }, (_, i): PartRequest => ({ kind: "member", index: i, count: members, seed, runDir })));
    trained.push(...(await trainedFrom(outcomes)));
  } else {
    for (let i = 0; i < members; i++) {
      const member = await trainMember(ctx, settings, data, i, members, seed, runDir);
      trained.push(member);
      if (member.interrupted) break;
    }
  }
  const stopped = trained.find((t) => t.interrupted)?.interrupted ?? null;
  const results = trained.map(runResultOf);
  const dispose = () => trained.forEach((t) => t.model.dispose());
  if (stopped) {
    dispose();
    removeStalePackage(runDir);
    const interrupted = { ...stopped, part: `ensemble member ${trained.findIndex((t) => t.interrupted) + 1} of ${members}` };
    return { ...results[0], test: null, runDir, ...common, totalParams: trained[0].totalParams, members: results, interrupted };
  }
  const vote = settings.vote;
  const test = data.test && data.test.count > 0 ? voteOn(trained.map((t) => t.model), data.test, vote, ctx, settings) : null;
  dispose();
  ctx.log(`ensemble of ${members} (${vote} vote): ${describeTest(test)}`);
  writeEnsemblePackage(runDir, trained.map((t) => t.runDir), vote, packageFacts(ctx, settings), data, test);
  return { ...results[0], test, runDir, ...common, totalParams: trained[0].totalParams, members: results, interrupted: null };
}

/**
 * An interrupted ensemble, search or k folds has no package of its own (the network that was
 * training has its partial one in its folder): a package left by an earlier run, whose members are
 * being replaced, is removed so that it cannot be taken for this run's.
 */
function removeStalePackage(runDir: string): void {
  rmSync(join(runDir, PACKAGE_FILE), { force: true });
}

async function runSearch(ctx: Context, settings: TunedTraining, seed: number, runDir: string): Promise<Omit<TrainingReport, "seconds">> {
  const { tune } = settings;
  const spaces = spacesOf(settings);
  const rng = new Rng(seed + 101);
  const planned: Chosen[] | null = tune.kind === "grid" ? gridTrials(spaces) : null;
  const count = planned ? planned.length : tune.kind === "grid" ? 0 : tune.trials;
  const results: TrialResult[] = [];
  let totalParams = 0;
  let interrupted: Interruption | null = null;
  const gather = (outcomes: readonly PartOutcome[]): void => {
    for (const outcome of outcomes) {
      if (!outcome) continue;
      results.push(outcome.result as TrialResult);
      if (outcome.totalParams !== null) totalParams = outcome.totalParams;
      // The part to name is the first that stopped, or the first that saved an epoch to resume from.
      if (outcome.interrupted && (interrupted === null || (interrupted.lastCompleted === null && outcome.interrupted.lastCompleted !== null))) interrupted = outcome.interrupted;
    }
  };
  const trialPart = (chosen: Chosen, i: number): PartRequest => ({ kind: "trial", index: i, count, seed, runDir, chosen });
  const serial = !partsApart(ctx.options);
  if (!serial && tune.kind !== "bayesian") {
    // Every trial's values are drawn first, in the serial order.
    const choices = planned ?? Array.from({ length: count }, () => randomTrial(spaces, rng));
    gather(await runParts(ctx, choices.map(trialPart)));
  }
  if (!serial && tune.kind === "bayesian") {
    // A batch at a time: each batch is chosen from the finished trials, its own earlier choices
    // counting as the worst score so far (a "constant liar"), so they are not chosen again.
    const batch = jobsOf(ctx.options);
    ctx.log(`bayesian search, ${batch} trial${batch === 1 ? "" : "s"} at a time (--jobs): each batch is chosen from the trials finished before it`);
    for (let from = 0; from < count && !interrupted; from += batch) {
      const observed = results.filter((r) => r.objective !== null).map((r) => ({ chosen: r.chosen, score: r.objective! }));
      const lie = observed.length > 0 ? Math.min(...observed.map((o) => o.score)) : null;
      const choices: Chosen[] = [];
      for (let i = from; i < Math.min(count, from + batch); i++) {
        const pending = lie === null ? [] : choices.map((chosen) => ({ chosen, score: lie }));
        choices.push(bayesianTrial(spaces, [...observed, ...pending], rng));
      }
      gather(await runParts(ctx, choices.map((chosen, j) => trialPart(chosen, from + j))));
    }
  }
  for (let i = 0; serial && i < count && !interrupted; i++) {
    const chosen = planned ? planned[i] : tune.kind === "bayesian" ? bayesianTrial(spaces, results.filter((r) => r.objective !== null).map((r) => ({ chosen: r.chosen, score: r.objective! })), rng) : randomTrial(spaces, rng);
    const trial = await trainTrial(ctx, settings, chosen, i, count, seed, runDir);
    results.push(trial.result);
    if (trial.totalParams !== null) totalParams = trial.totalParams;
    interrupted = trial.interrupted;
  }
  const ranked = [...results].sort((a, b) => (b.objective ?? -Infinity) - (a.objective ?? -Infinity) || Number(a.failed !== null) - Number(b.failed !== null));
  const best = ranked[0];
  const common = { runDir, label: ctx.program.label, source: ctx.program.source, backend: ctx.backend, totalParams, members: null, trials: ranked, folds: null };
  if (interrupted) {
    // No search result yet: the trials so far are in the report, and no package names a best one.
    removeStalePackage(runDir);
    return { ...best, ...common, test: null, interrupted };
  }
  if (best.failed !== null) throw new TrainingDiverged(`every trial of the search diverged; the first: ${results[0].failed}`);
  ctx.log(`best trial: ${best.trial} (${describeTest(best.test)})`);
  // The run folder's package is the best trial's: `nnc predict RUN` uses the model the search chose.
  writePackageAt(runDir, best.runDir, readPackage(best.runDir));
  return { ...best, ...common, interrupted: null };
}

/**
 * Trial i (0-based) of a search with the values `chosen`, into its `trial-NN/` folder. Every trial
 * starts from the run's seed, so trials whose models have the same shapes start from the same
 * weights and batch order and the ranking compares the values, not the draws. With `repeats: k` it
 * trains k times from the seeds seed, seed + 1, …, seed + k − 1, in `trial-NN/repeat-j/`, and ranks
 * on the mean objective; as Keras Tuner's `executions_per_trial` averages the metric and keeps one
 * model, the first repeat's model is the trial's (its run fields, and its package copied to
 * `trial-NN/`). A repeat that diverges fails the trial: it ranks last and the search goes on, as
 * Optuna and KerasTuner treat a failed trial (a search explores settings that may diverge).
 */
async function trainTrial(ctx: Context, settings: TunedTraining, chosen: Chosen, i: number, count: number, seed: number, runDir: string): Promise<PartOutcome & { readonly result: TrialResult }> {
  const chosenSettings = applyChoice(settings, chosen);
  const repeats = settled(settings.repeats, "repeats");
  ctx.log(`trial ${i + 1} of ${count}: ${describeChoice(settings, chosen)}`);
  const trialDir = join(runDir, partFolder({ kind: "trial", index: i }));
  let data: DataSplits;
  try {
    data = await loadData(ctx, chosenSettings, seed);
  } catch (error) {
    if (!(error instanceof StoppedLoading)) throw error;
    const result: TrialResult = { ...notTrained(seed, trialDir), trial: i + 1, chosen, objective: null, objectiveStd: null, repeats: [], failed: null };
    return { result, totalParams: null, interrupted: { ...error.interrupted, runDir: trialDir, part: `trial ${i + 1} of ${count}` } };
  }
  // A file's labels say whether its targets are classes: without an `objective`, they choose it.
  const objective = settings.objective ?? objectiveFor(data.train.targets.map((t) => t.classes != null));
  if (settings.objective === null && i === 0) ctx.log(`objective: ${objective.kind}(${objective.metric}), as the targets are ${objective.metric === "val_accuracy" ? "classes" : "not the classes of one output"}`);
  const trialSettings: SettledTraining = { ...chosenSettings, objective };
  const examples = { train: data.train.count, validation: data.validation?.count ?? 0, test: data.test?.count ?? 0 };
  ctx.recordExamples(examples, objective);
  const done: RepeatResult[] = [];
  let first: RunResult | null = null;
  let totalParams: number | null = null;
  let interrupted: Interruption | null = null;
  let failed: string | null = null;
  for (let j = 0; j < repeats && !interrupted && failed === null; j++) {
    const repeatSeed = seed + j;
    const dir = repeats > 1 ? join(trialDir, `repeat-${j + 1}`) : trialDir;
    if (repeats > 1) ctx.log(`trial ${i + 1}, repeat ${j + 1} of ${repeats} (seed ${repeatSeed})`);
    try {
      const trained = await trainOnce(ctx, trialSettings, data, repeatSeed, dir);
      totalParams = trained.totalParams;
      trained.model.dispose();
      const result = runResultOf(trained);
      first ??= result;
      done.push({ seed: repeatSeed, runDir: dir, objective: objectiveOf(objective, result) });
      if (trained.interrupted) interrupted = { ...trained.interrupted, part: `trial ${i + 1} of ${count}${repeats > 1 ? `, repeat ${j + 1} of ${repeats}` : ""}` };
    } catch (error) {
      if (!(error instanceof TrainingDiverged)) throw error;
      ctx.log(`trial ${i + 1} diverged${repeats > 1 ? ` (repeat ${j + 1}, seed ${repeatSeed})` : ""}: ${error.message}; it ranks last`);
      done.push({ seed: repeatSeed, runDir: dir, objective: null });
      failed = error.message;
    }
  }
  const scores = done.map((r) => r.objective);
  const measured = failed === null && scores.every((v) => v !== null);
  const mean = measured ? (scores as number[]).reduce((a, b) => a + b, 0) / scores.length : null;
  const std = mean === null ? null : Math.sqrt((scores as number[]).reduce((a, b) => a + (b - mean) ** 2, 0) / scores.length);
  if (repeats > 1 && mean !== null) ctx.log(`trial ${i + 1}: ${objective.metric} ${formatMetric(objective.metric.replace(/^val_/, ""), Math.abs(mean))} ± ${formatMetric(objective.metric.replace(/^val_/, ""), std!)} over ${done.length} repeats`);
  // The trial's folder holds the first repeat's package, so the search's package can name the trial.
  if (repeats > 1 && first && !interrupted && failed === null) writePackageAt(trialDir, first.runDir, readPackage(first.runDir));
  const base: RunResult = first ?? notTrained(seed, trialDir, examples);
  const result: TrialResult = { ...base, runDir: trialDir, trial: i + 1, chosen, objective: mean, objectiveStd: std, repeats: done, failed };
  return { result, totalParams, interrupted };
}

/** Member i (0-based) of an ensemble, into its `member-i/` folder. The caller disposes the model. */
async function trainMember(ctx: Context, settings: SettledTraining, data: DataSplits, i: number, members: number, seed: number, runDir: string): Promise<Trained> {
  ctx.log(`ensemble member ${i + 1} of ${members} (seed ${seed + i})`);
  const member = await trainOnce(ctx, settings, data, seed + i, join(runDir, partFolder({ kind: "member", index: i })));
  if (!member.interrupted) ctx.log(describeTest(member.test));
  return member;
}

/** The networks workers trained, in part order, with their saved models loaded (none when one was interrupted). */
async function trainedFrom(outcomes: readonly (PartOutcome | null)[]): Promise<Trained[]> {
  const done = outcomes.filter((o): o is PartOutcome => o !== null);
  const stopped = done.some((o) => o.interrupted);
  return Promise.all(
    done.map(async (o) => ({ ...o.result, totalParams: o.totalParams ?? 0, interrupted: o.interrupted, model: stopped ? tf.sequential() : await tf.loadLayersModel(fileHandler(join(o.result.runDir, "model.json"))) })),
  );
}

/** One worker's part (runtime/session/parts.ts): the same training the serial run does for it. */
async function runPart(ctx: Context, part: PartRequest): Promise<PartOutcome> {
  const outcome = await trainPart(ctx, part);
  const handedOff = (ctx.options as JobsOptions).handOff !== undefined;
  if (!handedOff || outcome.interrupted || keepsCheckpoints(ctx.program.settings, part)) return outcome;
  return { ...outcome, handedOff: checkpointsUnder(join(part.runDir, partFolder(part))) };
}

function keepsCheckpoints(settings: ResolvedTraining, part: PartRequest): boolean {
  const search = tuned(settings);
  return (search ? applyChoice(search, part.chosen as Chosen) : settle(settings)).checkpoint !== null;
}

/** The checkpoint folders of a part's network and of each of its repeats. */
function checkpointsUnder(dir: string): string[] {
  const networks = [dir, ...(existsSync(dir) ? readdirSync(dir).filter((name) => /^repeat-\d+$/.test(name)).map((name) => join(dir, name)) : [])];
  return networks.map((network) => new RunFolder(network).checkpointDir).filter((checkpoint) => existsSync(checkpoint));
}

async function trainPart(ctx: Context, part: PartRequest): Promise<PartOutcome> {
  const settings = ctx.program.settings;
  if (part.kind === "trial") return trainTrial(ctx, tuned(settings)!, part.chosen as Chosen, part.index, part.count, part.seed, part.runDir);
  const settled = settle(settings);
  const name = `${part.kind === "member" ? "ensemble member" : "fold"} ${part.index + 1} of ${part.count}`;
  let trained: Trained;
  try {
    if (part.kind === "member") {
      trained = await trainMember(ctx, settled, await loadData(ctx, settled, part.seed), part.index, part.count, part.seed, part.runDir);
    } else {
      const { loaded, files, order } = await foldData(ctx, settled, part.seed);
      const split = await foldSplit(ctx, settled, loaded, files, order, part.index, part.count, part.seed);
      trained = await trainOnce(ctx, settled, split, part.seed + part.index, join(part.runDir, partFolder(part)));
    }
  } catch (error) {
    if (!(error instanceof StoppedLoading)) throw error;
    const dir = join(part.runDir, partFolder(part));
    return { result: notTrained(part.seed, dir), totalParams: null, interrupted: { ...error.interrupted, runDir: dir, part: name } };
  }
  trained.model.dispose();
  const interrupted = trained.interrupted && { ...trained.interrupted, part: name };
  return { result: runResultOf(trained), totalParams: trained.totalParams, interrupted };
}

/**
 * k-fold cross-validation: the training part is cut into k folds (after one shuffle by the seed);
 * each fold is the validation data of one full training on the other k − 1. Normalization
 * statistics and `expand` copies are made per fold from its own training part, so nothing of a
 * fold's validation examples is trained on. The run's test metrics are those of the folds' models
 * voting together (their mean output), which is also the run folder's package; each fold's own
 * test metrics are in its result, with their mean and spread.
 */
async function runFolds(ctx: Context, settings: SettledTraining, seed: number, runDir: string): Promise<Omit<TrainingReport, "seconds">> {
  const k = settings.folds!;
  const { loaded, files, order } = await foldData(ctx, settings, seed);
  const runs: RunResult[] = [];
  const models: tf.LayersModel[] = [];
  let totalParams = 0;
  const tests: (Examples | null)[] = [];
  let lastData: DataSplits | null = null;
  // With --jobs, workers train the folds; the test data of each fold is cut here again, quietly, for the vote.
  const parallel = partsApart(ctx.options) ? await trainedFrom(await runParts(ctx, Array.from({ length: k }, (_, i): PartRequest => ({ kind: "fold", index: i, count: k, seed, runDir })))) : null;
  // With --jobs the folds have trained: their data is cut again for the vote, whatever a stop says.
  const cutting = parallel ? { ...ctx, log: () => {}, stop: new AbortController().signal, loading: () => {} } : ctx;
  let interrupted: Interruption | null = null;
  for (let fold = 0; fold < k && !interrupted; fold++) {
    let split: DataSplits;
    try {
      split = await foldSplit(cutting, settings, loaded, files, order, fold, k, seed);
    } catch (error) {
      // Stopped while this fold's data was expanded, after earlier folds trained: as if stopped in its first epoch.
      if (!(error instanceof StoppedLoading) || runs.length === 0) throw error;
      interrupted = { ...error.interrupted, runDir: join(runDir, partFolder({ kind: "fold", index: fold })), part: `fold ${fold + 1} of ${k}` };
      break;
    }
    lastData = split;
    tests.push(split.test);
    const trained = parallel ? parallel[fold] : await trainOnce(ctx, settings, split, seed + fold, join(runDir, partFolder({ kind: "fold", index: fold })));
    if (!trained) break;
    totalParams = trained.totalParams;
    models.push(trained.model);
    runs.push(runResultOf(trained));
    if (trained.interrupted) interrupted = { ...trained.interrupted, part: `fold ${fold + 1} of ${k}` };
  }
  if (interrupted) {
    // No cross-validation result yet: the folds so far are in the report, and there is no package.
    for (const m of models) m.dispose();
    removeStalePackage(runDir);
    return { ...runs[0], test: null, runDir, label: ctx.program.label, source: ctx.program.source, backend: ctx.backend, totalParams, members: null, trials: null, folds: { runs, validation: {}, test: null }, interrupted };
  }
  const spread = (values: readonly number[]) => {
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    return { mean, std: Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length) };
  };
  const at = (r: RunResult) => r.history[(r.bestEpoch ?? r.history.length) - 1]?.validation ?? {};
  const validation = Object.fromEntries(Object.keys(at(runs[0])).map((name) => [name, spread(runs.map((r) => at(r)[name]))]));
  const testNames = Object.keys(runs[0].test ?? {});
  const testSpread = runs.every((r) => r.test) ? Object.fromEntries(testNames.map((name) => [name, spread(runs.map((r) => r.test![name]))])) : null;
  ctx.log(`${k}-fold cross-validation: ${Object.entries(validation).map(([n, v]) => `val_${n} ${formatMetric(n, v.mean)} ± ${formatMetric(n, v.std)}`).join(", ")}`);
  if (testSpread) ctx.log(`each fold on the test data: ${Object.entries(testSpread).map(([n, v]) => `${n} ${formatMetric(n, v.mean)} ± ${formatMetric(n, v.std)}`).join(", ")}`);
  // The folds vote with their mean output, each model on its own normalization of the test part.
  let test: Record<string, number> | null = null;
  if (loaded.test && loaded.test.count > 0) {
    const outputs = models.map((m, fold) => predictAll(m, tests[fold]!, dtypesOf(ctx.program)));
    test = voteOutputs(outputs, tests[0]!, "mean", ctx, settings);
    ctx.log(`the ${k} folds' models voting (mean): ${describeTest(test)}`);
  }
  for (const m of models) m.dispose();
  writeEnsemblePackage(runDir, runs.map((r) => r.runDir), "mean", packageFacts(ctx, settings), lastData!, test);
  return { ...runs[0], test, runDir, label: ctx.program.label, source: ctx.program.source, backend: ctx.backend, totalParams, members: null, trials: null, folds: { runs, validation, test: testSpread }, interrupted: null };
}

/** The training data k-fold cuts, read once, and the order its folds are cut from. */
async function foldData(ctx: Context, settings: SettledTraining, seed: number): Promise<{ loaded: LoadedSplits; files: DataSplits["files"]; order: Uint32Array }> {
  const k = settings.folds!;
  const { value: loaded, files } = await paced(ctx, settings, withDataFileLog(loadSplits(settings, loadOptions(ctx, settings, seed))));
  const order = permutation(loaded.train.count, new Rng(seed + 29));
  if (loaded.train.count < k) throw new DataError(`folds: ${k} folds need at least ${k} training examples, found ${loaded.train.count}`);
  return { loaded, files, order };
}

/** Fold `fold`'s data: the other folds to train on, this one to validate on, each normalized by its own training part. */
async function foldSplit(ctx: Context, settings: SettledTraining, loaded: LoadedSplits, files: DataSplits["files"], order: Uint32Array, fold: number, k: number, seed: number): Promise<DataSplits> {
  const from = Math.floor((fold * loaded.train.count) / k);
  const to = Math.floor(((fold + 1) * loaded.train.count) / k);
  const held = order.subarray(from, to);
  const kept = Uint32Array.from([...order.subarray(0, from), ...order.subarray(to)]);
  ctx.log(`fold ${fold + 1} of ${k}: ${kept.length} training, ${held.length} validation examples`);
  return { ...(await prepare(ctx, settings, { ...loaded, train: takeExamples(loaded.train, kept), validation: takeExamples(loaded.train, held) }, seed + fold)), files };
}
