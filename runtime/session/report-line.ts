/**
 * The lines a run ends with, composed here for the runtime's log and for `nnc train` alike: the
 * summary of a finished run, and where an interrupted run left its files.
 */
import { join } from "node:path";
import { describeMetrics } from "../core/metric-format.js";
import { interruptedWhen, type Interruption, type TrainingReport } from "../core/program.js";

/** The line a finished training ends with: test metrics, which epoch's weights were kept, speed, where. */
export function summaryLine(report: TrainingReport): string {
  const test = report.test ? describeMetrics(report.test, "test ") : "no test data";
  const several = report.members ?? report.folds?.runs ?? null;
  const best = report.bestEpoch !== null && report.bestEpoch !== report.keptEpoch ? ` (the best validation epoch was ${report.bestEpoch})` : "";
  const kept = several ? `${several.length} networks` : report.keptEpoch === null ? "no epochs trained" : `kept the weights of epoch ${report.keptEpoch}${best}`;
  return `${report.label}: ${test}; ${kept}; ${report.seconds.perEpoch.toFixed(1)} s per epoch; run folder ${report.runDir}`;
}

function verb(signal: string): string {
  return signal === "SIGINT" ? "interrupted" : signal === "SIGTERM" ? "terminated" : "stopped";
}

/**
 * What an interrupted run says before it exits: when it stopped, which epoch it kept, and where the
 * model, the report and the checkpoint are (the command adds how to resume).
 */
export function interruptedLines(report: TrainingReport & { readonly interrupted: Interruption }): string[] {
  const i = report.interrupted;
  const during = `${report.label}: ${verb(i.signal)} ${interruptedWhen(i, true)}${i.part ? ` (${i.part})` : ""}`;
  const reportLine = `  report:     ${join(report.runDir, "report.html")}`;
  if (i.lastCompleted === null || i.model === null) return [`${during}, before it finished: no model or checkpoint was saved`, reportLine];
  const best = i.keptEpoch !== null && i.keptEpoch !== i.lastCompleted ? ` (early stopping's best so far; the last finished epoch is ${i.lastCompleted})` : "";
  const lines = [`${during}; kept the weights of epoch ${i.keptEpoch ?? i.lastCompleted}${best}`, `  model:      ${i.model} (nnc-package.json says "interrupted": true)`, reportLine];
  if (i.checkpoint) lines.push(`  checkpoint: ${i.checkpoint} (epoch ${i.lastCompleted})`);
  return lines;
}
