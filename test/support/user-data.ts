/**
 * Helpers for tests of the data loaders: readers give raw labels (runtime/data/targets.ts), and
 * `readAndEncode` turns them into the targets a training would see, with the rules a test names;
 * `resolvedTraining` is a complete ResolvedTraining around a data setting, for `loadTrainingData`.
 */
import type { Column, Examples } from "../../runtime/data/examples.js";
import { encodeTargets, type KnownClasses, type RawExamples, type TargetRule } from "../../runtime/data/targets.js";
import type { ClassesSetting, DataSetting, ResolvedTraining } from "../../runtime/core/settings.js";

/** A target rule with every field optional: unset fields are null (not given, no model). */
export interface RuleOptions {
  readonly classes?: ClassesSetting | null;
  readonly targets?: number | null;
  readonly output?: readonly (number | null)[] | null;
}

export function targetRule(options: RuleOptions = {}): TargetRule {
  return { classes: options.classes ?? null, targets: options.targets ?? null, output: options.output ?? null };
}

/**
 * A reader's examples with each output's labels encoded: `rules` is one rule for every output or
 * one per output; `known` the training part's classes when encoding another part.
 */
export function readAndEncode(raw: RawExamples, rules: RuleOptions | readonly RuleOptions[] = {}, known?: readonly KnownClasses[]): Examples {
  const ruleOf = (i: number): TargetRule => targetRule(Array.isArray(rules) ? (rules as readonly RuleOptions[])[i] : (rules as RuleOptions));
  return { inputs: raw.inputs, targets: raw.labels.map((labels, i) => encodeTargets(labels, ruleOf(i), raw, known?.[i])), count: raw.count };
}

/** A column's rows, each as an array of numbers. */
export function rowsOf(column: Column, count: number): number[][] {
  const size = count === 0 ? 0 : column.values.length / count;
  return Array.from({ length: count }, (_, r) => Array.from(column.values.subarray(r * size, (r + 1) * size)));
}

/** The index of the largest value of each row: the class of each one-hot row. */
export function argmaxRows(column: Column, count: number): number[] {
  return rowsOf(column, count).map((row) => row.reduce((best, v, i) => (v > row[best] ? i : best), 0));
}

/** No test or validation part: what a user source has when it names neither. */
export const NO_PARTS = { test: null, validation: null } as const;

/** A training with every setting at the default the compiler resolves, around `data`. */
export function resolvedTraining(data: DataSetting, more: Partial<ResolvedTraining> = {}): ResolvedTraining {
  return {
    label: "T",
    model: { name: "M", args: {} },
    data,
    validation: { kind: "dataset_part" },
    folds: null,
    normalize: "none",
    loss: [{ kind: "cross_entropy", fromLogits: false }],
    lossWeights: null,
    optimizer: { kind: "sgd", lr: 0.1, momentum: 0, nesterov: false },
    schedule: { kind: "constant" },
    regularization: null,
    batchSize: 32,
    epochs: 1,
    earlyStopping: null,
    augment: [],
    expand: [],
    metrics: [{ kind: "accuracy" }],
    ensemble: 1,
    vote: "majority",
    init: null,
    seed: null,
    clip: null,
    monitor: [],
    checkpoint: null,
    initFrom: null,
    freeze: [],
    reinit: [],
    tune: null,
    objective: null,
    repeats: 1,
    search: [],
    ...more,
  };
}
