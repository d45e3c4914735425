/**
 * The one entry point of the front end: parse the files and what they `use`, elaborate every model,
 * run the model rules, check every training, and return all diagnostics in source order. The CLI and
 * the language server are thin adapters over `checkProgram`.
 */
import { readFileSync } from "node:fs";
import type { BlockDecl, Expr, Identifier, TrainDecl } from "./ast.js";
import { compareDiagnostics, type Diagnostic } from "./diagnostics/diagnostic.js";
import { bindArgs, reportUnknownName } from "./schema/bind.js";
import type { Value } from "./schema/values.js";
import { paramSignature, isTensorParam } from "./checker/block-call.js";
import { elaborateModel } from "./checker/elaborate.js";
import type { ModelGraph } from "./checker/graph.js";
import { loadProgram, trainingName, type Program, type SourceHost } from "./checker/program.js";
import { MODEL_RULES } from "./checker/rules/index.js";
import { literalBindContext } from "./schema/literal-context.js";
import { checkTraining } from "./training/check-training.js";
import type { ResolvedTraining } from "./training/resolved.js";

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

/** Reads files from disk. */
export const diskHost: SourceHost = {
  readFile(path) {
    try {
      return readFileSync(path, "utf8");
    } catch {
      return undefined;
    }
  },
};

/** Checks the files at `paths` and every file they use. */
export function checkProgram(paths: readonly string[], host: SourceHost = diskHost): CheckResult {
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  const report = (d: Diagnostic): void => {
    // A block called twice, or a model elaborated for several trainings, may meet the same fault twice.
    const key = `${d.file}:${d.range.start.offset}:${d.range.end.offset}:${d.code}:${d.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    diagnostics.push(d);
  };
  const program = loadProgram(paths, host, report);
  const called = new Set<BlockDecl>();
  const host2 = { program, report, blockCalled: (b: BlockDecl) => called.add(b) };

  const values = new Map<Expr | Identifier, Value[]>();
  const recordValue = (node: Expr | Identifier, value: Value): void => {
    const known = values.get(node);
    if (known) known.push(value);
    else values.set(node, [value]);
  };
  const models: ModelGraph[] = [];
  const byDecl = new Map<object, ModelGraph>();
  for (const root of program.roots) {
    const unit = program.units.get(root);
    if (!unit) continue;
    for (const decl of unit.ast.decls) {
      if (decl.kind !== "Model" || !decl.name.name) continue;
      const graph = elaborateModel({ decl, file: root }, new Map(), { ...host2, recordValue });
      for (const rule of MODEL_RULES) rule(graph, { file: root, report });
      models.push(graph);
      byDecl.set(decl, graph);
    }
  }

  const trainings: CheckedTraining[] = [];
  for (const root of program.roots) {
    const unit = program.units.get(root);
    const scope = program.scopes.get(root);
    if (!unit || !scope) continue;
    for (const decl of unit.ast.decls) {
      if (decl.kind !== "Train") continue;
      const name = trainingName(decl);
      const model = decl.model.name ? scope.models.get(decl.model.name) : undefined;
      if (decl.model.name && !model) {
        reportUnknownName(decl.model.name, decl.model.range, "model", [...scope.models.keys()], { file: root, report });
      }
      let graph: ModelGraph | undefined;
      if (model) {
        const ctx = literalBindContext(root, report);
        const signature = paramSignature(model.decl.params.filter((p) => !isTensorParam(p)), ctx, model.decl.name.name);
        const bound = bindArgs({ ...signature, params: signature.params.map((p) => ({ ...p, required: false })) }, decl.args, decl.model.range, ctx);
        const params = new Map<string, Value>([...bound].map(([k, v]) => [k, v.value]));
        graph = params.size === 0 ? byDecl.get(model.decl) : undefined;
        if (!graph) {
          graph = elaborateModel(model, params, host2);
          for (const rule of MODEL_RULES) rule(graph, { file: model.file, report });
        }
      }
      const resolved = checkTraining(decl, { file: root, report, model: graph });
      trainings.push({ decl, file: root, name, model: graph, resolved });
    }
  }

  reportUnusedBlocks(program, called, report);
  diagnostics.sort(compareDiagnostics);
  return { program, diagnostics, models, trainings, values };
}

/** Checks one source text as if it were a file at `path`; `use`d files are read from disk. */
export function checkSource(text: string, path = "input.nn", host: SourceHost = diskHost): CheckResult {
  return checkProgram([path], { readFile: (p) => (p === path ? text : host.readFile(p)) });
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
