/**
 * The run folder a training writes: `metrics.jsonl` (one line per epoch), `model.json` +
 * `weights.bin` (the trained model in the tfjs layers format), `report.html` (learning curves and,
 * when monitored, per-layer norms), `report.json` (the typed report) and `checkpoint/`.
 */
import type * as tf from "@tensorflow/tfjs";

import { readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describeBackend } from "../kernels/backend.js";
import type { EpochRecord } from "../core/history.js";
import type { ModelArguments, TrainingReport } from "../core/program.js";
import { renderReport } from "../report/report.js";
import type { ResolvedTraining } from "../core/settings.js";
import { appendToFile, makeFolder, removeStaleTempFiles, writeFileAtomic } from "../core/atomic.js";
import { saveModel } from "./save-model.js";

/** Which training a run folder holds: `settings.json` records it, and a run of another one is refused. */
export interface RunOwner {
  /** The training's label. */
  readonly label: string;
  /** The `.nn` file as named when it was compiled. */
  readonly source: string;
  /** The same file as an absolute path (from the working directory), which identifies it. */
  readonly sourcePath: string;
}

/** A run folder that holds a run of another training: nothing is written, the command exits 1. */
export class RunFolderInUse extends Error {
  override readonly name = "RunFolderInUse";
}

/** `path` as the user would type it from the working directory (absolute when outside it). */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === "" ? "." : rel.startsWith("..") ? path : rel;
}

/**
 * Refuses (`RunFolderInUse`) a run folder whose `settings.json` records a run of a training from
 * another source file, or of another training of the same file: the run would overwrite its model,
 * report and checkpoint. A folder without one (new, or written by an older nnc) is free.
 */
export function checkRunFolderOwner(dir: string, owner: RunOwner): void {
  let recorded: Partial<RunOwner>;
  try {
    recorded = JSON.parse(readFileSync(join(dir, "settings.json"), "utf8")) as Partial<RunOwner>;
  } catch {
    return;
  }
  const how = `give this training another label, or train into another folder with --run-dir DIR (\`runDir\` in trainL's options), or delete ${shown(dir)} to replace that run`;
  if (typeof recorded.sourcePath === "string" && resolve(recorded.sourcePath) !== resolve(owner.sourcePath)) {
    throw new RunFolderInUse(`${shown(dir)} holds a run of training \`${recorded.label ?? owner.label}\` from another file, ${shown(recorded.sourcePath)}; ${how}`);
  }
  if (typeof recorded.sourcePath === "string" && typeof recorded.label === "string" && recorded.label !== owner.label) {
    throw new RunFolderInUse(`${shown(dir)} holds a run of another training of ${shown(owner.sourcePath)}, \`${recorded.label}\`; ${how}`);
  }
}

/** Writes `settings.json`: which training ran (label and source) and its settings. */
export function writeRunSettings(dir: string, owner: RunOwner, settings: ResolvedTraining, args: ModelArguments | null): void {
  const record = { label: owner.label, source: owner.source, sourcePath: owner.sourcePath, settings, ...(args ? { modelArguments: args } : {}) };
  writeFileAtomic(join(dir, "settings.json"), `${JSON.stringify(record, null, 2)}\n`);
}

export class RunFolder {
  constructor(readonly dir: string) {}

  get checkpointDir(): string {
    return join(this.dir, "checkpoint");
  }

  get metricsPath(): string {
    return join(this.dir, "metrics.jsonl");
  }

  /**
   * Creates the folder, removes the temporary files of writes a killed run left in it and in its
   * checkpoint folder, and starts an empty metrics file (a resumed run rewrites it from its checkpoint).
   */
  start(owner: RunOwner, settings: ResolvedTraining, args: ModelArguments): void {
    makeFolder(this.dir);
    removeStaleTempFiles(this.dir);
    removeStaleTempFiles(this.checkpointDir);
    writeFileAtomic(this.metricsPath, "");
    writeRunSettings(this.dir, owner, settings, args);
  }

  appendEpoch(record: EpochRecord): void {
    appendToFile(this.metricsPath, `${JSON.stringify(record)}\n`);
  }

  rewriteHistory(history: readonly EpochRecord[]): void {
    writeFileAtomic(this.metricsPath, history.map((r) => `${JSON.stringify(r)}\n`).join(""));
  }

  saveModel(model: tf.LayersModel): Promise<string> {
    return saveModel(model, this.dir);
  }

  finish(report: TrainingReport, settings: ResolvedTraining): void {
    writeFileAtomic(join(this.dir, "report.json"), `${JSON.stringify(report, null, 2)}\n`);
    const notes: string[] = [];
    if (report.interrupted) notes.push(interruptionNote(report));
    if (report.resumedFrom !== null) notes.push(`resumed from the checkpoint of epoch ${report.resumedFrom}`);
    for (const [i, m] of (report.members ?? []).entries()) notes.push(`member ${i + 1} (seed ${m.seed}): ${describe(m.test)}`);
    if (report.members) notes.push(`the ensemble's vote: ${describe(report.test)}; curves below are member 1's`);
    for (const t of report.trials ?? []) notes.push(`trial ${t.trial}: ${Object.entries(t.chosen).map(([k, v]) => `${k} = ${String(v)}`).join(", ")} → objective ${t.objective ?? "n/a"}`);
    if (report.trials) notes.push(`curves below are the best trial's (trial ${report.trials[0]?.trial})`);
    const html = renderReport({
      title: `${report.label} — nnc training report`,
      source: report.source,
      label: report.label,
      backend: describeBackend(report.backend, true),
      startedAt: new Date().toISOString(),
      history: report.members ? report.members[0].history : report.history,
      bestEpoch: report.bestEpoch,
      stoppedEarly: report.stoppedEarly,
      test: report.test,
      settings: settingsTable(settings, report),
      totalParams: report.totalParams,
      notes,
    });
    writeFileAtomic(join(this.dir, "report.html"), html);
  }
}

/** The report's note on an interrupted run: when it stopped, and which epoch its files hold. */
export function interruptionNote(report: TrainingReport): string {
  const i = report.interrupted!;
  const what = i.signal === "SIGINT" ? "interrupted (Ctrl-C)" : i.signal === "SIGTERM" ? "terminated (SIGTERM)" : "stopped by the program";
  const part = i.part ? ` of ${i.part}` : "";
  if (i.lastCompleted === null) return `${what} during epoch ${i.epoch}${part}, before any epoch of it finished: no model or checkpoint of it was saved`;
  const kept = i.keptEpoch !== null && i.keptEpoch !== i.lastCompleted ? `the model holds the weights of epoch ${i.keptEpoch} (early stopping's best so far)` : `the model holds the weights of epoch ${i.lastCompleted}`;
  return `${what} during epoch ${i.epoch}${part}: this report ends with epoch ${i.lastCompleted}, ${kept}, no test metrics were measured; running the training again resumes after epoch ${i.lastCompleted}`;
}

function describe(test: Readonly<Record<string, number>> | null): string {
  if (!test) return "no test data";
  return Object.entries(test)
    .map(([k, v]) => `${k} ${k.includes("accuracy") ? `${(v * 100).toFixed(2)}%` : v.toFixed(4)}`)
    .join(", ");
}

function settingsTable(settings: ResolvedTraining, report: TrainingReport): Record<string, string> {
  const table: Record<string, string> = { seed: String(report.seed) };
  const show = (v: unknown) => (typeof v === "object" && v !== null ? JSON.stringify(v) : String(v));
  for (const [key, value] of Object.entries(settings)) {
    if (key === "search" || value === null || (Array.isArray(value) && value.length === 0)) continue;
    table[key] = show(value);
  }
  return table;
}
