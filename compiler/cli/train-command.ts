/**
 * `nnc train FILE [--train LABEL] [--epochs N] [--limit N] [--backend B] [--run-dir DIR] [--force] [--jobs N] [--verbose]`:
 * checks the file, generates its module, and runs one training in this process (with `--jobs N`,
 * its trials, members or folds in N worker processes that import the module from a temporary file).
 *
 * The runtime logs the run on stderr and ends it with the summary line; the command prints that
 * line on stdout too, for scripts, unless stdout and stderr are both the terminal (then it would be
 * read twice). Ctrl-C stops at the end of the step (runtime/session/interrupt.ts): the command then says how
 * to resume and exits 130 (143 for SIGTERM).
 */
import { dirname, relative, resolve, sep } from "node:path";
import { checkProgram } from "../check/check.js";
import { generateModule } from "../codegen/emit-module.js";
import { importGeneratedModule, writeGeneratedModule, type GeneratedModuleFile } from "../codegen/load-module.js";
import { sourceName } from "../codegen/compile-file.js";
import { hasErrors } from "../diagnostics/diagnostic.js";
import { requireFiles, writeDiagnostics } from "./check-command.js";
import { describeFailure } from "./compile-command.js";
import { parseOptions, UsageError, type CommandIO } from "./io.js";
import type { OutputStream, TrainingReport, TrainOptions } from "../../runtime/core/program.js";
import { requestedBackend } from "../../runtime/kernels/backend.js";
import { summaryLine } from "../../runtime/session/report-line.js";
import type { JobsOptions } from "../../runtime/session/parts.js";
import { parseRedisAddress, reachable, type RedisAddress } from "../../runtime/queue/redis-address.js";
import { DEFAULT_QUEUE } from "../../runtime/queue/queue-names.js";
import { QueueDetached, queueDispatcher, type QueueDispatcher } from "../../runtime/queue/submit.js";
import { buildId } from "./build-id.js";

export function positiveInteger(value: string | boolean | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer, not \`${String(value)}\``);
  return n;
}

/** Where the run's log goes, and whether stdout is the same terminal (tests pass a fake one). */
export interface TrainTerminal {
  /** The runtime's log and progress (process.stderr). */
  readonly output: OutputStream;
  /** Whether stdout is a terminal. */
  readonly stdoutIsTTY: boolean;
}

/** `nnc train …` again with the same file, label and options: it resumes from the checkpoint. */
function resumeCommand(file: string, label: string, values: Record<string, string | boolean | undefined>): string {
  const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`);
  const words = ["nnc", "train", file, "--train", label];
  for (const flag of ["epochs", "limit", "backend", "run-dir", "jobs"]) {
    const value = values[flag];
    if (typeof value === "string") words.push(`--${flag}`, value);
  }
  return words.map(quote).join(" ");
}

export async function runTrain(args: string[], io: CommandIO): Promise<number> {
  return runTrainOn(args, io, { output: process.stderr, stdoutIsTTY: process.stdout.isTTY === true });
}

export async function runTrainOn(args: string[], io: CommandIO, terminal: TrainTerminal): Promise<number> {
  const { values, positionals } = parseOptions(args, {
    train: { type: "string" },
    epochs: { type: "string" },
    limit: { type: "string" },
    backend: { type: "string" },
    "run-dir": { type: "string" },
    force: { type: "boolean" },
    jobs: { type: "string" },
    queue: { type: "string" },
    "queue-name": { type: "string" },
    verbose: { type: "boolean" },
  });
  requireFiles(positionals, 1);
  const file = positionals[0];
  const epochs = positiveInteger(values.epochs, "--epochs");
  const limit = positiveInteger(values.limit, "--limit");
  const jobs = positiveInteger(values.jobs, "--jobs") ?? 1;
  try {
    requestedBackend(values.backend as string | undefined);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  let address: RedisAddress | null = null;
  try {
    address = typeof values.queue === "string" ? parseRedisAddress(values.queue) : null;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values["queue-name"] !== undefined && !address) throw new UsageError("--queue-name names a queue on the Redis server that --queue gives; add --queue redis://HOST:PORT");
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
  const trainExport = generated.names.trainings.get(training.name)!.train;
  const run = module[trainExport] as (options: TrainOptions) => Promise<TrainingReport>;
  // Workers import the same module from a file, removed when the run ends.
  const moduleFile: GeneratedModuleFile | null = jobs > 1 && !address ? writeGeneratedModule(generated.text) : null;
  // A second Ctrl-C, or a reader that closed the pipe, ends the process by process.exit, past the
  // `finally` below: the file goes then too.
  const removeModuleFile = () => moduleFile?.remove();
  if (moduleFile) process.on("exit", removeModuleFile);
  let dispatcher: QueueDispatcher | null = null;
  if (address) {
    try {
      await reachable(address);
    } catch (error) {
      io.stderr(`error: ${(error as Error).message}\n`);
      return 1;
    }
    const { version, build } = buildId();
    const root = process.cwd();
    const portablePath = (path: string) => relative(root, path).split(sep).join("/");
    const sources = Object.fromEntries([...result.program.units].map(([path, unit]) => [portablePath(path), unit.text]));
    dispatcher = queueDispatcher({
      address,
      queue: (values["queue-name"] as string | undefined) ?? DEFAULT_QUEUE,
      version,
      build,
      root,
      sources,
      file: portablePath(resolve(training.file)),
      training: training.name,
      overrides: { ...(epochs ? { epochs } : {}), ...(limit ? { limit } : {}), ...(values.backend ? { backend: values.backend as string } : {}) },
    });
  }
  const options: JobsOptions = {
    epochs,
    limit,
    backend: values.backend as string | undefined,
    runDir: values["run-dir"] as string | undefined,
    force: values.force === true,
    baseDir: dirname(resolve(file)),
    output: terminal.output,
    verbose: values.verbose === true,
    jobs,
    partModule: moduleFile ? { file: moduleFile.path, train: trainExport } : undefined,
    dispatcher: dispatcher ?? undefined,
  };
  try {
    const report = await run(options);
    await dispatcher?.finish();
    dispatcher = null;
    // The runtime's log ended with this line already; on one terminal, once is enough.
    if (!(terminal.stdoutIsTTY && terminal.output.isTTY === true)) io.stdout(`${summaryLine(report)}\n`);
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof Error && error.name === "TrainingInterrupted") {
      // The runtime said what it saved and where; a run with a finished epoch resumes from its checkpoint.
      const { exitCode, report } = error as Error & { exitCode: number; report: TrainingReport };
      if (report.interrupted?.lastCompleted != null) io.stderr(`resume with: ${resumeCommand(file, training.name, values)}\n`);
      return exitCode;
    }
    if (error instanceof QueueDetached) {
      io.stderr(`${message}\n`);
      return error.exitCode;
    }
    if (error instanceof Error && error.name === "RunFolderInUse") {
      io.stderr(`error: ${message}\n`);
      return 1;
    }
    const known = error instanceof Error && ["DataError", "TrainingDiverged", "WriteError", "QueuedPartFailed", "ArtifactError"].includes(error.name);
    io.stderr(`error: training ${training.name} failed: ${message}\n`);
    if (!known && error instanceof Error && error.stack && process.env.NNC_DEBUG) io.stderr(`${error.stack}\n`);
    return 1;
  } finally {
    moduleFile?.remove();
    process.off("exit", removeModuleFile);
    await dispatcher?.close();
  }
}
