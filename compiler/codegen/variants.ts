/**
 * Which builds of a model a training needs. Generated code is monomorphic: each distinct binding
 * of the model's parameters gets its own build function, as generics are specialised. A training
 * that searches over model arguments (`Tunable(hidden: choice(30, 100))`) or over a layer's argument
 * (`dense(choice(32, 64))`) needs one build per combination of values the search can choose, so such
 * spaces must range over finitely many values. A layer's space is keyed in the build's arguments by
 * its dimension's name (`h.units`), as the resolved settings name it.
 */
import type { CheckResult, CheckedTraining } from "../check/check.js";
import { elaborateModel } from "../checker/elaborate.js";
import type { ModelGraph } from "../checker/graph.js";
import type { Value } from "../schema/values.js";
import { num, searchSpaceKey } from "../schema/values.js";
import { layerSearches } from "../training/layer-searches.js";
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
    `the ${name.includes(".") ? "layer" : "model"} argument \`${name}\` is searched over a continuous range (${space.kind}); generated code builds one model per value, so write it as choice(…) or int_uniform(…)`,
  );
}

export function variantsOf(result: CheckResult, training: CheckedTraining): Variant[] {
  const graph = training.model;
  if (!graph) throw new CodegenError(`training ${training.name} has no model`);
  const params = [...graph.params];
  const layers = layerSearches(graph);
  const searched = layers.length > 0 || params.some(([, v]) => v.kind === "search");
  if (!searched) return [{ args: argsOf(params), key: variantKey(argsOf(params)), graph }];
  // Each dimension: its name in the build's arguments, and the values it takes.
  const dimensions: [string, Value][] = [...params, ...layers.map((l): [string, Value] => [l.name, l.value])];
  let combos: [string, Value][][] = [[]];
  for (const [name, value] of dimensions) {
    combos = combos.flatMap((c) => choicesOf(name, value).map((v) => [...c, [name, v] as [string, Value]]));
    if (combos.length > MAX_VARIANTS) throw new CodegenError(`training ${training.name} searches over more than ${MAX_VARIANTS} model variants; narrow the model arguments' search spaces`);
  }
  const scope = result.program.scopes.get(training.file);
  const model = training.decl.model.name ? scope?.models.get(training.decl.model.name) : undefined;
  if (!model) throw new CodegenError(`training ${training.name} has no model`);
  const layerKeys = new Map(layers.map((l) => [l.name, searchSpaceKey(l.space.file, l.space.range)]));
  return combos.map((combo) => {
    const errors: string[] = [];
    const given = new Map(combo.filter(([name]) => !layerKeys.has(name)));
    const chosen = new Map(combo.flatMap(([name, value]) => (layerKeys.has(name) ? [[layerKeys.get(name)!, value] as [string, Value]] : [])));
    const variant = elaborateModel(model, given, { program: result.program, report: (d) => void (d.severity === "error" && errors.push(d.message)), chosen });
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
