/**
 * Loads a generated module into this process, for `nnc train`: the TypeScript is transpiled (types
 * were checked when the module was emitted from a checked program) and its runtime import is
 * pointed at this installation's runtime, so it runs wherever the source lives.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ts } from "ts-morph";
import { RUNTIME_MODULE } from "./emit-module.js";

/** The built runtime of this installation (from `dist/compiler/codegen/` or, under tests, `compiler/codegen/`). */
export const RUNTIME_ENTRY = runtimeEntry();

function runtimeEntry(): URL {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return pathToFileURL(join(dir, "dist", "runtime", "index.js"));
}

/** A generated module written, linked to this installation's runtime, to a temporary file; `remove` deletes it. */
export interface GeneratedModuleFile {
  readonly path: string;
  remove(): void;
}

/** Writes the module for a process to import, as `nnc train --jobs N`'s workers do (runtime/session/parts.ts). */
export function writeGeneratedModule(text: string): GeneratedModuleFile {
  const js = ts.transpileModule(text, {
    compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const linked = js.split(JSON.stringify(RUNTIME_MODULE)).join(JSON.stringify(RUNTIME_ENTRY.href));
  const dir = mkdtempSync(join(tmpdir(), "nnc-train-"));
  const path = join(dir, "module.mjs");
  writeFileSync(path, linked);
  return generatedModuleAt(path);
}

/** The module file `writeGeneratedModule` wrote at `path`, as another thread may pass it on. */
export function generatedModuleAt(path: string): GeneratedModuleFile {
  return { path, remove: () => rmSync(dirname(path), { recursive: true, force: true }) };
}

export async function importGeneratedModule(text: string): Promise<Record<string, unknown>> {
  const file = writeGeneratedModule(text);
  try {
    return (await import(pathToFileURL(file.path).href)) as Record<string, unknown>;
  } finally {
    file.remove();
  }
}
