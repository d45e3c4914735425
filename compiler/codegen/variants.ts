/**
 * Which builds of a model a training needs. Generated code is monomorphic: each distinct binding
 * of the model's parameters gets its own build function, as generics are specialised. A training
 * that searches over model arguments (`Tunable(hidden: choice(30, 100))`) or over a layer's argument
 * (`dense(choice(32, 64))`) needs one build per combination of values the search can choose, so such
 * spaces must range over finitely many values. A layer's space is keyed in the build's arguments by
 * its dimension's name (`h.units`), as the resolved settings name it.
 */
import type { CheckResult, CheckedTraining } from "../check/check.js";
import type { ModelGraph } from "../checker/graph.js";
import type { Value } from "../schema/values.js";
import { elaborateVariant, modelVariants } from "../training/model-variants.js";
import { modelArgument } from "../training/resolve.js";
import { argumentsKey as variantKey } from "../../runtime/core/pick-build.js";
import { MAX_MODEL_VARIANTS } from "../training/rules/search-space.js";
import { CodegenError } from "./emit-layer.js";

export interface Variant {
  /** The arguments as the runtime sees them (`{ hidden: 30 }`), and their canonical key. */
  readonly args: Readonly<Record<string, unknown>>;
  readonly key: string;
  readonly graph: ModelGraph;
}

/**
 * The builds of `training`'s model (training/model-variants.ts enumerates them, and the check checks
 * each, so a variant that does not check is an error there first).
 */
export function variantsOf(result: CheckResult, training: CheckedTraining): Variant[] {
  const graph = training.model;
  if (!graph) throw new CodegenError(`training ${training.name} has no model`);
  const variants = modelVariants(graph);
  if (variants.kind === "fixed") return [{ args: argsOf(variants.binding), key: variantKey(argsOf(variants.binding)), graph }];
  if (variants.kind === "continuous") {
    const { name, space } = variants;
    throw new CodegenError(
      `the ${name.includes(".") ? "layer" : "model"} argument \`${name}\` is searched over a continuous range (${space.kind}); generated code builds one model per value, so write it as choice(…) or int_uniform(…)`,
    );
  }
  if (variants.kind === "too-many") throw new CodegenError(`training ${training.name} searches over more than ${MAX_MODEL_VARIANTS} model variants; narrow the model arguments' search spaces`);
  const scope = result.program.scopes.get(training.file);
  const model = training.decl.model.name ? scope?.models.get(training.decl.model.name) : undefined;
  if (!model) throw new CodegenError(`training ${training.name} has no model`);
  return variants.bindings.map((binding) => {
    const errors: string[] = [];
    const variant = elaborateVariant(model, variants, binding, { program: result.program, report: (d) => void (d.severity === "error" && errors.push(d.message)) });
    if (errors.length || variant.incomplete) {
      throw new CodegenError(`model ${graph.name} with ${binding.map(([k, v]) => `${k} = ${JSON.stringify(modelArgument(v))}`).join(", ")} does not check: ${errors[0] ?? "it has errors"}`);
    }
    const args = argsOf(binding);
    return { args, key: variantKey(args), graph: variant };
  });
}

function argsOf(params: readonly (readonly [string, Value])[]): Record<string, unknown> {
  return Object.fromEntries(params.map(([k, v]) => [k, modelArgument(v)]));
}
