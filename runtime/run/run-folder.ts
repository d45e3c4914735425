/**
 * The run folder a training writes: `settings.json` (which training, its settings and what ran),
 * `summary.json` (the built model's layers and parameters), `metrics.jsonl` (one line per epoch,
 * with step lines between them while an epoch runs), `model.json` + `weights.bin` (the trained
 * model in the tfjs layers format), `report.html` (learning curves and, when monitored, per-layer
 * norms), `report.json` (the typed report) and `checkpoint/`.
 */
import type * as tf from "@tensorflow/tfjs";

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { isStepRecord, type EpochRecord, type StepRecord } from "../core/history.js";
import { interruptedWhen, type ModelArguments, type TrainingReport } from "../core/program.js";
import { writeReport } from "../report/page.js";
import type { ResolvedTraining } from "../core/settings.js";
import { appendToFile, isTempFileName, makeFolder, removeStaleTempFiles, writeFileAtomic } from "../core/atomic.js";
import { saveModel } from "./save-model.js";
import type { ModelSummaryRecord } from "./model-summary.js";

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
 * The owner `settings.json` records when nnc wrote it (label, source and settings; `sourcePath`
 * only since nnc recorded it), or null when there is none or it is some other program's file.
 */
function recordedOwner(dir: string): Partial<RunOwner> | null {
  let recorded: unknown;
  try {
    recorded = JSON.parse(readFileSync(join(dir, "settings.json"), "utf8"));
  } catch {
    return null;
  }
  if (typeof recorded !== "object" || recorded === null || Array.isArray(recorded)) return null;
  const fields = recorded as Record<string, unknown>;
  const settings = fields.settings;
  const isNnc = typeof fields.label === "string" && typeof fields.source === "string" && typeof settings === "object" && settings !== null && !Array.isArray(settings);
  return isNnc ? (fields as Partial<RunOwner>) : null;
}

/** The files and folders a run writes at the top of its folder (besides its parts' folders). */
const RUN_FILES = new Set(["settings.json", "summary.json", "metrics.jsonl", "model.json", "weights.bin", "report.html", "report.json", "nnc-package.json", "checkpoint", "queue.json"]);
/** An ensemble member's, a fold's or a trial's folder (runtime/session/parts.ts, `partFolder`). */
const PART_FOLDER = /^(member-\d+|fold-\d+|trial-\d+)$/;

/**
 * Before a run writes anything: refuses (`RunFolderInUse`) a folder that is neither new, nor empty,
 * nor an nnc run folder, since the run would replace files of the same names (the user's own
 * model.json, settings.json, report.html, …). An nnc run folder must be this training's
 * (`checkRunFolderOwner`). `force` (`--force`) writes there anyway.
 */
export function checkRunFolder(dir: string, owner: RunOwner, force: boolean): void {
  if (force) return;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    // New (or not a folder: writing it says why).
    return;
  }
  // A killed run's temporary files are nnc's own; the run removes them.
  const present = entries.filter((name) => !isTempFileName(name)).sort();
  if (present.length === 0) return;
  if (recordedOwner(dir) === null) {
    const list = (names: readonly string[]) => (names.length > 10 ? `${names.slice(0, 10).join(", ")} and ${names.length - 10} more` : names.join(", "));
    const why = present.includes("settings.json") ? "its settings.json is not one an nnc run wrote" : "it has no settings.json of an nnc run";
    const replaced = present.filter((name) => RUN_FILES.has(name) || PART_FOLDER.test(name));
    const effect = replaced.length > 0 ? `a run there would replace ${list(replaced)}` : "a run there would mix its files with them";
    throw new RunFolderInUse(
      `${shown(dir)} is not an nnc run folder (${why}) and is not empty: it holds ${list(present)}; ${effect}; train into a new or empty folder with --run-dir DIR (\`runDir\` in trainL's options), or give --force (\`force: true\`) to write there anyway`,
    );
  }
  checkRunFolderOwner(dir, owner);
}

/**
 * Refuses (`RunFolderInUse`) a run folder whose `settings.json` records a run of a training from
 * another source file, or of another training of the same file: the run would overwrite its model,
 * report and checkpoint. A folder without one (new, or written by an older nnc) is free.
 */
export function checkRunFolderOwner(dir: string, owner: RunOwner): void {
  const recorded = recordedOwner(dir);
  if (recorded === null) return;
  const how = `give this training another label, or train into another folder with --run-dir DIR (\`runDir\` in trainL's options), or delete ${shown(dir)} (or give --force) to replace that run`;
  if (typeof recorded.sourcePath === "string" && resolve(recorded.sourcePath) !== resolve(owner.sourcePath)) {
    throw new RunFolderInUse(`${shown(dir)} holds a run of training \`${recorded.label ?? owner.label}\` from another file, ${shown(recorded.sourcePath)}; ${how}`);
  }
  if (typeof recorded.sourcePath === "string" && typeof recorded.label === "string" && recorded.label !== owner.label) {
    throw new RunFolderInUse(`${shown(dir)} holds a run of another training of ${shown(owner.sourcePath)}, \`${recorded.label}\`; ${how}`);
  }
}

/**
 * What actually ran, beside the file's settings (`settings.json` and `report.json` record it):
 * `--epochs` and `--limit` override the file, and the backend is chosen at run time.
 */
export interface RanFacts {
  /** The epochs asked for: `--epochs` (trainL's `epochs`), else the training's; null at a search's level when `epochs` is searched. */
  readonly epochs: number | null;
  /** `--limit`: the training examples were capped at this many; null without it. */
  readonly limit: number | null;
  readonly backend: string;
  /** The backend line the run printed: `nnc's native kernels (native TensorFlow is not installed)`. */
  readonly backendLine: string;
  /** The native addon's threads, when the backend is `native`; null otherwise. */
  readonly threads: number | null;
  /** When this run (or member, fold, trial) started, as an ISO 8601 time. */
  readonly startedAt: string;
  /** The examples of each part; null until the data is read (the run folder's first settings.json). */
  readonly examples: { readonly train: number; readonly validation: number; readonly test: number } | null;
}

/** Writes `settings.json`: which training ran (label and source), its settings and what ran. */
export function writeRunSettings(dir: string, owner: RunOwner, settings: ResolvedTraining, args: ModelArguments | null, ran: RanFacts): void {
  const record = { label: owner.label, source: owner.source, sourcePath: owner.sourcePath, settings, ...(args ? { modelArguments: args } : {}), ran };
  writeFileAtomic(join(dir, "settings.json"), `${JSON.stringify(record, null, 2)}\n`);
}

/** Writes `report.json`: the typed report with what ran. */
export function writeReportJson(dir: string, report: TrainingReport, ran: RanFacts): void {
  writeFileAtomic(join(dir, "report.json"), `${JSON.stringify({ ...report, ran }, null, 2)}\n`);
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
  start(owner: RunOwner, settings: ResolvedTraining, args: ModelArguments, ran: RanFacts, summary: ModelSummaryRecord): void {
    makeFolder(this.dir);
    removeStaleTempFiles(this.dir);
    removeStaleTempFiles(this.checkpointDir);
    writeFileAtomic(this.metricsPath, "");
    writeRunSettings(this.dir, owner, settings, args, ran);
    writeFileAtomic(join(this.dir, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
  }

  /** Appends the epoch's line and writes `report.html` again, so that it always shows the run so far. */
  appendEpoch(record: EpochRecord): void {
    appendToFile(this.metricsPath, `${JSON.stringify(record)}\n`);
    writeReport(this.dir);
  }

  /** One line, no fsync: a step line is for watching a run, and a lost one costs nothing. */
  appendStep(record: StepRecord): void {
    appendToFile(this.metricsPath, `${JSON.stringify(record)}\n`);
  }

  /**
   * Writes the file again as `history` says: its epoch records, each after the step lines already
   * written for that epoch. Step lines of an epoch not in the history (the one an interruption
   * discarded) go.
   */
  rewriteHistory(history: readonly EpochRecord[]): void {
    const stepLines = new Map<number, string[]>();
    if (existsSync(this.metricsPath)) {
      for (const line of readFileSync(this.metricsPath, "utf8").split("\n")) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(line);
        } catch {
          continue;
        }
        if (!isStepRecord(parsed)) continue;
        const lines = stepLines.get(parsed.epoch) ?? [];
        lines.push(line);
        stepLines.set(parsed.epoch, lines);
      }
    }
    const text = history.map((r) => [...(stepLines.get(r.epoch) ?? []), JSON.stringify(r)].map((line) => `${line}\n`).join("")).join("");
    writeFileAtomic(this.metricsPath, text);
  }

  saveModel(model: tf.LayersModel): Promise<string> {
    return saveModel(model, this.dir);
  }

  finish(report: TrainingReport, settings: ResolvedTraining, ran: RanFacts): void {
    writeReportJson(this.dir, report, ran);
    writeReport(this.dir, report.interrupted ? [interruptionNote(report)] : []);
  }
}

/** The report's note on an interrupted run: when it stopped, and which epoch its files hold. */
export function interruptionNote(report: TrainingReport): string {
  const i = report.interrupted!;
  const what = i.signal === "SIGINT" ? "interrupted (Ctrl-C)" : i.signal === "SIGTERM" ? "terminated (SIGTERM)" : "stopped by the program";
  const part = i.part ? ` of ${i.part}` : "";
  if (i.lastCompleted === null) return `${what} ${interruptedWhen(i)}${part}, before any epoch of it finished: no model or checkpoint of it was saved`;
  const kept = i.keptEpoch !== null && i.keptEpoch !== i.lastCompleted ? `the model holds the weights of epoch ${i.keptEpoch} (early stopping's best so far)` : `the model holds the weights of epoch ${i.lastCompleted}`;
  return `${what} ${interruptedWhen(i)}${part}: this report ends with epoch ${i.lastCompleted}, ${kept}, no test metrics were measured; running the training again resumes after epoch ${i.lastCompleted}`;
}
