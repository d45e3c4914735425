/**
 * One checked `.nn` file → one TypeScript module (§8 of the language brief): for each model a
 * `buildM(options)`, for each training its resolved settings as a typed constant `settingsL` and
 * `trainL(options)`, named as names.ts makes them (unique by construction). The module's structure
 * is built with ts-morph and formatted with prettier; it imports only the runtime (which
 * re-exports the one TensorFlow.js instance it trains with).
 */
import { Project, VariableDeclarationKind, type SourceFile } from "ts-morph";
import * as prettier from "prettier";
import type { CheckedTraining, CheckResult } from "../check/check.js";
import type { ModelGraph } from "../checker/graph.js";
import { CodegenError } from "./emit-layer.js";
import { emitModel, type EmittedModel } from "./emit-model.js";
import { commentText, literal } from "../schema/literal.js";
import { addModelUse } from "./emit-model-use.js";
import { ModuleNames, type ModelNames, type TrainingNames } from "./names.js";
import { inputSpecs, outputSpecs } from "./tensor-specs.js";
import { variantsOf } from "./variants.js";

export const RUNTIME_MODULE = "nnc/runtime";

export interface ModuleInput {
  readonly result: CheckResult;
  /** The root file to emit, as `checkProgram` knows it. */
  readonly file: string;
  /** The source path to name in the header and in `trainL` (relative to the working directory). */
  readonly sourceName: string;
}

function docText(text: string | undefined): string | undefined {
  return text === undefined ? undefined : text.replace(/\*\//g, "*\\/");
}

function modelDoc(result: CheckResult, graph: ModelGraph): string | undefined {
  const decl = result.program.units.get(graph.file)?.ast.decls.find((d) => d.kind === "Model" && d.name.name === graph.name);
  return decl && "doc" in decl ? (decl.doc as string | undefined) : undefined;
}

function addBuild(file: SourceFile, name: string, emitted: EmittedModel, exported: boolean, docs: string[]): void {
  file.addFunction({
    isExported: exported,
    name,
    docs: docs.length ? [docs.join("\n\n")] : undefined,
    parameters: [{ name: "options", type: "nnc.BuildOptions", initializer: "{}" }],
    returnType: "tf.LayersModel",
    statements: [...emitted.statements],
  });
}

/** Something of the module that could not be generated: a model's build function or a training. */
export interface CodegenFailure {
  readonly kind: "model" | "training";
  /** The model's name or the training's label. */
  readonly name: string;
  readonly message: string;
}

/** A module's text and what was left out of it. */
export interface GeneratedModule {
  readonly text: string;
  /** Models and trainings whose code could not be generated; everything else is in `text`. */
  readonly failures: readonly CodegenFailure[];
  /** What the module declares, by model name and by training label (only what was generated). */
  readonly names: {
    /** Models with a build function (`build`) or the functions and types to use them (the rest). */
    readonly models: ReadonlyMap<string, Partial<ModelNames>>;
    readonly trainings: ReadonlyMap<string, TrainingNames>;
  };
}

/**
 * The module's text, formatted. Throws `CodegenError` when anything could not be generated; use
 * `generateModule` to get the rest of the module and the failures instead.
 */
export async function emitModule(input: ModuleInput): Promise<string> {
  const { text, failures } = await generateModule(input);
  const [first] = failures;
  if (first) throw new CodegenError(`${first.kind} ${first.name}: ${first.message}`);
  return text;
}

/**
 * The module of one root file. A model or training whose code cannot be generated (`CodegenError`)
 * is left out and listed in `failures`; the others are generated, so one bad training does not keep
 * the others from running.
 */
export async function generateModule(input: ModuleInput): Promise<GeneratedModule> {
  const { result, file: root } = input;
  const project = new Project({ useInMemoryFileSystem: true });
  const file = project.createSourceFile("module.ts", "", { overwrite: true });
  file.addImportDeclaration({ moduleSpecifier: RUNTIME_MODULE, namedImports: ["tf"] });
  file.addImportDeclaration({ moduleSpecifier: RUNTIME_MODULE, namespaceImport: "nnc" });
  const failures: CodegenFailure[] = [];
  const attempt = (kind: CodegenFailure["kind"], name: string, generate: () => void): void => {
    try {
      generate();
    } catch (error) {
      if (!(error instanceof CodegenError)) throw error;
      failures.push({ kind, name, message: error.message });
    }
  };

  const rootModels = result.models.filter((m) => m.file === root);
  const trainings = result.trainings.filter((t) => t.file === root);
  // Every name the module may declare, in the module's order, so each gets its own (names.ts).
  const names = new ModuleNames([...rootModels.map((m) => m.name), ...trainings.flatMap((t) => (t.model ? [t.model.name] : []))], trainings.map((t) => t.name));
  const declared = { models: new Map<string, Partial<ModelNames>>(), trainings: new Map<string, TrainingNames>() };

  /** Build functions by their body, so equal bindings share one function. */
  const builds = new Map<string, string>();
  for (const graph of rootModels) {
    const decl = result.program.units.get(root)?.ast.decls.find((d) => d.kind === "Model" && d.name.name === graph.name);
    const needsArgs = decl?.kind === "Model" && decl.params.some((p) => p.default === undefined && p.type?.kind !== "ShapeType");
    if (needsArgs) continue;
    attempt("model", graph.name, () => {
      const emitted = emitModel(graph);
      const name = names.model(graph.name).build;
      const doc = docText(modelDoc(result, graph));
      addBuild(file, name, emitted, true, [...(doc ? [doc] : []), `Builds model \`${commentText(graph.name)}\` with its parameters' defaults.`]);
      builds.set(emitted.statements.join("\n"), name);
      declared.models.set(graph.name, { build: name });
    });
  }

  for (const training of trainings) {
    attempt("training", training.name, () => {
      addTraining(file, builds, training, input, names);
      declared.trainings.set(training.name, names.training(training.name));
    });
  }
  // Using a trained model: per model of this file that is built with its defaults or trained here.
  const used = new Map<string, readonly ModelGraph[]>();
  for (const graph of result.models.filter((m) => m.file === root && !m.incomplete)) used.set(graph.name, [graph]);
  for (const training of trainings) {
    const graph = training.model;
    if (!graph || graph.incomplete || used.has(graph.name) || failures.some((f) => f.name === training.name)) continue;
    used.set(graph.name, variantsOf(result, training).map((v) => v.graph));
  }
  for (const [name, graphs] of used) {
    const modelNames = names.model(name);
    addModelUse(file, name, modelNames, names.helper("expected"), inputSpecs(graphs), outputSpecs(graphs));
    declared.models.set(name, { ...modelNames, build: declared.models.get(name)?.build });
  }
  const header = `// Generated by nnc from ${literal(commentText(input.sourceName))}. Do not edit: change the source and run \`nnc compile\` again.\n`;
  const text = await prettier.format(header + file.getFullText(), { parser: "typescript", printWidth: 110 });
  return { text, failures, names: declared };
}

/**
 * Adds `settingsL` and `trainL` for one training, and the build functions of its model variants.
 * Everything is generated before anything is added, so a `CodegenError` leaves the module unchanged.
 */
function addTraining(file: SourceFile, builds: Map<string, string>, training: CheckedTraining, input: ModuleInput, names: ModuleNames): void {
  const resolved = training.resolved;
  if (!resolved) throw new CodegenError(`training ${training.name} has errors`);
  const { settings, train } = names.training(training.name);
  const variants = variantsOf(input.result, training);
  const emittedVariants = variants.map((variant) => ({ variant, emitted: emitModel(variant.graph) }));
  const penalties: Record<string, unknown> = {};
  const entries: string[] = [];
  const nativeLayers: Record<string, unknown> = {};
  for (const [i, { variant, emitted }] of emittedVariants.entries()) {
    Object.assign(penalties, emitted.penalties);
    nativeLayers[variant.key] = emitted.nativeLayers;
    const body = emitted.statements.join("\n");
    let name = builds.get(body);
    if (!name) {
      // Not exported: a helper of its own namespace, which no public name can take.
      name = names.helper("build");
      addBuild(file, name, emitted, false, [`Model \`${commentText(variant.graph.name)}\` as training \`${commentText(training.name)}\` binds it: ${commentText(JSON.stringify(variant.args))}.`]);
      builds.set(body, name);
    }
    entries.push(`${literal(variant.key)}: ${name}`);
  }
  const graphs = variants.map((v) => v.graph);
  file.addVariableStatement({
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: [`Every setting of training \`${commentText(training.name)}\`, resolved (defaults filled in).`],
    declarations: [{ name: settings, type: "nnc.ResolvedTraining", initializer: literal(resolved) }],
  });
  file.addFunction({
    isExported: true,
    name: train,
    docs: [`Runs training \`${commentText(training.name)}\` of model \`${commentText(training.model?.name ?? "")}\` and returns its report.`],
    parameters: [{ name: "options", type: "nnc.TrainOptions", initializer: "{}" }],
    returnType: "Promise<nnc.TrainingReport>",
    statements: [
      `const builds: Record<string, (options: nnc.BuildOptions) => tf.LayersModel> = { ${entries.join(", ")} };`,
      `return nnc.runTraining(
        {
          label: ${literal(training.name)},
          source: ${literal(input.sourceName)},
          settings: ${settings},
          inputs: ${literal(inputSpecs(graphs))},
          outputs: ${literal(outputSpecs(graphs))},
          layerPenalties: ${literal(penalties)},
          nativeLayers: ${literal(nativeLayers)},
          build: (args, buildOptions) => nnc.pickBuild(builds, args)(buildOptions),
        },
        options,
      );`,
    ],
  });
}
