/**
 * Search spaces written in a model's layers (`dense(choice(32, 64))`): each is a dimension of a
 * training's search, as a model argument is. Generated code builds the model once per value such a
 * space may take, and the runtime picks the build by the chosen values, which travel with the
 * model arguments under the dimension's name (`h.units`).
 */
import type { LayerNode, ModelGraph } from "../checker/graph.js";
import { searchSpaceKey, type SearchSpace, type Value } from "../schema/values.js";

export interface LayerSearch {
  /**
   * The layer's label (or its Keras-like name) and the argument: `h.units`, `dense_2.rate`,
   * `lstm_1.layer.units` inside a wrapped layer. A space reached by several layers (a block called
   * twice) is one dimension, named after the first.
   */
  readonly name: string;
  /** The search value, as the binder made it. */
  readonly value: Value & { readonly kind: "search" };
  readonly space: SearchSpace;
  readonly layer: LayerNode;
}

/** The spaces of the model's layers, in layer order, without those that come from model arguments. */
export function layerSearches(graph: ModelGraph): LayerSearch[] {
  const fromParams = new Set<string>();
  for (const value of graph.params.values()) walk(value, "", (space) => fromParams.add(searchSpaceKey(space.space.file, space.space.range)));
  const found = new Map<string, LayerSearch>();
  for (const layer of graph.layers) {
    for (const [arg, { value }] of layer.args) {
      walk(value, `${layer.name}.${arg}`, (search, name) => {
        const key = searchSpaceKey(search.space.file, search.space.range);
        if (!fromParams.has(key) && !found.has(key)) found.set(key, { name, value: search, space: search.space, layer });
      });
    }
  }
  return [...found.values()];
}

/** Calls `visit` for each outermost search space in a value (an option's own space is chosen with it). */
function walk(value: Value, path: string, visit: (search: Value & { readonly kind: "search" }, path: string) => void): void {
  if (value.kind === "search") visit(value, path);
  else if (value.kind === "ctor" || value.kind === "layer") for (const [name, a] of value.args) walk(a.value, `${path}.${name}`, visit);
  else if (value.kind === "list") value.items.forEach((item, i) => walk(item, `${path}[${i}]`, visit));
}
