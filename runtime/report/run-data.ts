/**
 * A run folder read as plain data for the page (`report.html` and `nnc board`): its settings, the
 * epoch and step lines of `metrics.jsonl`, the model summary, the final report when there is one,
 * and the same for its `member-i/`, `fold-i/` and `trial-NN/` subfolders, and a trial's `repeat-j/`
 * (a search with `repeats: k`). Works on a folder that is still being written or whose run was
 * killed: every file may be missing, half-written or stale.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isStepRecord, type EpochRecord, type StepRecord } from "../core/history.js";
import type { TrainingReport } from "../core/program.js";
import type { ResolvedTraining } from "../core/settings.js";
import { settingsSource } from "../core/settings-source.js";

/** How a run ran, as `settings.json` and `report.json` record it. */
export interface RanRecord {
  readonly epochs?: number;
  readonly limit?: number | null;
  readonly backend?: string;
  readonly backendLine?: string;
  readonly threads?: number | null;
  readonly startedAt?: string;
  readonly examples?: Readonly<Record<string, number>>;
}

/** `settings.json`. */
export interface SettingsFile {
  readonly label: string;
  readonly source: string;
  readonly sourcePath: string;
  readonly settings: ResolvedTraining;
  readonly modelArguments?: Readonly<Record<string, unknown>>;
  readonly ran?: RanRecord;
}

/** `summary.json`: the model's layers and parameter counts. */
export interface ModelSummaryFile {
  readonly model: string;
  readonly layers: readonly { readonly name: string; readonly kind: string; readonly output: unknown; readonly params: number; readonly trainable: number; readonly nonTrainable: number }[];
  readonly params: { readonly total: number; readonly trainable: number; readonly nonTrainable: number };
}

/** What a subfolder of a run is: a repeat is a subfolder of a trial (`trial-NN/repeat-j/`). */
export type RunPart = "run" | "member" | "fold" | "trial" | "repeat";

export interface RunData {
  /** The folder's path under the board's root, with `/` (a report's own run: its folder name). */
  readonly id: string;
  readonly part: RunPart;
  /** The training's label, else the folder's name. */
  readonly label: string;
  readonly settings: SettingsFile | null;
  /** Each setting as `.nn` text, by key: what the page shows and what runs are compared on. */
  readonly settingsText: Readonly<Record<string, string>> | null;
  readonly epochs: readonly EpochRecord[];
  /** The last step line after the last epoch line, while an epoch runs. */
  readonly step: StepRecord | null;
  readonly summary: ModelSummaryFile | null;
  /** `report.json`: null while the run runs, and after a kill. */
  readonly report: (TrainingReport & { readonly ran?: RanRecord }) | null;
  readonly children: readonly RunData[];
}

/** The parts a folder of each kind holds, as `<part>-<number>/` subfolders. */
const PARTS_OF: Readonly<Record<RunPart, readonly RunPart[]>> = { run: ["member", "fold", "trial"], trial: ["repeat"], member: [], fold: [], repeat: [] };
/** Subfolders that hold a part of a run (or of a trial), in the order the page lists them. */
const PART_FOLDER = /^(member|fold|trial|repeat)-(\d+)$/;

/** Reads a file's text, or null; the board passes one that refuses paths outside its folder. */
export type ReadText = (path: string) => string | null;

function readFileOrNull(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

function readJson<T>(read: ReadText, path: string): T | null {
  try {
    const value: unknown = JSON.parse(read(path) ?? "");
    return value !== null && typeof value === "object" ? (value as T) : null;
  } catch {
    // Missing, or caught mid-write by a reader that is not atomic: the next read will do.
    return null;
  }
}

/** Splits `metrics.jsonl` text into epoch records and step lines; a torn last line is skipped. */
export function parseMetricsLines(text: string): { epochs: EpochRecord[]; step: StepRecord | null } {
  const epochs: EpochRecord[] = [];
  let step: StepRecord | null = null;
  for (const line of text.split("\n")) {
    const parsed = parseMetricsLine(line);
    if (parsed === null) continue;
    if (isStep(parsed)) step = parsed;
    else {
      epochs.push(parsed);
      step = null;
    }
  }
  return { epochs, step };
}

/** One line of `metrics.jsonl`, or null when it is blank or not (yet) JSON. */
export function parseMetricsLine(line: string): EpochRecord | StepRecord | null {
  if (line.trim() === "") return null;
  try {
    const value: unknown = JSON.parse(line);
    if (value === null || typeof value !== "object") return null;
    const record = value as { kind?: unknown; epoch?: unknown };
    if (typeof record.epoch !== "number") return null;
    return value as EpochRecord | StepRecord;
  } catch {
    return null;
  }
}

export function isStep(record: EpochRecord | StepRecord): record is StepRecord {
  return isStepRecord(record);
}

function settingsTextOf(settings: SettingsFile | null): Readonly<Record<string, string>> | null {
  if (!settings?.settings) return null;
  try {
    return Object.fromEntries(Object.entries(settingsSource(settings.settings)));
  } catch {
    // Settings written by another nnc version: the page shows the rest of the run.
    return null;
  }
}

/**
 * The parts of a folder of the kind `of`: a run's (`member-1/`, `trial-03/`, …) or a trial's
 * (`repeat-1/`, …), numerically within each kind. Symbolic links are not followed: a part is a real
 * folder of the run.
 */
export function partFolders(dir: string, of: RunPart = "run"): { name: string; part: RunPart }[] {
  const kinds = PARTS_OF[of];
  if (kinds.length === 0) return [];
  let names: string[];
  try {
    names = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.isSymbolicLink()).map((e) => e.name);
  } catch {
    return [];
  }
  return names
    .map((name) => ({ name, match: PART_FOLDER.exec(name) }))
    .filter((e): e is { name: string; match: RegExpExecArray } => e.match !== null && kinds.includes(e.match[1] as RunPart))
    .sort((a, b) => a.match[1].localeCompare(b.match[1]) || Number(a.match[2]) - Number(b.match[2]))
    .map((e) => ({ name: e.name, part: e.match[1] as RunPart }));
}

/** Reads the run folder `dir` (and its parts, and theirs) as `id`. Never throws for a missing or torn file. */
export function readRun(dir: string, id: string, part: RunPart = "run", read: ReadText = readFileOrNull): RunData {
  const settings = readJson<SettingsFile>(read, join(dir, "settings.json"));
  const { epochs, step } = parseMetricsLines(read(join(dir, "metrics.jsonl")) ?? "");
  const folderName = id.split("/").at(-1) ?? id;
  return {
    id,
    part,
    label: part === "run" && typeof settings?.label === "string" ? settings.label : folderName,
    settings,
    settingsText: settingsTextOf(settings),
    epochs,
    step,
    summary: readJson<ModelSummaryFile>(read, join(dir, "summary.json")),
    report: readJson<TrainingReport & { ran?: RanRecord }>(read, join(dir, "report.json")),
    children: partFolders(dir, part).map((p) => readRun(join(dir, p.name), `${id}/${p.name}`, p.part, read)),
  };
}
