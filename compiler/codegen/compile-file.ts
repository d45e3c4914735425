/**
 * Compiling sources to modules on disk: check, emit, and write each module only when its text
 * changed (so an unchanged source rewrites nothing and build tools see no change). A model or
 * training whose code cannot be generated is left out of its module and listed with the file.
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import { checkProgram, type CheckResult } from "../check/check.js";
import { hasErrors } from "../diagnostics/diagnostic.js";
import { makeFolder, writeFileAtomic } from "../../runtime/core/atomic.js";
import { generateModule, type CodegenFailure } from "./emit-module.js";

export interface CompiledFile {
  readonly source: string;
  readonly output: string;
  readonly written: boolean;
  /** Models and trainings left out of the module because their code could not be generated. */
  readonly failures: readonly CodegenFailure[];
}

export interface CompileOutcome {
  readonly result: CheckResult;
  /** Empty when the sources have errors: nothing is written then. */
  readonly files: readonly CompiledFile[];
}

/** `examples/net.nn` → `net.ts`. */
export function outputName(source: string): string {
  return `${basename(source).replace(/\.nn$/, "")}.ts`;
}

/** The source path as generated code names it: relative to the working directory, with `/`. */
export function sourceName(source: string): string {
  return relative(process.cwd(), resolve(source)).split("\\").join("/");
}

export async function compileFiles(sources: readonly string[], outDir: string): Promise<CompileOutcome> {
  const result = checkProgram(sources);
  if (hasErrors(result.diagnostics)) return { result, files: [] };
  makeFolder(outDir);
  const files: CompiledFile[] = [];
  for (const source of sources) {
    const root = result.program.roots.find((r) => resolve(r) === resolve(source)) ?? source;
    const { text, failures } = await generateModule({ result, file: root, sourceName: sourceName(source) });
    const output = join(outDir, outputName(source));
    const unchanged = existsSync(output) && readFileSync(output, "utf8") === text;
    if (!unchanged) writeFileAtomic(output, text);
    files.push({ source, output, written: !unchanged, failures });
  }
  return { result, files };
}
