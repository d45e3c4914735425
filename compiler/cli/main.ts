/**
 * The `nnc` command line: a thin adapter over the compiler. Exit codes: 0 success, 1 errors in the
 * sources (or a failed training, or a run folder or data that cannot be used), 2 a usage error, 70
 * an internal error (a bug in nnc; `INTERNAL_ERROR_EXIT`).
 */
import { didYouMean } from "../diagnostics/suggest.js";
import { runCheck } from "./check-command.js";
import { runFmt } from "./fmt-command.js";

import { runSummary } from "./summary-command.js";
import { UsageError, type CommandIO, defaultIO } from "./io.js";

/** Each command's synopsis and what it does, in the order `nnc help` lists them. */
const COMMAND_USAGE: Record<string, readonly [synopsis: string, purpose: string]> = {
  check: ["nnc check FILES… [--format text|json]", "check sources, report diagnostics"],
  summary: ["nnc summary FILE [--model M] [--format text|json]", "layers, output shapes and parameter counts"],
  compile: ["nnc compile FILES… --out-dir DIR [--watch]", "generate one TypeScript training module per source"],
  train: [
    "nnc train FILE [--train LABEL] [--epochs N] [--limit N] [--backend tensorflow|native|cpu] [--run-dir DIR] [--force] [--jobs N] [--queue redis://HOST:PORT [--queue-name NAME]] [--verbose]",
    "compile and run a training (NNC_BACKEND also chooses the backend)",
  ],
  evaluate: ["nnc evaluate RUN [--data PATH[,PATH…]] [--format text|json]", "measure a trained model on its run's test part, or on other labelled files"],
  predict: ["nnc predict RUN INPUTS… [--format csv|json] [--out FILE] [--force]", "predict with a trained model on new files (CSV, JSON, NPY, IDX, images)"],
  worker: ["nnc worker --queue redis://HOST:PORT [--queue-name NAME] [--root DIR] [--threads N] [--stall-seconds S]", "train the parts of sweeps submitted with nnc train --queue, on this machine"],
  board: ["nnc board [DIR] [--port P] [--host H]", "a local web page of the runs under DIR (default runs/): live learning curves, comparisons, trials"],
  fmt: ["nnc fmt FILES… [--check]", "format sources in place (--check: only report)"],
  lsp: ["nnc lsp --stdio", "run the language server (for editors)"],
};

const EXIT_CODES = "Exit codes: 0 success, 1 errors in the sources, a failed training, a bad run folder or data, 2 a usage error, 70 an internal error, 130 a training stopped by Ctrl-C (143 by SIGTERM).";

/**
 * The exit code of an exception no command expected: EX_SOFTWARE of sysexits(3), so that scripts
 * can tell a bug in nnc from errors in the sources (1) and mistakes in the command line (2).
 */
export const INTERNAL_ERROR_EXIT = 70;

/** More about a command than its synopsis, for `nnc help COMMAND`. */
const COMMAND_DETAILS: Record<string, string> = {
  train: `The run folder is runs/<label> (--run-dir DIR). It must be new, empty, or this training's
own run folder: a folder holding a run of another training (from another file, or another label),
or files nnc did not write, is refused before anything is written. The log goes to stderr and ends
with a summary line, which is also printed on stdout unless both are the terminal.

  --force         write the run folder even when it would be refused, replacing the files there
                  that a run writes (model.json, weights.bin, settings.json, report.html, …)
  --verbose       the backend line gives its details: kernels, oneDNN version, threads, and why
                  @tensorflow/tfjs-node did not load
  --jobs N        trains a search's trials, an ensemble's members or k folds in N worker
                  processes (floor(cores / N) threads each), with the serial run's results;
                  each worker's lines are prefixed with its part (trial 3/8:); default 1;
                  a bayesian search chooses N trials at a time (see docs/sweeps.md)
  --queue URL     submits the trials, members or folds as jobs to the Redis server at URL
                  (redis://HOST:PORT, redis://:PASSWORD@HOST:PORT, rediss:// for TLS), where
                  \`nnc worker\` processes on any machine train them; the results come back into
                  the run folder. Ctrl-C stops watching (the jobs go on); the same command again
                  attaches to them. --queue-name NAME picks a queue (default nnc)

Ctrl-C (or SIGTERM) stops at the end of the current step and saves the last finished epoch: the
model (its nnc-package.json says "interrupted": true), the report and a checkpoint; the same
command resumes. A second Ctrl-C quits at once. Exit code 130 (143 for SIGTERM).`,
  evaluate: `RUN is a run folder a training wrote (it holds nnc-package.json). Without --data, the run's
own test part is read again as the training read it; --data gives other labelled files in the
layout of the training's data source (comma-separated, or --data repeated): a CSV with the same
columns, a JSON file, NPY x and y files, IDX images and labels, an image folder with one subfolder
per class; for a model trained on mnist, IDX images,labels or one such image folder.
Prints the metrics the training reported (an ensemble's are those of its vote) and, for each class
output, precision, recall, F1 and support per class and the confusion matrix.

  --format json   { "run", "data", "count", "metrics", "classes": [per class output: confusion,
                  perClass, accuracy, macro, weighted] }; notes go to stderr`,
  board: `Serves a page (http://127.0.0.1:6007/ by default) that lists every run folder under DIR as
it appears and shows its learning curves as they grow, the model's layers and parameters, the
settings in .nn syntax, a search's trials ranked, an ensemble's members, k-fold folds and the test
metrics; tick several runs to overlay them and see the settings that differ. Each run's
report.html is the same page, frozen. Runs until Ctrl-C (exit 130; SIGTERM 143); see docs/board.md.

  --port P        the port (default 6007; 0 picks a free one)
  --host H        the address to listen on (default 127.0.0.1, this machine only); another
                  address lets other machines read the runs`,
  worker: `Takes jobs from the queue one at a time and trains each in a process of its own. A job
brings its .nn sources, checked and compiled here; its data paths are read under --root (default
the working folder), so each worker needs the training's data files at the same relative paths as
the submitter (built-in data sets such as mnist come with nnc). A job from another build of nnc,
or one that is not a well-formed nnc job, is refused with a message. After every epoch the part's
folder and checkpoint are copied to Redis: if this worker dies, another worker takes the job over
after --stall-seconds (default 30) and resumes it from its last epoch. Ctrl-C stops the running
part at the end of its step and puts it back in the queue; a second Ctrl-C quits at once.

  --threads N        threads per part (default: all cores)
  --queue-name NAME  the queue to serve (default nnc)
  --max-jobs N       stop after N jobs`,
  predict: `INPUTS are files in the layout of the model's inputs; labels may be present (ignored) or not:
  .csv            the feature columns (the training's label columns are skipped if present)
  .json           examples with the input keys (x, or the inputs' names)
  .npy            one file per model input, in the model's input order
  IDX             an images file (.idx, *-idx3-ubyte)
  .png .jpg .jpeg images, and folders searched for them recursively, decoded as the training did

Output: one row per example: source, then per class output the predicted class (\`class\`, or the
output's name with several) and one probability column per class, p(<class>) (an ensemble: its
vote and its mean output); per real-valued output its value(s), <output> or <output>[i].

  --format csv    (default) RFC 4180 CSV with a header row
  --format json   an array of objects, probabilities as an object keyed by class name
  --out FILE      write FILE atomically instead of stdout; an existing FILE is kept unless --force`,
};

const USAGE = `nnc — a typed language for neural-network training

Usage:
${[...Object.values(COMMAND_USAGE), ["nnc help [COMMAND]", "this text, or one command's"] as const]
  .map(([synopsis, purpose]) => `  ${synopsis}\n      ${purpose}`)
  .join("\n")}

${EXIT_CODES}`;

function commandUsage(command: string): string {
  const [synopsis, purpose] = COMMAND_USAGE[command];
  const details = COMMAND_DETAILS[command] ? `\n${COMMAND_DETAILS[command]}\n\n` : "";
  return `Usage: ${synopsis}\n\n${purpose[0].toUpperCase()}${purpose.slice(1)}.\n${details}${EXIT_CODES}`;
}

/**
 * "unknown command `trian`; did you mean `train`?" for a mistyped command, as options get; without
 * a close command, the message and the list of commands.
 */
function unknownCommand(prefix: string, command: string): string {
  const guess = didYouMean(command, [...Object.keys(COMMAND_USAGE), "help"]);
  return guess ? `${prefix}: unknown command \`${command}\`; did you mean \`${guess}\`?\n` : `${prefix}: unknown command \`${command}\`\n\n${USAGE}\n`;
}

/** Whether `args` ask for help before any `--` that ends the options. */
function asksForHelp(args: readonly string[]): boolean {
  const end = args.indexOf("--");
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === "--help" || a === "-h");
}

const COMMANDS: Record<string, (args: string[], io: CommandIO) => Promise<number> | number> = {
  check: runCheck,
  summary: runSummary,
  fmt: runFmt,
  // Code generation, training, evaluation and prediction load ts-morph, prettier or TensorFlow.js: only when asked for.
  compile: async (args, io) => (await import("./compile-command.js")).runCompile(args, io),
  train: async (args, io) => (await import("./train-command.js")).runTrain(args, io),
  evaluate: async (args, io) => (await import("./evaluate-command.js")).runEvaluate(args, io),
  predict: async (args, io) => (await import("./predict-command.js")).runPredict(args, io),
  board: async (args, io) => (await import("./board-command.js")).runBoard(args, io),
  worker: async (args, io) => (await import("./worker-command.js")).runWorkerCommand(args, io),
  // The language server loads vscode-languageserver: only for editors.
  lsp: async (args, io) => (await import("./lsp-command.js")).runLsp(args, io),
};

/** Runs the command line `argv` (without `node` and the script) and returns the exit code. */
export async function main(argv: readonly string[], io: CommandIO = defaultIO()): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "help" && rest.length > 0) {
    if (!Object.hasOwn(COMMAND_USAGE, rest[0])) {
      io.stderr(unknownCommand("nnc help", rest[0]));
      return 2;
    }
    io.stdout(`${commandUsage(rest[0])}\n`);
    return 0;
  }
  if (!command || command === "help" || command === "--help" || command === "-h") {
    io.stdout(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  if (command === "--version" || command === "-v") {
    io.stdout("nnc 0.1.0\n");
    return 0;
  }
  const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!run) {
    io.stderr(unknownCommand("nnc", command));
    return 2;
  }
  if (asksForHelp(rest)) {
    io.stdout(`${commandUsage(command)}\n`);
    return 0;
  }
  try {
    return await run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`nnc ${command}: ${error.message}\n${commandUsage(command).split("\n")[0]}\n`);
      return 2;
    }
    return reportInternalError(command, error, io);
  }
}

/**
 * One line for the user instead of a stack trace, and a note that it is nnc's fault; the stack only
 * when NNC_DEBUG is set, for whoever fixes it.
 */
function reportInternalError(command: string, error: unknown, io: CommandIO): number {
  const message = error instanceof Error ? `${error.message || error.name}` : String(error);
  const debug = !!process.env.NNC_DEBUG;
  io.stderr(
    `nnc ${command}: internal error: ${message}\n` +
      `This is a bug in nnc, not in your files; please report it with the input that caused it${debug ? "." : " (NNC_DEBUG=1 shows where it happened)."}\n`,
  );
  if (debug && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
  return INTERNAL_ERROR_EXIT;
}
