/**
 * Which builds of a model a training needs. Generated code is monomorphic: each distinct binding
 * of the model's parameters gets its own build function, as generics are specialised. A training
 * that searches over model arguments (`Tunable(hidden: choice(30, 100))`) needs one build per value
 * the search can choose, so such arguments must range over finitely many values.
 */
import type { CheckResult, CheckedTraining } from "../check/check.js";
import { elaborateModel } from "../checker/elaborate.js";
import type { ModelGraph } from "../checker/graph.js";
import type { Value } from "../schema/values.js";
import { num } from "../schema/values.js";
import { modelArgument } from "../training/resolve.js";
import { argumentsKey as variantKey } from "../../runtime/core/pick-build.js";
import { MAX_MODEL_VARIANTS } from "../training/rules/search-space.js";
import { CodegenError } from "./emit-layer.js";

/** Enough for any sensible `int_uniform` over layer widths; more would bloat the module (E304 at check time). */
const MAX_VARIANTS = MAX_MODEL_VARIANTS;

export interface Variant {
  /** The arguments as the runtime sees them (`{ hidden: 30 }`), and their canonical key. */
  readonly args: Readonly<Record<string, unknown>>;
  readonly key: string;
  readonly graph: ModelGraph;
}

function choicesOf(name: string, value: Value): Value[] {
  if (value.kind !== "search") return [value];
  const space = value.space;
  if (space.kind === "choice") return space.options.flatMap((o) => choicesOf(name, o));
  if (space.kind === "int_uniform") {
    const [low, high] = space.options.map((o) => (o.kind === "number" ? o.value : NaN));
    const values: Value[] = [];
    for (let v = Math.ceil(low); v <= Math.floor(high) && values.length <= MAX_VARIANTS; v++) values.push(num(v));
    return values;
  }
  throw new CodegenError(
    `the model argument \`${name}\` is searched over a continuous range (${space.kind}); generated code builds one model per value, so write it as choice(…) or int_uniform(…)`,
  );
}

export function variantsOf(result: CheckResult, training: CheckedTraining): Variant[] {
  const graph = training.model;
  if (!graph) throw new CodegenError(`training ${training.name} has no model`);
  const params = [...graph.params];
  const searched = params.some(([, v]) => v.kind === "search");
  if (!searched) return [{ args: argsOf(params), key: variantKey(argsOf(params)), graph }];
  let combos: [string, Value][][] = [[]];
  for (const [name, value] of params) {
    combos = combos.flatMap((c) => choicesOf(name, value).map((v) => [...c, [name, v] as [string, Value]]));
    if (combos.length > MAX_VARIANTS) throw new CodegenError(`training ${training.name} searches over more than ${MAX_VARIANTS} model variants; narrow the model arguments' search spaces`);
  }
  const scope = result.program.scopes.get(training.file);
  const model = training.decl.model.name ? scope?.models.get(training.decl.model.name) : undefined;
  if (!model) throw new CodegenError(`training ${training.name} has no model`);
  return combos.map((combo) => {
    const errors: string[] = [];
    const variant = elaborateModel(model, new Map(combo), { program: result.program, report: (d) => void (d.severity === "error" && errors.push(d.message)) });
    if (errors.length || variant.incomplete) {
      throw new CodegenError(`model ${graph.name} with ${combo.map(([k, v]) => `${k} = ${JSON.stringify(modelArgument(v))}`).join(", ")} does not check: ${errors[0] ?? "it has errors"}`);
    }
    const args = argsOf(combo);
    return { args, key: variantKey(args), graph: variant };
  });
}

function argsOf(params: readonly (readonly [string, Value])[]): Record<string, unknown> {
  return Object.fromEntries(params.map(([k, v]) => [k, modelArgument(v)]));
}
