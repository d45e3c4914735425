/**
 * The one entry point of the front end: parse the files and what they `use`, elaborate every model,
 * run the model rules, check every training, and return all diagnostics in source order. The CLI and
 * the language server are thin adapters over `checkProgram`.
 */
import type { BlockDecl, Expr, Identifier, ModelDecl, TrainDecl } from "../../grammar/ast.js";
import type { CheckCache, CheckContext } from "./check-cache.js";
import { RecordedValues } from "./recorded-values.js";
import { checkVariants, elaborateForTraining } from "./training-model.js";
import { compareDiagnostics, type Diagnostic, type Label } from "../diagnostics/diagnostic.js";
import { bindArgs, reportUnknownName } from "../schema/bind.js";
import type { Value } from "../schema/values.js";
import { paramSignature, isTensorParam } from "../checker/block-call.js";
import { checkBlockDeclaration, elaborateModel } from "../checker/elaborate.js";
import { reportBlockCycles } from "../checker/block-cycles.js";
import type { ModelGraph } from "../checker/graph.js";
import { loadProgram, readSourceFile, trainingName, type Program, type SourceHost } from "../checker/program.js";
import { MODEL_RULES } from "../checker/rules/index.js";
import { literalBindContext } from "../schema/literal-context.js";
import { checkTraining } from "../training/check-training.js";
import { reportRunFolderCollisions } from "../training/rules/run-folders.js";
import { diskDataFiles } from "../training/data-files.js";
import type { ResolvedTraining } from "../training/resolved.js";

/** A training with the model it trains, elaborated with the training's arguments. */
export interface CheckedTraining {
  readonly decl: TrainDecl;
  readonly file: string;
  readonly name: string;
  readonly model?: ModelGraph;
  readonly resolved?: ResolvedTraining;
}

export interface CheckResult {
  readonly program: Program;
  /** Every diagnostic, deduplicated and in source order. */
  readonly diagnostics: readonly Diagnostic[];
  /** Every model of the root files, elaborated with its parameters' defaults. */
  readonly models: readonly ModelGraph[];
  readonly trainings: readonly CheckedTraining[];
  /**
   * The values met while elaborating the root files' models with their defaults: every expression
   * and every declaring identifier (input, `let`, parameter) → its values, one per evaluation (a
   * block called twice has two). Editors read shapes from here; nothing else depends on it.
   */
  readonly values: ReadonlyMap<Expr | Identifier, readonly Value[]>;
}

/**
 * How a check reads: sources through the `SourceHost`; data files (the paths trainings name) from
 * the disk, unless `dataFiles` is false: then they are not looked at (neither E107/E108 for them,
 * nor shapes from their headers).
 */
export interface CheckHost extends SourceHost {
  readonly dataFiles?: boolean;
}

/** Reads files from disk: regular files of at most `MAX_SOURCE_BYTES`, never a device or a FIFO. */
export const diskHost: CheckHost = {
  readFile: (path) => readSourceFile(path),
};

/**
 * Checks the files at `paths` and every file they use. With a `cache` (the language server keeps
 * one per document), models and trainings whose declarations and lookups are unchanged since the
 * last check are taken from it rather than checked again; the result is the same either way.
 */
export function checkProgram(paths: readonly string[], host: CheckHost = diskHost, cache?: CheckCache): CheckResult {
  const diagnostics: Diagnostic[] = [];
  const seen = new Map<string, number>();
  const report = (d: Diagnostic): void => {
    // A block called twice, or a model elaborated for several trainings, may meet the same fault twice.
    const key = `${d.file}:${d.range.start.offset}:${d.range.end.offset}:${d.code}:${d.message}`;
    const at = seen.get(key);
    if (at === undefined) {
      seen.set(key, diagnostics.length);
      diagnostics.push(d);
      return;
    }
    // Kept once, with the labels of every meeting: two trainings that both set `k: 40` are both named.
    const kept = diagnostics[at];
    const added = d.labels.filter((l) => !kept.labels.some((k) => sameLabel(k, l)));
    if (added.length > 0) diagnostics[at] = { ...kept, labels: [...kept.labels, ...added] };
  };
  const program = loadProgram(paths, host, report);
  const called = new Set<BlockDecl>();
  const values = new RecordedValues();
  const byDecl = new Map<ModelDecl, ModelGraph>();
  const context: CheckContext = {
    program,
    report,
    blockCalled: (b) => called.add(b),
    recordValue: (node, value) => values.record(node, value),
    recordValues: (run) => values.recordAll(run),
    defaultGraph: (decl) => byDecl.get(decl),
    dataFiles: host.dataFiles === false ? undefined : diskDataFiles,
  };
  const run = <T>(key: ModelDecl | TrainDecl | BlockDecl, compute: (context: CheckContext) => T): T => (cache ? cache.run(key, context, compute) : compute(context));

  const models: ModelGraph[] = [];
  for (const root of program.roots) {
    for (const decl of program.units.get(root)?.ast.decls ?? []) {
      if (decl.kind !== "Model" || !decl.name.name) continue;
      const graph = run(decl, (c) => {
        const elaborated = elaborateModel({ decl, file: root }, new Map(), c);
        for (const rule of MODEL_RULES) rule(elaborated, { file: root, report: c.report });
        return elaborated;
      });
      models.push(graph);
      byDecl.set(decl, graph);
    }
  }

  const trainings: CheckedTraining[] = [];
  for (const root of program.roots) {
    for (const decl of program.units.get(root)?.ast.decls ?? []) {
      if (decl.kind === "Train") trainings.push(run(decl, (c) => checkTrainingDecl(decl, root, c)));
    }
    // Across the file's trainings (never cached: it reads only their labels).
    reportRunFolderCollisions(program.units.get(root)?.ast.decls ?? [], root, report);
  }

  // Every block of the program on its own, called or not (a call repeats none of these diagnostics:
  // the same fault gives the same diagnostic, kept once), and the cycles among all of them.
  for (const unit of program.units.values()) {
    for (const decl of unit.ast.decls) {
      if (decl.kind === "Block") run(decl, (c) => checkBlockDeclaration({ decl, file: unit.path }, { program: c.program, report: c.report }));
    }
  }
  reportBlockCycles(program, report);

  reportUnusedBlocks(program, called, report);
  diagnostics.sort(compareDiagnostics);
  return { program, diagnostics, models, trainings, values };
}

/** Binds a training's model arguments, elaborates the model with them when they change it, and checks the training. */
function checkTrainingDecl(decl: TrainDecl, root: string, context: CheckContext): CheckedTraining {
  const { report } = context;
  const scope = context.program.scopes.get(root);
  const name = trainingName(decl);
  const model = decl.model.name ? scope?.models.get(decl.model.name) : undefined;
  if (decl.model.name && !model) {
    reportUnknownName(decl.model.name, decl.model.range, "model", [...(scope?.models.keys() ?? [])], { file: root, report });
  }
  let graph: ModelGraph | undefined;
  let argumentsFailed = false;
  if (model) {
    const ctx = literalBindContext(root, (d) => {
      if (d.severity === "error") argumentsFailed = true;
      report(d);
    });
    const signature = paramSignature(model.decl.params.filter((p) => !isTensorParam(p)), ctx, model.decl.name.name);
    // A parameter left without a value is reported by a training rule (model-arguments-given.ts).
    const bound = bindArgs({ ...signature, params: signature.params.map((p) => ({ ...p, required: false })) }, decl.args, decl.model.range, ctx);
    graph = bound.size === 0 ? context.defaultGraph(model.decl) : undefined;
    const training = { decl, name, file: root, args: bound };
    graph ??= elaborateForTraining(model, training, context);
    // Generated code builds the model once per value the training's search may choose: each must check.
    if (graph && !argumentsFailed) checkVariants(model, graph, training, context);
  }
  const resolved = checkTraining(decl, { file: root, report, model: graph, argumentsFailed, dataFiles: context.dataFiles });
  return { decl, file: root, name, model: graph, resolved };
}

/** Checks one source text as if it were a file at `path`; `use`d files are read from the host, data files from disk. */
export function checkSource(text: string, path = "input.nn", host: CheckHost = diskHost): CheckResult {
  return checkProgram([path], { readFile: (p) => (p === path ? text : host.readFile(p)), dataFiles: host.dataFiles });
}

/** W401 for blocks that no model calls, in files that declare models (a file of blocks is a library). */
function reportUnusedBlocks(program: Program, called: ReadonlySet<BlockDecl>, report: (d: Diagnostic) => void): void {
  for (const root of program.roots) {
    const decls = program.units.get(root)?.ast.decls ?? [];
    if (!decls.some((d) => d.kind === "Model")) continue;
    for (const decl of decls) {
      if (decl.kind !== "Block" || called.has(decl) || !decl.name.name) continue;
      report({
        code: "W401",
        severity: "warning",
        file: root,
        range: decl.name.range,
        message: `block \`${decl.name.name}\` is never used`,
        labels: [],
        notes: [],
        fixes: [],
        help: "call it from a model, or remove it",
      });
    }
  }
}

function sameLabel(a: Label, b: Label): boolean {
  return a.file === b.file && a.range.start.offset === b.range.start.offset && a.range.end.offset === b.range.end.offset && a.message === b.message;
}
