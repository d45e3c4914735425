/** What must not change when a run's parts train elsewhere (--jobs, a queue): every part's metrics, and the run's. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { TrainingReport } from "../../runtime/core/program.js";

export function reportOf(dir: string): TrainingReport {
  return JSON.parse(readFileSync(join(dir, "report.json"), "utf8")) as TrainingReport;
}

/** Every metric of every part (trials, members, folds) and the run's test metrics, without times or paths. */
export function metricsOf(r: TrainingReport) {
  const parts = [...(r.trials ?? []), ...(r.members ?? []), ...(r.folds?.runs ?? [])];
  return {
    test: r.test,
    folds: r.folds && { validation: r.folds.validation, test: r.folds.test },
    best: r.trials?.[0]?.trial ?? null,
    parts: parts.map((p) => ({ test: p.test, seed: p.seed, history: p.history.map((e) => ({ train: e.train, validation: e.validation })) })),
  };
}
