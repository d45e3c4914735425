/** What commands read and write, so tests can run them in-process. */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { didYouMean } from "../diagnostics/suggest.js";

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
    throw new UsageError(optionErrorMessage(error, options));
  }
}

/** Node's parser explains `--` at length; say which option is unknown and what was meant. */
function optionErrorMessage(error: unknown, options: NonNullable<ParseArgsConfig["options"]>): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string }).code;
  const unknown = /^Unknown option '([^']+)'/.exec(message)?.[1];
  if (code !== "ERR_PARSE_ARGS_UNKNOWN_OPTION" || unknown === undefined) return message;
  const known = Object.keys(options).map((name) => `--${name}`);
  const suggestion = didYouMean(unknown, known);
  if (suggestion) return `unknown option \`${unknown}\`; did you mean \`${suggestion}\`?`;
  return known.length ? `unknown option \`${unknown}\`; the options are ${known.map((k) => `\`${k}\``).join(", ")}` : `unknown option \`${unknown}\`; this command takes none`;
}

/** Reads `--format`, which is `text` or `json`. */
export function formatOption(value: string | undefined): "text" | "json" {
  if (value === undefined || value === "text") return "text";
  if (value === "json") return "json";
  throw new UsageError(`--format must be \`text\` or \`json\`, not \`${value}\``);
}
