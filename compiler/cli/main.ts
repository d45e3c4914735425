/**
 * The `nnc` command line: a thin adapter over the compiler. Exit codes: 0 success, 1 errors in the
 * sources (or a failed training), 2 a usage error.
 */
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
    "nnc train FILE [--train LABEL] [--epochs N] [--limit N] [--backend tensorflow|native|cpu] [--run-dir DIR]",
    "compile and run a training (NNC_BACKEND also chooses the backend)",
  ],
  fmt: ["nnc fmt FILES… [--check]", "format sources in place (--check: only report)"],
  lsp: ["nnc lsp --stdio", "run the language server (for editors)"],
};

const EXIT_CODES = "Exit codes: 0 success, 1 errors in the sources or a failed training, 2 a usage error.";

const USAGE = `nnc — a typed language for neural-network training

Usage:
${[...Object.values(COMMAND_USAGE), ["nnc help [COMMAND]", "this text, or one command's"] as const]
  .map(([synopsis, purpose]) => `  ${synopsis}\n      ${purpose}`)
  .join("\n")}

${EXIT_CODES}`;

function commandUsage(command: string): string {
  const [synopsis, purpose] = COMMAND_USAGE[command];
  return `Usage: ${synopsis}\n\n${purpose[0].toUpperCase()}${purpose.slice(1)}.\n${EXIT_CODES}`;
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
  // Code generation and training load ts-morph, prettier and TensorFlow.js: only when asked for.
  compile: async (args, io) => (await import("./compile-command.js")).runCompile(args, io),
  train: async (args, io) => (await import("./train-command.js")).runTrain(args, io),
  // The language server loads vscode-languageserver: only for editors.
  lsp: async (args, io) => (await import("./lsp-command.js")).runLsp(args, io),
};

/** Runs the command line `argv` (without `node` and the script) and returns the exit code. */
export async function main(argv: readonly string[], io: CommandIO = defaultIO()): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "help" && rest.length > 0) {
    if (!COMMAND_USAGE[rest[0]]) {
      io.stderr(`nnc help: unknown command \`${rest[0]}\`\n\n${USAGE}\n`);
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
  const run = COMMANDS[command];
  if (!run) {
    io.stderr(`nnc: unknown command \`${command}\`\n\n${USAGE}\n`);
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
    throw error;
  }
}
