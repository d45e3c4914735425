/**
 * One checked `.nn` file → one TypeScript module (§8 of the language brief): for each model a
 * `buildM(options)`, for each training its resolved settings as a typed constant `settingsL` and
 * `trainL(options)`. The module's structure is built with ts-morph and formatted with prettier;
 * it imports only the runtime (which re-exports the one TensorFlow.js instance it trains with).
 */
import { Project, VariableDeclarationKind, type SourceFile } from "ts-morph";
import * as prettier from "prettier";
import type { CheckResult } from "../check.js";
import type { ModelGraph } from "../checker/graph.js";
import { CodegenError } from "./emit-layer.js";
import { emitModel, type EmittedModel } from "./emit-model.js";
import { commentText, identifierPart, literal } from "./literal.js";
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

/** The module's text, formatted. Throws `CodegenError` for what cannot be generated. */
export async function emitModule(input: ModuleInput): Promise<string> {
  const { result, file: root } = input;
  const project = new Project({ useInMemoryFileSystem: true });
  const file = project.createSourceFile("module.ts", "", { overwrite: true });
  file.addImportDeclaration({ moduleSpecifier: RUNTIME_MODULE, namedImports: ["tf"] });
  file.addImportDeclaration({ moduleSpecifier: RUNTIME_MODULE, namespaceImport: "nnc" });

  /** Build functions by their body, so equal bindings share one function. */
  const builds = new Map<string, string>();
  for (const graph of result.models.filter((m) => m.file === root)) {
    const decl = result.program.units.get(root)?.ast.decls.find((d) => d.kind === "Model" && d.name.name === graph.name);
    const needsArgs = decl?.kind === "Model" && decl.params.some((p) => p.default === undefined && p.type?.kind !== "ShapeType");
    if (needsArgs) continue;
    const emitted = emitModel(graph);
    const name = `build${identifierPart(graph.name)}`;
    const doc = docText(modelDoc(result, graph));
    addBuild(file, name, emitted, true, [...(doc ? [doc] : []), `Builds model \`${commentText(graph.name)}\` with its parameters' defaults.`]);
    builds.set(emitted.statements.join("\n"), name);
  }

  for (const training of result.trainings.filter((t) => t.file === root)) {
    const resolved = training.resolved;
    if (!resolved) throw new CodegenError(`training ${training.name} has errors`);
    const label = identifierPart(training.name);
    const variants = variantsOf(result, training);
    const penalties: Record<string, unknown> = {};
    let inputDtype: "float32" | "int32" = "float32";
    const entries: string[] = [];
    for (const [i, variant] of variants.entries()) {
      if (variant.graph.inputs.length !== 1 || variant.graph.outputs.length !== 1) {
        throw new CodegenError(`training ${training.name}: the runtime trains models with one input and one output; ${variant.graph.name} has ${variant.graph.inputs.length} and ${variant.graph.outputs.length}`);
      }
      const emitted = emitModel(variant.graph);
      Object.assign(penalties, emitted.penalties);
      inputDtype = emitted.inputDtype;
      const body = emitted.statements.join("\n");
      let name = builds.get(body);
      if (!name) {
        name = `build${label}Variant${variants.length > 1 ? i + 1 : ""}`;
        addBuild(file, name, emitted, false, [`Model \`${commentText(variant.graph.name)}\` as training \`${commentText(training.name)}\` binds it: ${commentText(JSON.stringify(variant.args))}.`]);
        builds.set(body, name);
      }
      entries.push(`${literal(variant.key)}: ${name}`);
    }
    file.addVariableStatement({
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: [`Every setting of training \`${commentText(training.name)}\`, resolved (defaults filled in).`],
      declarations: [{ name: `settings${label}`, type: "nnc.ResolvedTraining", initializer: literal(resolved) }],
    });
    file.addFunction({
      isExported: true,
      name: `train${label}`,
      docs: [`Runs training \`${commentText(training.name)}\` of model \`${commentText(training.model?.name ?? "")}\` and returns its report.`],
      parameters: [{ name: "options", type: "nnc.TrainOptions", initializer: "{}" }],
      returnType: "Promise<nnc.TrainingReport>",
      statements: [
        `const builds: Record<string, (options: nnc.BuildOptions) => tf.LayersModel> = { ${entries.join(", ")} };`,
        `return nnc.runTraining(
          {
            label: ${literal(training.name)},
            source: ${literal(input.sourceName)},
            settings: settings${label},
            inputDtype: ${literal(inputDtype)},
            layerPenalties: ${literal(penalties)},
            build: (args, buildOptions) => nnc.pickBuild(builds, args)(buildOptions),
          },
          options,
        );`,
      ],
    });
  }
  const header = `// Generated by nnc from ${literal(commentText(input.sourceName))}. Do not edit: change the source and run \`nnc compile\` again.\n`;
  return prettier.format(header + file.getFullText(), { parser: "typescript", printWidth: 110 });
}
