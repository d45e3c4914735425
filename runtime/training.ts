/**
 * `runTraining` is what a generated `trainL()` calls: it picks the backend, loads the data, and runs
 * the training once, as an ensemble, or as a search over trials, writing the run folder.
 */
import * as tf from "@tensorflow/tfjs";
import { createHash, randomInt } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { requestedBackend, selectBackend } from "./backend.js";
import { DataError, takeExamples, type DataSplits, type Examples } from "./data/examples.js";
import { loadTrainingData } from "./data/load.js";
import { augmentBatch, expandExamples, type Transform } from "./data/transforms.js";
import type { BuildOptions, CompiledTraining, ModelArguments, OutputStream, RunResult, TrainingReport, TrainOptions, TrialResult } from "./program.js";
import { permutation, Rng, withSeededMathRandom } from "./random.js";
import { RunFolder } from "./run/run-folder.js";
import { fileHandler } from "./run/save-model.js";
import { applyChoice, bayesianTrial, gridTrials, randomTrial, spacesOf, type Chosen } from "./search.js";
import { settled, type ResolvedTraining, type TransformSetting } from "./settings.js";
import { evaluate, predictAll } from "./train/evaluate.js";
import { fit } from "./train/fit.js";
import { lossFunction } from "./train/losses.js";
import { metricsFor } from "./train/metrics.js";
import { chooseStepper } from "./train/choose-stepper.js";
import { makeOptimizer } from "./train/optimizers.js";
import { penalizedVariables, trainingPenalty } from "./train/regularization.js";
import { LearningRateSchedule } from "./train/schedules.js";
import { trainableVariables } from "./train/step.js";

/** A training's label as a folder name: `DeepBn` → `deep_bn`. */
export function runFolderName(label: string): string {
  const snake = label.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/[^A-Za-z0-9_.-]+/g, "_").toLowerCase();
  return snake.replace(/^[._]+/, "") || "run";
}

interface Context {
  readonly program: CompiledTraining;
  readonly options: TrainOptions;
  readonly output: OutputStream | null;
  readonly log: (line: string) => void;
  readonly baseDir: string;
  readonly backend: { name: string; reason: string };
}

function transformOf(s: TransformSetting): Transform {
  switch (s.kind) {
    case "shift":
      return { kind: "shift", pixels: settled(s.pixels) };
    case "rotate":
      return { kind: "rotate", degrees: settled(s.degrees) };
    case "skew":
      return { kind: "skew", amount: settled(s.amount) };
    case "elastic":
      return { kind: "elastic", alpha: settled(s.alpha), sigma: settled(s.sigma) };
  }
}

function fingerprint(settings: ResolvedTraining, model: tf.LayersModel, limit: number | undefined): string {
  // Epochs are left out so a resumed run may be given more epochs than it started with.
  const { epochs: _epochs, ...rest } = settings;
  return createHash("sha256").update(JSON.stringify({ rest, limit, model: model.toJSON(null, false) })).digest("hex").slice(0, 16);
}

function checkShapes(model: tf.LayersModel, data: Examples, what: string, source: string): void {
  const input = model.inputs[0].shape.slice(1);
  const output = model.outputs[0].shape.slice(1);
  const fits = (want: readonly (number | null)[], got: readonly number[]) => want.length === got.length && want.every((d, i) => d === null || d === got[i]);
  if (!fits(input, data.xShape)) {
    throw new DataError(`${source}: the ${what} examples have shape [${data.xShape.join(", ")}] but the model's input is [${input.map((d) => d ?? "?").join(", ")}]`);
  }
  if (!fits(output, data.yShape)) {
    throw new DataError(`${source}: the ${what} targets have shape [${data.yShape.join(", ")}] but the model's output is [${output.map((d) => d ?? "?").join(", ")}]`);
  }
}

/** Loads `init_from`, copies its weights into every layer not in `reinit`, and freezes `freeze`. */
async function transfer(model: tf.LayersModel, settings: ResolvedTraining, ctx: Context): Promise<void> {
  if (settings.initFrom === null) {
    for (const name of settings.freeze) model.getLayer(name).trainable = false;
    return;
  }
  const written = settled(settings.initFrom, "init_from");
  const candidates = [resolve(written), resolve(ctx.baseDir, written)];
  const path = candidates.find((p) => existsSync(p));
  if (!path) {
    throw new DataError(`init_from: "${written}" does not exist (looked in ${[...new Set(candidates)].join(" and ")}); run the training that saves it first`);
  }
  const source = await tf.loadLayersModel(fileHandler(path));
  const reinit = new Set(settings.reinit);
  for (const layer of model.layers) {
    if (reinit.has(layer.name) || layer.weights.length === 0) continue;
    let from: tf.layers.Layer;
    try {
      from = source.getLayer(layer.name);
    } catch {
      throw new DataError(`init_from: ${path} has no layer named "${layer.name}"; add it to \`reinit\` to train it from scratch`);
    }
    const weights = from.getWeights();
    const mismatch = layer.weights.findIndex((w, i) => !weights[i] || weights[i].shape.join() !== w.shape.join());
    if (weights.length !== layer.weights.length || mismatch >= 0) {
      throw new DataError(`init_from: layer "${layer.name}" has weights of other shapes in ${path}; add it to \`reinit\``);
    }
    layer.setWeights(weights);
  }
  source.dispose();
  for (const name of settings.freeze) model.getLayer(name).trainable = false;
  ctx.log(`initialized from ${path}${settings.freeze.length ? `; frozen: ${settings.freeze.join(", ")}` : ""}${reinit.size ? `; re-initialized: ${[...reinit].join(", ")}` : ""}`);
}

interface Trained extends RunResult {
  readonly model: tf.LayersModel;
  readonly totalParams: number;
}

/** One full training of one model. The caller disposes the returned model. */
async function trainOnce(ctx: Context, settings: ResolvedTraining, args: ModelArguments, data: DataSplits, seed: number, runDir: string): Promise<Trained> {
  const rng = new Rng(seed);
  const folder = new RunFolder(runDir);
  return withSeededMathRandom(rng, async () => {
    const build: BuildOptions = { init: settings.init === null ? null : settled(settings.init, "init") };
    const model = ctx.program.build(args, build);
    checkShapes(model, data.train, "training", ctx.program.source);
    await transfer(model, settings, ctx);
    const loss = lossFunction(settled(settings.loss, "loss"));
    const metrics = metricsFor(settings.metrics.map((m) => settled(m, "metrics")));
    const optimizerSetting = settled(settings.optimizer, "optimizer");
    const optimizer = makeOptimizer(optimizerSetting);
    const epochs = ctx.options.epochs ?? settled(settings.epochs, "epochs");
    const schedule = new LearningRateSchedule(settled(settings.schedule, "schedule"), settled(optimizerSetting.lr), epochs);
    const monitors = settings.monitor.map((m) => settled(m, "monitor"));
    const { variables, roles } = trainableVariables(model);
    const penalized = penalizedVariables(model, trainingPenalty(settings.regularization && settled(settings.regularization)), ctx.program.layerPenalties, data.train.count);
    const augment = settings.augment.map((t) => transformOf(settled(t, "augment")));
    const augmentRng = rng.fork();
    const early = settings.earlyStopping && settled(settings.earlyStopping, "early_stopping");
    const checkpoint = settings.checkpoint && settled(settings.checkpoint, "checkpoint");
    folder.start(settings, args);
    const context = { model, loss, metrics, optimizer, variables, penalized, clip: settings.clip && settled(settings.clip, "clip"), roles: monitors.includes("gradient_norms") ? roles : null };
    const { stepper, note } = chooseStepper({
      context,
      lossSetting: settled(settings.loss, "loss"),
      optimizerSetting,
      clip: context.clip,
      metrics,
      augment: augment.length ? (x: Float32Array, count: number) => augmentBatch(x, count, data.train.xShape, augment, augmentRng) : null,
      inputDtype: ctx.program.inputDtype,
      seed,
      dataShape: data.train.xShape,
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
      batchSize: settled(settings.batchSize, "batch_size"),
      epochs,
      rng,
      inputDtype: ctx.program.inputDtype,
      earlyStopping: early ? { patience: settled(early.patience), monitor: settled(early.monitor), minDelta: settled(early.minDelta) } : null,
      monitorWeights: monitors.includes("weight_norms"),
      checkpoint: checkpoint ? { dir: folder.checkpointDir, every: settled(checkpoint.epochs), fingerprint: fingerprint(settings, model, ctx.options.limit) } : null,
      progress: ctx.output,
      onEpoch: (record) => folder.appendEpoch(record),
      onResume: (history) => folder.rewriteHistory(history),
      log: ctx.log,
    });
    const test = data.test && data.test.count > 0 ? (stepper.evaluate?.(data.test) ?? evaluate(model, data.test, loss, metrics, ctx.program.inputDtype)) : null;
    optimizer.dispose();
    folder.rewriteHistory(result.history);
    await folder.saveModel(model);
    const examples = { train: data.train.count, validation: data.validation?.count ?? 0, test: data.test?.count ?? 0 };
    return { ...result, test, seed, runDir, examples, model, totalParams: model.countParams() };
  });
}

function loadData(ctx: Context, settings: ResolvedTraining, seed: number): DataSplits {
  const data = loadTrainingData(settings, { baseDir: ctx.baseDir, limit: ctx.options.limit, seed });
  const expand = settings.expand.map((t) => transformOf(settled(t, "expand")));
  if (expand.length === 0) return data;
  const rng = new Rng(seed + 17);
  let train = expandExamples(data.train, expand, rng);
  ctx.log(`expanded the training data from ${data.train.count} to ${train.count} examples`);
  const limit = ctx.options.limit;
  if (limit !== undefined && train.count > limit) {
    // `--limit` caps what is trained on; a random subset keeps originals and transformed copies mixed.
    train = takeExamples(train, permutation(train.count, rng).subarray(0, limit));
    ctx.log(`--limit ${limit}: training on ${limit} of them`);
  }
  return { ...data, train };
}

function describeTest(test: Readonly<Record<string, number>> | null): string {
  if (!test) return "no test data";
  return Object.entries(test)
    .map(([k, v]) => (k.includes("accuracy") || k.startsWith("top_") ? `test ${k} ${(v * 100).toFixed(2)}%` : `test ${k} ${v.toFixed(4)}`))
    .join(", ");
}

/** The vote of several models on the test data: majority of their classes, or the mean output. */
function voteOn(members: readonly tf.LayersModel[], data: Examples, vote: "majority" | "mean", inputDtype: "float32" | "int32"): Record<string, number> {
  const outputs = members.map((m) => predictAll(m, data, inputDtype));
  const width = outputs[0].length / data.count;
  const mean = new Float32Array(outputs[0].length);
  for (const o of outputs) for (let i = 0; i < o.length; i++) mean[i] += o[i] / outputs.length;
  if (data.classes === null) {
    let absolute = 0;
    for (let i = 0; i < mean.length; i++) absolute += Math.abs(mean[i] - data.y[i]);
    return { mae: absolute / mean.length };
  }
  const argmax = (row: Float32Array, r: number) => {
    let best = 0;
    for (let c = 1; c < width; c++) if (row[r * width + c] > row[r * width + best]) best = c;
    return best;
  };
  let correct = 0;
  for (let r = 0; r < data.count; r++) {
    let predicted: number;
    if (vote === "mean") predicted = argmax(mean, r);
    else {
      const counts = new Array<number>(width).fill(0);
      for (const o of outputs) counts[argmax(o, r)]++;
      // Ties go to the class with the higher mean output.
      predicted = 0;
      for (let c = 1; c < width; c++) if (counts[c] > counts[predicted] || (counts[c] === counts[predicted] && mean[r * width + c] > mean[r * width + predicted])) predicted = c;
    }
    if (data.y[r * width + predicted] === 1) correct++;
  }
  return { accuracy: correct / data.count };
}

function objectiveOf(settings: ResolvedTraining, result: RunResult): number | null {
  const objective = settings.objective ?? { kind: "maximize", metric: "val_accuracy" };
  const values = result.history
    .map((r) => (objective.metric.startsWith("val_") ? r.validation?.[objective.metric.slice(4)] : r.train[objective.metric]))
    .filter((v): v is number => v !== undefined && Number.isFinite(v));
  if (values.length === 0) return null;
  return objective.kind === "maximize" ? Math.max(...values) : -Math.min(...values);
}

function modelArgs(settings: ResolvedTraining): ModelArguments {
  return Object.fromEntries(Object.entries(settings.model.args).map(([k, v]) => [k, settled(v, `model argument ${k}`)])) as ModelArguments;
}

export async function runTraining(program: CompiledTraining, options: TrainOptions = {}): Promise<TrainingReport> {
  const began = performance.now();
  const output = options.output === undefined ? process.stderr : options.output;
  const log = (line: string) => void output?.write(`${line}\n`);
  const backend = await selectBackend(requestedBackend(options.backend));
  log(`backend: ${backend.name} (${backend.reason})`);
  const ctx: Context = { program, options, output, log, baseDir: options.baseDir ?? dirname(resolve(program.source)), backend };
  const settings = program.settings;
  const seed = settings.seed === null ? randomInt(1, 2 ** 31 - 1) : settled(settings.seed, "seed");
  const runDir = resolve(options.runDir ?? join("runs", runFolderName(program.label)));
  mkdirSync(runDir, { recursive: true });

  let report: Omit<TrainingReport, "seconds">;
  if (settings.tune) report = await runSearch(ctx, settings, seed, runDir);
  else if (settings.folds !== null) report = await runFolds(ctx, settings, seed, runDir);
  else {
    const data = loadData(ctx, settings, seed);
    log(`data: ${data.description}: ${data.train.count} training, ${data.validation?.count ?? 0} validation, ${data.test?.count ?? 0} test examples`);
    const members = settled(settings.ensemble, "ensemble");
    if (members <= 1) {
      const one = await trainOnce(ctx, settings, modelArgs(settings), data, seed, runDir);
      one.model.dispose();
      const { model: _m, totalParams, ...result } = one;
      log(describeTest(result.test));
      report = { ...result, label: program.label, source: program.source, backend, totalParams, members: null, trials: null, folds: null };
    } else {
      const trained: Trained[] = [];
      for (let i = 0; i < members; i++) {
        log(`ensemble member ${i + 1} of ${members} (seed ${seed + i})`);
        trained.push(await trainOnce(ctx, settings, modelArgs(settings), data, seed + i, join(runDir, `member-${i + 1}`)));
        log(describeTest(trained[i].test));
      }
      const vote = settled(settings.vote, "vote");
      const test = data.test && data.test.count > 0 ? voteOn(trained.map((t) => t.model), data.test, vote, program.inputDtype) : null;
      log(`ensemble of ${members} (${vote} vote): ${describeTest(test)}`);
      const results = trained.map(({ model, totalParams: _t, ...rest }) => {
        model.dispose();
        return rest;
      });
      report = { ...results[0], test, runDir, label: program.label, source: program.source, backend, totalParams: trained[0].totalParams, members: results, trials: null, folds: null };
    }
  }
  const seconds = (performance.now() - began) / 1000;
  const epochs = report.members?.flatMap((m) => m.history) ?? report.trials?.flatMap((t) => t.history) ?? report.folds?.runs.flatMap((f) => f.history) ?? report.history;
  const perEpoch = epochs.length ? epochs.reduce((sum, r) => sum + r.seconds, 0) / epochs.length : 0;
  const full: TrainingReport = { ...report, seconds: { total: seconds, perEpoch } };
  new RunFolder(runDir).finish(full, settings);
  log(`run folder: ${runDir}`);
  return full;
}

async function runSearch(ctx: Context, settings: ResolvedTraining, seed: number, runDir: string): Promise<Omit<TrainingReport, "seconds">> {
  const tune = settings.tune!;
  const spaces = spacesOf(settings);
  const rng = new Rng(seed + 101);
  const planned: Chosen[] | null = tune.kind === "grid" ? gridTrials(spaces) : null;
  const count = planned ? planned.length : tune.kind === "grid" ? 0 : tune.trials;
  const results: TrialResult[] = [];
  let totalParams = 0;
  for (let i = 0; i < count; i++) {
    const chosen = planned ? planned[i] : tune.kind === "bayesian" ? bayesianTrial(spaces, results.filter((r) => r.objective !== null).map((r) => ({ chosen: r.chosen, score: r.objective! })), rng) : randomTrial(spaces, rng);
    const trialSettings = applyChoice(settings, chosen);
    ctx.log(`trial ${i + 1} of ${count}: ${Object.entries(chosen).map(([k, v]) => `${k} = ${typeof v === "number" ? Number(v.toPrecision(4)) : JSON.stringify(v)}`).join(", ")}`);
    const data = loadData(ctx, trialSettings, seed);
    const trained = await trainOnce(ctx, trialSettings, modelArgs(trialSettings), data, seed + i, join(runDir, `trial-${String(i + 1).padStart(2, "0")}`));
    totalParams = trained.totalParams;
    trained.model.dispose();
    const { model: _m, totalParams: _t, ...result } = trained;
    results.push({ ...result, trial: i + 1, chosen, objective: objectiveOf(trialSettings, result) });
  }
  const ranked = [...results].sort((a, b) => (b.objective ?? -Infinity) - (a.objective ?? -Infinity));
  const best = ranked[0];
  ctx.log(`best trial: ${best.trial} (${describeTest(best.test)})`);
  return { ...best, runDir, label: ctx.program.label, source: ctx.program.source, backend: ctx.backend, totalParams, members: null, trials: ranked, folds: null };
}

/**
 * k-fold cross-validation: the training part is cut into k folds (after one shuffle by the seed);
 * each fold is the validation data of one full training on the other k − 1.
 */
async function runFolds(ctx: Context, settings: ResolvedTraining, seed: number, runDir: string): Promise<Omit<TrainingReport, "seconds">> {
  const k = settled(settings.folds!, "folds");
  const data = loadData(ctx, settings, seed);
  const order = permutation(data.train.count, new Rng(seed + 29));
  if (data.train.count < k) throw new DataError(`folds: ${k} folds need at least ${k} training examples, found ${data.train.count}`);
  const runs: RunResult[] = [];
  let totalParams = 0;
  for (let fold = 0; fold < k; fold++) {
    const from = Math.floor((fold * data.train.count) / k);
    const to = Math.floor(((fold + 1) * data.train.count) / k);
    const held = order.subarray(from, to);
    const kept = Uint32Array.from([...order.subarray(0, from), ...order.subarray(to)]);
    ctx.log(`fold ${fold + 1} of ${k}: ${kept.length} training, ${held.length} validation examples`);
    const split: DataSplits = { ...data, train: takeExamples(data.train, kept), validation: takeExamples(data.train, held) };
    const trained = await trainOnce(ctx, settings, modelArgs(settings), split, seed + fold, join(runDir, `fold-${fold + 1}`));
    totalParams = trained.totalParams;
    trained.model.dispose();
    const { model: _m, totalParams: _t, ...result } = trained;
    runs.push(result);
  }
  const at = (r: RunResult) => r.history[(r.bestEpoch ?? r.history.length) - 1]?.validation ?? {};
  const names = Object.keys(at(runs[0]));
  const validation = Object.fromEntries(
    names.map((name) => {
      const values = runs.map((r) => at(r)[name]);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
      return [name, { mean, std }];
    }),
  );
  ctx.log(`${k}-fold cross-validation: ${Object.entries(validation).map(([n, v]) => `val_${n} ${v.mean.toFixed(4)} ± ${v.std.toFixed(4)}`).join(", ")}`);
  return { ...runs[0], runDir, label: ctx.program.label, source: ctx.program.source, backend: ctx.backend, totalParams, members: null, trials: null, folds: { runs, validation } };
}
