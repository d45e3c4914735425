/**
 * `nnc train FILE [--train LABEL] [--epochs N] [--limit N] [--backend B] [--run-dir DIR]`: checks
 * the file, generates its module, and runs one training in this process.
 */
import { dirname, resolve } from "node:path";
import { checkProgram } from "../check.js";
import { generateModule } from "../codegen/emit-module.js";
import { importGeneratedModule } from "../codegen/load-module.js";
import { sourceName } from "../codegen/compile-file.js";
import { hasErrors } from "../diagnostics/diagnostic.js";
import { requireFiles, writeDiagnostics } from "./check-command.js";
import { describeFailure } from "./compile-command.js";
import { parseOptions, UsageError, type CommandIO } from "./io.js";
import type { TrainingReport, TrainOptions } from "../../runtime/program.js";
import { requestedBackend } from "../../runtime/backend.js";
import { describeMetrics } from "../../runtime/metric-format.js";

function positiveInteger(value: string | boolean | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer, not \`${String(value)}\``);
  return n;
}

/** The line a finished training ends with: test metrics, which epoch's weights were kept, speed, where. */
function summaryLine(report: TrainingReport): string {
  const test = report.test ? describeMetrics(report.test, "test ") : "no test data";
  const several = report.members ?? report.folds?.runs ?? null;
  const best = report.bestEpoch !== null && report.bestEpoch !== report.keptEpoch ? ` (the best validation epoch was ${report.bestEpoch})` : "";
  const kept = several ? `${several.length} networks` : report.keptEpoch === null ? "no epochs trained" : `kept the weights of epoch ${report.keptEpoch}${best}`;
  return `${report.label}: ${test}; ${kept}; ${report.seconds.perEpoch.toFixed(1)} s per epoch; run folder ${report.runDir}`;
}


export async function runTrain(args: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseOptions(args, {
    train: { type: "string" },
    epochs: { type: "string" },
    limit: { type: "string" },
    backend: { type: "string" },
    "run-dir": { type: "string" },
  });
  requireFiles(positionals, 1);
  const file = positionals[0];
  const epochs = positiveInteger(values.epochs, "--epochs");
  const limit = positiveInteger(values.limit, "--limit");
  try {
    requestedBackend(values.backend as string | undefined);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const result = checkProgram([file]);
  writeDiagnostics(result, io);
  if (hasErrors(result.diagnostics)) return 1;
  const trainings = result.trainings.filter((t) => resolve(t.file) === resolve(file));
  if (trainings.length === 0) throw new UsageError(`${file} has no \`train\` block`);
  const wanted = values.train as string | undefined;
  const training = wanted === undefined ? (trainings.length === 1 ? trainings[0] : undefined) : trainings.find((t) => t.name === wanted);
  if (!training) {
    const labels = trainings.map((t) => t.name).join(", ");
    throw new UsageError(wanted === undefined ? `${file} has several trainings; choose one with --train (${labels})` : `no training labelled \`${wanted}\` in ${file}; it has ${labels}`);
  }
  const generated = await generateModule({ result, file: training.file, sourceName: sourceName(file) });
  // Another training that cannot be generated does not stop this one.
  const failure = generated.failures.find((f) => f.kind === "training" && f.name === training.name);
  if (failure) {
    io.stderr(`${describeFailure(failure)}\n`);
    return 1;
  }
  const module = await importGeneratedModule(generated.text);
  const run = module[generated.names.trainings.get(training.name)!.train] as (options: TrainOptions) => Promise<TrainingReport>;
  const options: TrainOptions = {
    epochs,
    limit,
    backend: values.backend as string | undefined,
    runDir: values["run-dir"] as string | undefined,
    baseDir: dirname(resolve(file)),
  };
  try {
    const report = await run(options);
    io.stdout(`${summaryLine(report)}\n`);
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const known = error instanceof Error && ["DataError", "TrainingDiverged", "WriteError"].includes(error.name);
    io.stderr(`error: training ${training.name} failed: ${message}\n`);
    if (!known && error instanceof Error && error.stack && process.env.NNC_DEBUG) io.stderr(`${error.stack}\n`);
    return 1;
  }
}
