/**
 * A program is the set of files reachable from the files named on the command line through `use`,
 * each parsed once, plus what every file can see: its own blocks and models and those of the files
 * it uses directly (not transitively). Reports E106 for `use` cycles, E107 for missing files and E101
 * for a name declared twice in one scope.
 */
import { dirname, resolve } from "node:path";
import type { BlockDecl, ModelDecl, SourceFile, TrainDecl, UseDecl } from "../ast.js";
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic.js";
import { parse, type ParseResult } from "../../grammar/parse.js";
import { LAYERS } from "../layers/registry.js";

/** Reads source files; the CLI reads the disk, the language server its open documents. */
export interface SourceHost {
  /** The file's text, or undefined when it does not exist. */
  readFile(path: string): string | undefined;
  /** Parses a file's text; a host may reuse the result for an unchanged text (the default parses). */
  parse?(text: string, path: string): ParseResult;
}

export interface SourceUnit {
  readonly path: string;
  readonly text: string;
  readonly ast: SourceFile;
}

/** A block or model together with the file it is declared in. */
export interface Declared<T> {
  readonly decl: T;
  readonly file: string;
}

/** The names a file can see. */
export interface FileScope {
  readonly blocks: ReadonlyMap<string, Declared<BlockDecl>>;
  readonly models: ReadonlyMap<string, Declared<ModelDecl>>;
}

export interface Program {
  /** Every file, keyed by its path as given (roots) or resolved from a `use`. */
  readonly units: ReadonlyMap<string, SourceUnit>;
  /** The files named by the caller, in order. */
  readonly roots: readonly string[];
  readonly scopes: ReadonlyMap<string, FileScope>;
  /** The file each `use` declaration resolved to (absent when it was not found). */
  readonly usedFiles: ReadonlyMap<UseDecl, string>;
}

/** Parses `roots` and every file they use; reports syntax, `use`, and duplicate-name problems. */
export function loadProgram(roots: readonly string[], host: SourceHost, report: (d: Diagnostic) => void): Program {
  const units = new Map<string, SourceUnit>();
  const usedFiles = new Map<UseDecl, string>();
  const load = (path: string): SourceUnit | undefined => {
    const known = units.get(path);
    if (known) return known;
    const text = host.readFile(path);
    if (text === undefined) return undefined;
    const { file, diagnostics } = (host.parse ?? parse)(text, path);
    diagnostics.forEach(report);
    const unit = { path, text, ast: file };
    units.set(path, unit);
    for (const decl of file.decls) {
      if (decl.kind !== "Use") continue;
      const target = resolveUse(path, decl.path.value);
      if (!load(target)) {
        report(
          diagnostic({
            code: "E107",
            file: path,
            range: decl.path.range,
            message: `cannot find the file ${JSON.stringify(decl.path.value)}`,
            label: `looked for ${target}`,
            help: "paths in `use` are relative to the file that contains them",
          }),
        );
        continue;
      }
      usedFiles.set(decl, target);
    }
    return unit;
  };
  for (const root of roots) load(root);

  reportUseCycles(units, usedFiles, report);
  const scopes = new Map<string, FileScope>();
  for (const unit of units.values()) scopes.set(unit.path, buildScope(unit, units, usedFiles, report));
  for (const unit of units.values()) reportDuplicateTrainings(unit, report);
  return { units, roots, scopes, usedFiles };
}

/** Resolves a `use` path against the directory of the file that contains it. */
export function resolveUse(fromFile: string, usePath: string): string {
  return programPath(resolve(dirname(fromFile), usePath));
}

/** How the program names a file at an absolute path: relative to the working directory when inside it, so messages stay short. */
export function programPath(absolute: string): string {
  const cwd = process.cwd();
  return absolute.startsWith(`${cwd}/`) ? absolute.slice(cwd.length + 1) : absolute;
}

function reportUseCycles(
  units: ReadonlyMap<string, SourceUnit>,
  usedFiles: ReadonlyMap<UseDecl, string>,
  report: (d: Diagnostic) => void,
): void {
  const state = new Map<string, "active" | "done">();
  const visit = (path: string, chain: string[]): void => {
    state.set(path, "active");
    const unit = units.get(path);
    for (const decl of unit?.ast.decls ?? []) {
      if (decl.kind !== "Use") continue;
      const target = usedFiles.get(decl);
      if (!target) continue;
      if (state.get(target) === "active") {
        const cycle = [...chain.slice(chain.indexOf(target)), path, target];
        report(
          diagnostic({
            code: "E106",
            file: path,
            range: decl.range,
            message: `\`use\` cycle: ${cycle.join(" → ")}`,
            help: "move what both files need into a third file that both use",
          }),
        );
      } else if (!state.has(target)) visit(target, [...chain, path]);
    }
    state.set(path, "done");
  };
  for (const path of units.keys()) if (!state.has(path)) visit(path, []);
}

function buildScope(
  unit: SourceUnit,
  units: ReadonlyMap<string, SourceUnit>,
  usedFiles: ReadonlyMap<UseDecl, string>,
  report: (d: Diagnostic) => void,
): FileScope {
  const blocks = new Map<string, Declared<BlockDecl>>();
  const models = new Map<string, Declared<ModelDecl>>();
  const seen = new Map<string, { file: string; decl: BlockDecl | ModelDecl }>();
  const declare = (decl: BlockDecl | ModelDecl, file: string, via?: UseDecl): void => {
    const name = decl.name.name;
    if (name === "") return;
    const earlier = seen.get(name);
    if (earlier) {
      if (earlier.decl === decl) return;
      const here = via ? { range: via.range, what: `\`${name}\` from ${file}` } : { range: decl.name.range, what: `\`${name}\`` };
      report(
        diagnostic({
          code: "E101",
          file: unit.path,
          range: here.range,
          message: `${here.what} is declared twice`,
          labels: [{ file: earlier.file, range: earlier.decl.name.range, message: "first declared here" }],
          help: "rename one of them",
        }),
      );
      return;
    }
    if (!via && decl.kind === "Block" && LAYERS.has(name)) {
      report(
        diagnostic({
          code: "E101",
          file: unit.path,
          range: decl.name.range,
          message: `block \`${name}\` has the name of a built-in layer`,
          help: `rename the block, e.g. \`${name[0].toUpperCase()}${name.slice(1)}Block\``,
        }),
      );
      return;
    }
    seen.set(name, { file, decl });
    if (decl.kind === "Block") blocks.set(name, { decl, file });
    else models.set(name, { decl, file });
  };
  for (const decl of unit.ast.decls) if (decl.kind === "Block" || decl.kind === "Model") declare(decl, unit.path);
  for (const decl of unit.ast.decls) {
    if (decl.kind !== "Use") continue;
    const target = usedFiles.get(decl);
    const used = target ? units.get(target) : undefined;
    for (const d of used?.ast.decls ?? []) if (d.kind === "Block" || d.kind === "Model") declare(d, used!.path, decl);
  }
  return { blocks, models };
}

/** A file that trains one model twice must label the trainings; labels are unique. */
function reportDuplicateTrainings(unit: SourceUnit, report: (d: Diagnostic) => void): void {
  const byName = new Map<string, TrainDecl>();
  for (const decl of unit.ast.decls) {
    if (decl.kind !== "Train" || decl.model.name === "") continue;
    const name = trainingName(decl);
    const earlier = byName.get(name);
    if (!earlier) {
      byName.set(name, decl);
      continue;
    }
    report(
      diagnostic({
        code: "E101",
        file: unit.path,
        range: decl.label?.range ?? decl.model.range,
        message: decl.label ? `training label \`${name}\` is used twice` : `model \`${name}\` is trained twice without labels`,
        labels: [{ file: unit.path, range: (earlier.label ?? earlier.model).range, message: "first training here" }],
        help: decl.label ? "give each training its own label" : `label the trainings: \`train fast: ${name} { … }\``,
      }),
    );
  }
}

/** The name a training is known by: its label, or its model's name. */
export function trainingName(decl: TrainDecl): string {
  return decl.label?.name ?? decl.model.name;
}
