/**
 * A queue job's sources checked and compiled as `nnc train` would, as if they were at their paths
 * under the worker's root (data files are read from disk there). The result is plain data, so the
 * compiling can happen on a thread of its own (prepare-in-thread.ts).
 */
import { dirname, resolve } from "node:path";
import { checkProgram, type CheckHost } from "../../check/check.js";
import { generateModule } from "../../codegen/emit-module.js";
import { writeGeneratedModule } from "../../codegen/load-module.js";
import { sourceName } from "../../codegen/compile-file.js";
import { hasErrors } from "../../diagnostics/diagnostic.js";
import { renderDiagnostics } from "../../diagnostics/render.js";
import { describeFailure } from "../compile-command.js";
import type { JobPayload } from "../../../runtime/queue/job-payload.js";

/** A compiled job: the generated module's file (in a temporary folder of its own), its training's export and the folder data paths start from. */
export interface CompiledJob {
  readonly moduleFile: string;
  readonly train: string;
  readonly baseDir: string;
}

export async function compileJob(payload: JobPayload, root: string): Promise<CompiledJob> {
  const sources = new Map(Object.entries(payload.sources).map(([rel, text]) => [resolve(root, rel), text]));
  const host: CheckHost = { readFile: (path) => sources.get(resolve(path)) };
  const file = resolve(root, payload.file);
  const result = checkProgram([file], host);
  if (hasErrors(result.diagnostics)) {
    const shown = renderDiagnostics(result.diagnostics.filter((d) => d.severity === "error").slice(0, 5), (f) => result.program.units.get(f)?.text, { color: false });
    throw new Error(`its sources have errors here:\n${shown}`);
  }
  const training = result.trainings.find((t) => resolve(t.file) === file && t.name === payload.training);
  if (!training) throw new Error(`${payload.file} has no training labelled \`${payload.training}\``);
  const generated = await generateModule({ result, file: training.file, sourceName: sourceName(payload.file) });
  const failure = generated.failures.find((f) => f.kind === "training" && f.name === training.name);
  if (failure) throw new Error(describeFailure(failure));
  const module = writeGeneratedModule(generated.text);
  return { moduleFile: module.path, train: generated.names.trainings.get(training.name)!.train, baseDir: dirname(file) };
}
