/** What commands read and write, so tests can run them in-process. */
import { parseArgs, type ParseArgsConfig } from "node:util";

export interface CommandIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether diagnostics on stderr may use ANSI colors. */
  readonly color: boolean;
}

export function defaultIO(): CommandIO {
  const color = process.env.NO_COLOR === undefined && (process.env.FORCE_COLOR !== undefined || !!process.stderr.isTTY);
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    color,
  };
}

/** A mistake in the command line itself: exit code 2. */
export class UsageError extends Error {}

/** Parses options strictly, turning parse failures into usage errors. */
export function parseOptions(
  args: string[],
  options: NonNullable<ParseArgsConfig["options"]>,
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** Reads `--format`, which is `text` or `json`. */
export function formatOption(value: string | undefined): "text" | "json" {
  if (value === undefined || value === "text") return "text";
  if (value === "json") return "json";
  throw new UsageError(`--format must be \`text\` or \`json\`, not \`${value}\``);
}
