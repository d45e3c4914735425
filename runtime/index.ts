/**
 * The nnc runtime: what generated training modules import. It re-exports the TensorFlow.js
 * instance it trains with, so generated code and runtime always share one engine and backend.
 */
export * as tf from "@tensorflow/tfjs";
// Before anything stores a tensor: no "Hi, looks like you are running TensorFlow.js in Node.js" banner.
import "./core/quiet-tfjs.js";
export { runTraining, runFolderName } from "./session/training.js";
export { initializer } from "./layers/initializers.js";
export { L2Pooling2D, l2Pooling2d, type L2PoolingConfig } from "./layers/l2pool.js";
export { GRUResetAfter, gruResetAfter, type GRUResetAfterConfig } from "./layers/gru.js";
// Registers the exact gradient of average pooling with padding (see the file).
import "./kernels/avg-pool-gradient.js";
export { pickBuild } from "./core/pick-build.js";
export { selectBackend, requestedBackend, describeBackend, BACKEND_NAMES, type BackendName, type BackendChoice } from "./kernels/backend.js";
export { fileHandler, saveModel } from "./run/save-model.js";
export type { BuildOptions, CompiledTraining, FoldsResult, Interruption, ModelArguments, OutputStream, RepeatResult, RunResult, TrainingReport, TrainOptions, TrialResult } from "./core/program.js";
export type { EpochRecord, LayerNorms } from "./core/history.js";
export type * from "./core/settings.js";
export { DataError } from "./data/examples.js";
export { TrainingDiverged } from "./train/fit.js";
export { TrainingInterrupted } from "./session/interrupt.js";
export { WriteError } from "./core/atomic.js";
export type { TensorSpec } from "./core/program.js";
export type { Column, Examples, InputPreprocessing } from "./data/examples.js";
export { loadPredictor, predict, type Predictor, type OutputPrediction } from "./package/predictor.js";
export { evaluatePredictor, type Evaluation, type ClassReport, type ClassScores } from "./package/evaluation.js";
export { packageTestPart, packageDataFrom } from "./package/data.js";
export { PackageError, PACKAGE_FILE, type PackageFile } from "./package/format.js";
export { formatMetric, describeMetrics } from "./core/metric-format.js";
export { loadNamedPackage, predictNamed, evaluateNamed, inputsFromFiles, type InputData, type TargetData, type Prediction, type ExpectedModel, type LoadedModel } from "./package/named.js";
