/**
 * What training rules need to know about a model: whether an input shape accepts a dataset's examples
 * (binding the input's dimension symbols), an output's concrete shape, and the activation each output
 * layer applies.
 */
import type { LayerNode, ModelGraph } from "../checker/graph.js";
import { constValue, dimConst, dimEquals, dimSymbol, substitute, symbolsOf, type Dim } from "../shapes/dim.js";
import type { Shape } from "../shapes/shape.js";

/**
 * Matches a declared input shape against a dataset's example shape (constants). A constant must be
 * equal; a bare symbol (`T`) takes the example's size, the same everywhere it occurs; any other
 * expression is accepted. Returns the symbols' sizes, or undefined when the shapes do not match.
 */
export function matchInput(declared: Shape, example: Shape): Map<string, number> | undefined {
  if (declared.length !== example.length) return undefined;
  const sizes = new Map<string, number>();
  for (let i = 0; i < declared.length; i++) {
    const actual = constValue(example[i]);
    if (actual === undefined) continue;
    const fixed = constValue(declared[i]);
    if (fixed !== undefined) {
      if (fixed !== actual) return undefined;
      continue;
    }
    const symbols = symbolsOf(declared[i]);
    if (symbols.length !== 1 || !dimEquals(declared[i], dimSymbol(symbols[0]))) continue;
    const earlier = sizes.get(symbols[0]);
    if (earlier !== undefined && earlier !== actual) return undefined;
    sizes.set(symbols[0], actual);
  }
  return sizes;
}

/**
 * The sizes every input's dimension symbols take from the examples each input receives (`examples`
 * in input order; an undefined entry is not known). A symbol met twice keeps its first size.
 */
export function inputSizes(inputs: readonly { readonly shape: Shape }[], examples: readonly (Shape | undefined)[]): Map<string, number> {
  const sizes = new Map<string, number>();
  inputs.forEach((input, i) => {
    const example = examples[i];
    const matched = example && matchInput(input.shape, example);
    for (const [name, n] of matched ?? []) if (!sizes.has(name)) sizes.set(name, n);
  });
  return sizes;
}

/** The size of a dimension given the input symbols' sizes (`T - 2` with T = 50 is 48), or undefined. */
export function sizeOf(dim: Dim, sizes: ReadonlyMap<string, number>): number | undefined {
  const bindings = new Map([...sizes].map(([name, n]) => [name, dimConst(n)]));
  return constValue(substitute(dim, bindings));
}

/** A shape's sizes, or undefined when one of them is not known. */
export function sizesOf(shape: Shape, sizes: ReadonlyMap<string, number>): number[] | undefined {
  const result: number[] = [];
  for (const d of shape) {
    const n = sizeOf(d, sizes);
    if (n === undefined) return undefined;
    result.push(n);
  }
  return result;
}

/** The layer that produces output `index` of the model, when it is made by a layer. */
export function outputLayer(model: ModelGraph, index = 0): LayerNode | undefined {
  const source = model.outputs[index]?.tensor.source;
  return source?.kind === "layer" ? model.layers[source.layerId] : undefined;
}

/** Layers that pass their input's values through unchanged in meaning (a softmax stays a softmax). */
const TRANSPARENT = new Set(["regularization", "reshaping"]);

/**
 * The activation output `index` of the model applies (`softmax`, `sigmoid`, `linear`, …), looking
 * through dropout and reshaping layers, together with the layer that applies it. Undefined when the
 * output is not made by a layer (a model input passed straight through).
 */
export function outputActivation(model: ModelGraph, index = 0): { readonly activation: string; readonly layer: LayerNode } | undefined {
  let layer = outputLayer(model, index);
  while (layer) {
    const activation = layer.def.activation?.(layer.args);
    if (activation !== undefined) return { activation, layer };
    const input = layer.inputs[0];
    if (!TRANSPARENT.has(layer.def.category) || layer.inputs.length !== 1 || input.source.kind !== "layer") {
      return { activation: "linear", layer };
    }
    layer = model.layers[input.source.layerId];
  }
  return undefined;
}

/** How messages name a layer: its label, or the generated name (`dense_2`). */
export function describeLayer(layer: LayerNode): string {
  return `\`${layer.name}\``;
}
