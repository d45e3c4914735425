/**
 * A model's summary as data: inputs, layers with kind, source line, output shape and parameter count,
 * outputs and total. `nnc summary` prints it as a table or as JSON (§7 of the language reference).
 */
import type { ModelGraph } from "../checker/graph.js";
import { dimToJson } from "../shapes/dim.js";
import { shapeToJson } from "../shapes/shape.js";

export type JsonDim = number | string;

export interface LayerSummary {
  readonly name: string;
  readonly kind: string;
  /** The source line of the layer; for a layer made inside a block, the line of the block call. */
  readonly line: number;
  readonly output: JsonDim[];
  readonly params: JsonDim;
}

export interface ModelSummary {
  readonly name: string;
  readonly inputs: { readonly name: string; readonly shape: JsonDim[]; readonly dtype?: string }[];
  readonly layers: LayerSummary[];
  readonly outputs: { readonly name: string; readonly shape: JsonDim[] }[];
  readonly params: JsonDim | null;
}

export function summarize(graph: ModelGraph): ModelSummary {
  return {
    name: graph.name,
    inputs: graph.inputs.map((i) => ({ name: i.name, shape: shapeToJson(i.shape), ...(i.dtype === "int32" ? { dtype: "int32" } : {}) })),
    layers: graph.layers.map((layer) => ({
      name: layer.name,
      kind: layer.def.name,
      line: layer.site.range.start.line,
      output: layer.output ? shapeToJson(layer.output.shape) : [],
      params: layer.params ? dimToJson(layer.params) : 0,
    })),
    outputs: graph.outputs.map((o) => ({ name: o.name, shape: shapeToJson(o.tensor.shape) })),
    params: graph.totalParams ? dimToJson(graph.totalParams) : null,
  };
}
