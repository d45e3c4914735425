/**
 * The model variants a training's search builds: one binding of values per combination its searched
 * model arguments (`Tunable(hidden: choice(30, 100))`) and layer arguments (`dense(choice(32, 64))`)
 * can choose, each elaborated as a model of its own. Code generation builds one model per binding
 * (codegen/variants.ts), and the check checks each (check/training-model.ts), so both see the same
 * variants and agree on whether they check.
 */
import type { ModelDecl } from "../../grammar/ast.js";
import { elaborateModel, type ElaborationHost } from "../checker/elaborate.js";
import type { ModelGraph } from "../checker/graph.js";
import type { Declared } from "../checker/program.js";
import { num, searchSpaceKey, type SearchSpace, type Value } from "../schema/values.js";
import { layerSearches } from "./layer-searches.js";
import { MAX_MODEL_VARIANTS } from "./rules/search-space.js";

/** Each dimension's name in the build's arguments (`hidden`, `h.units`) and the value it takes. */
export type VariantBinding = readonly (readonly [string, Value])[];

export type ModelVariants =
  /** Nothing searched: the model's parameters as they are. */
  | { readonly kind: "fixed"; readonly binding: VariantBinding }
  | {
      readonly kind: "searched";
      /** Each dimension with its value as written (a search, or a model argument's plain value). */
      readonly dimensions: VariantBinding;
      /** One per combination, in the dimensions' order. */
      readonly bindings: readonly VariantBinding[];
      /** A layer dimension's name → its space's `searchSpaceKey`, as elaboration's `chosen` takes it. */
      readonly layerKeys: ReadonlyMap<string, string>;
    }
  /** A dimension over a continuous range, which has no list of values (E304 at check time). */
  | { readonly kind: "continuous"; readonly name: string; readonly space: SearchSpace }
  /** More than `MAX_MODEL_VARIANTS` combinations (E304 at check time). */
  | { readonly kind: "too-many" };

/** The values a dimension takes, or undefined for a continuous range. */
function choicesOf(value: Value): Value[] | undefined {
  if (value.kind !== "search") return [value];
  const space = value.space;
  if (space.kind === "choice") {
    const values: Value[] = [];
    for (const option of space.options) {
      const inner = choicesOf(option);
      if (!inner) return undefined;
      values.push(...inner);
    }
    return values;
  }
  if (space.kind === "int_uniform") {
    const [low, high] = space.options.map((o) => (o.kind === "number" ? o.value : NaN));
    const values: Value[] = [];
    for (let v = Math.ceil(low); v <= Math.floor(high) && values.length <= MAX_MODEL_VARIANTS; v++) values.push(num(v));
    return values;
  }
  return undefined;
}

/** The variants of `graph`, a model elaborated with a training's arguments (search spaces as written). */
export function modelVariants(graph: ModelGraph): ModelVariants {
  const params = [...graph.params];
  const layers = layerSearches(graph);
  if (layers.length === 0 && !params.some(([, v]) => v.kind === "search")) return { kind: "fixed", binding: params };
  const dimensions: [string, Value][] = [...params, ...layers.map((l): [string, Value] => [l.name, l.value])];
  let bindings: (readonly [string, Value])[][] = [[]];
  for (const [name, value] of dimensions) {
    const choices = choicesOf(value);
    if (!choices) return { kind: "continuous", name, space: (value as Value & { kind: "search" }).space };
    bindings = bindings.flatMap((b) => choices.map((v) => [...b, [name, v] as const]));
    if (bindings.length > MAX_MODEL_VARIANTS) return { kind: "too-many" };
  }
  const layerKeys = new Map(layers.map((l) => [l.name, searchSpaceKey(l.space.file, l.space.range)]));
  return { kind: "searched", dimensions, bindings, layerKeys };
}

/** Elaborates `model` as one variant: model arguments as given, layer spaces as `chosen`. */
export function elaborateVariant(
  model: Declared<ModelDecl>,
  variants: Extract<ModelVariants, { kind: "searched" }>,
  binding: VariantBinding,
  host: Omit<ElaborationHost, "chosen">,
): ModelGraph {
  const { layerKeys } = variants;
  const given = new Map(binding.filter(([name]) => !layerKeys.has(name)));
  const chosen = new Map(binding.flatMap(([name, value]) => (layerKeys.has(name) ? [[layerKeys.get(name)!, value] as const] : [])));
  return elaborateModel(model, given, { ...host, chosen });
}
