/**
 * `nnc compile FILES… --out-dir DIR [--watch]`: one TypeScript module per source. With `--watch`,
 * recompiles when a source or a file it uses is saved, printing diagnostics as `nnc check` does.
 * A training whose code cannot be generated is left out of the module and reported (exit 1); the
 * module holds everything else.
 */
import { watch, type FSWatcher } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { CodegenError } from "../codegen/emit-layer.js";
import { compileFiles, outputName } from "../codegen/compile-file.js";
import type { CodegenFailure } from "../codegen/emit-module.js";
import { hasErrors } from "../diagnostics/diagnostic.js";
import { requireFiles, writeDiagnostics } from "./check-command.js";
import { parseOptions, UsageError, type CommandIO } from "./io.js";
import { exitCodeOf, onStopSignals } from "../../runtime/session/stop-signals.js";

async function compileOnce(sources: readonly string[], outDir: string, io: CommandIO): Promise<{ code: number; watched: string[] }> {
  try {
    const outcome = await compileFiles(sources, outDir);
    writeDiagnostics(outcome.result, io);
    const watched = [...outcome.result.program.units.keys()];
    if (hasErrors(outcome.result.diagnostics)) {
      io.stderr("nothing written: fix the errors above\n");
      return { code: 1, watched };
    }
    for (const f of outcome.files) {
      io.stderr(`${f.written ? "wrote" : "unchanged"} ${f.output}\n`);
      for (const failure of f.failures) io.stderr(`${describeFailure(failure)}\n`);
    }
    return { code: outcome.files.some((f) => f.failures.length > 0) ? 1 : 0, watched };
  } catch (error) {
    if (error instanceof CodegenError) {
      io.stderr(`error: cannot generate code: ${error.message}\n`);
      return { code: 1, watched: [...sources] };
    }
    throw error;
  }
}

/** `error: cannot generate training L: …`, as `nnc compile` and `nnc train` print it. */
export function describeFailure(failure: CodegenFailure): string {
  return `error: cannot generate ${failure.kind} ${failure.name}: ${failure.message}`;
}

export async function runCompile(args: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseOptions(args, { "out-dir": { type: "string" }, watch: { type: "boolean" } });
  const sources = requireFiles(positionals);
  const outDir = values["out-dir"] as string | undefined;
  if (!outDir) throw new UsageError("--out-dir DIR is required: where the generated modules go");
  const names = sources.map(outputName);
  const clash = names.find((n, i) => names.indexOf(n) !== i);
  if (clash) throw new UsageError(`two sources would both compile to ${clash}; compile them into different --out-dir folders`);
  const first = await compileOnce(sources, outDir, io);
  if (!values.watch) return first.code;
  return watchSources(sources, outDir, first.watched, io);
}

/**
 * Watches until Ctrl-C (exit 130) or SIGTERM (143); each save triggers one recompilation (saves within 100 ms coalesce).
 * The watchers are on the files' folders, not on the files: an editor that saves by writing a new
 * file and renaming it over the old one (Vim, `sed -i`, many IDEs) replaces the file a watcher on
 * it would follow, and every later save would go unseen.
 */
function watchSources(sources: readonly string[], outDir: string, initial: readonly string[], io: CommandIO): Promise<number> {
  return new Promise((done) => {
    // One watcher per folder, kept across compilations: closing and re-opening them would leave a
    // moment in which a save goes unseen.
    const watchers = new Map<string, FSWatcher>();
    let wanted = new Set<string>();
    let timer: NodeJS.Timeout | undefined;
    let running = false;
    // A save during a compilation is not lost: it triggers one more compilation afterwards.
    let pending = false;
    const arm = (files: readonly string[]) => {
      wanted = new Set(files.map((f) => resolve(f)));
      const folders = new Set([...wanted].map((f) => dirname(f)));
      for (const [folder, watcher] of watchers) {
        if (folders.has(folder)) continue;
        watcher.close();
        watchers.delete(folder);
      }
      for (const folder of folders) {
        if (watchers.has(folder)) continue;
        watchers.set(
          folder,
          watch(folder, (_event, name) => {
            if (name !== null && !wanted.has(join(folder, name.toString()))) return;
            clearTimeout(timer);
            timer = setTimeout(recompile, 100);
          }),
        );
      }
    };
    // Set by Ctrl-C or SIGTERM: nothing more is compiled, and a compilation under way finishes first.
    let stopCode: number | null = null;
    const recompile = async () => {
      if (stopCode !== null) return;
      if (running) {
        pending = true;
        return;
      }
      running = true;
      pending = false;
      io.stderr(`\n[${new Date().toLocaleTimeString()}] change detected; compiling ${sources.map((s) => basename(s)).join(", ")}\n`);
      const { watched } = await compileOnce(sources, outDir, io);
      running = false;
      // Stopped meanwhile: arming would watch again and keep the process alive.
      if (stopCode !== null) return finish(stopCode);
      arm(watched);
      if (pending) recompile();
    };
    arm(initial);
    // A second signal ends the process at once.
    const signals = onStopSignals((signal) => {
      stopCode = exitCodeOf(signal);
      clearTimeout(timer);
      for (const w of watchers.values()) w.close();
      watchers.clear();
      if (!running) finish(stopCode);
    });
    const finish = (code: number) => {
      signals.release();
      done(code);
    };
    // Said once a signal is handled: whoever waits for this line may stop the watch right away.
    io.stderr("watching for changes (Ctrl-C to stop)\n");
  });
}
