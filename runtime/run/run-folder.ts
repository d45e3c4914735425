/**
 * The run folder a training writes: `metrics.jsonl` (one line per epoch), `model.json` +
 * `weights.bin` (the trained model in the tfjs layers format), `report.html` (learning curves and,
 * when monitored, per-layer norms), `report.json` (the typed report) and `checkpoint/`.
 */
import type * as tf from "@tensorflow/tfjs";

import { join } from "node:path";
import type { EpochRecord } from "../history.js";
import type { ModelArguments, TrainingReport } from "../program.js";
import { renderReport } from "../report/report.js";
import type { ResolvedTraining } from "../settings.js";
import { appendToFile, makeFolder, removeStaleTempFiles, writeFileAtomic } from "./atomic.js";
import { saveModel } from "./save-model.js";

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
  start(settings: ResolvedTraining, args: ModelArguments): void {
    makeFolder(this.dir);
    removeStaleTempFiles(this.dir);
    removeStaleTempFiles(this.checkpointDir);
    writeFileAtomic(this.metricsPath, "");
    writeFileAtomic(join(this.dir, "settings.json"), `${JSON.stringify({ settings, modelArguments: args }, null, 2)}\n`);
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
    if (report.resumedFrom !== null) notes.push(`resumed from the checkpoint of epoch ${report.resumedFrom}`);
    for (const [i, m] of (report.members ?? []).entries()) notes.push(`member ${i + 1} (seed ${m.seed}): ${describe(m.test)}`);
    if (report.members) notes.push(`the ensemble's vote: ${describe(report.test)}; curves below are member 1's`);
    for (const t of report.trials ?? []) notes.push(`trial ${t.trial}: ${Object.entries(t.chosen).map(([k, v]) => `${k} = ${String(v)}`).join(", ")} → objective ${t.objective ?? "n/a"}`);
    if (report.trials) notes.push(`curves below are the best trial's (trial ${report.trials[0]?.trial})`);
    const html = renderReport({
      title: `${report.label} — nnc training report`,
      source: report.source,
      label: report.label,
      backend: `${report.backend.name} (${report.backend.reason})`,
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
