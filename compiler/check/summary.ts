/**
 * A model's summary as data: inputs, layers with kind, source line, output shape and parameter count
 * (split into trainable and non-trainable as Keras splits them), outputs and totals. `nnc summary`
 * prints it as a table or as JSON (§9 of the language reference).
 */
import type { LayerNode, ModelGraph } from "../checker/graph.js";
import { add, dimConst, dimToJson, mul, sub, type Dim } from "../shapes/dim.js";
import { shapeToJson } from "../shapes/shape.js";

export type JsonDim = number | string;

export interface LayerSummary {
  readonly name: string;
  readonly kind: string;
  /** The source line of the layer; for a layer made inside a block, the line of the block call. */
  readonly line: number;
  readonly output: JsonDim[];
  readonly params: JsonDim;
  readonly trainable: JsonDim;
  /** Weights no gradient updates: batch norm's moving mean and variance. */
  readonly nonTrainable: JsonDim;
}

export interface ModelSummary {
  readonly name: string;
  readonly inputs: { readonly name: string; readonly shape: JsonDim[]; readonly dtype?: string }[];
  readonly layers: LayerSummary[];
  readonly outputs: { readonly name: string; readonly shape: JsonDim[] }[];
  /** Null when some layer's count is unknown (an error was reported). */
  readonly params: JsonDim | null;
  readonly trainable: JsonDim | null;
  readonly nonTrainable: JsonDim | null;
}

/**
 * The weights of a layer no gradient updates: batch norm's moving mean and variance, 2·C of its
 * 4·C (also inside `time_distributed`). Freezing is a training's choice, not the model's.
 */
function nonTrainableParams(layer: LayerNode): Dim {
  const inner = layer.args.get("layer")?.value;
  const kind = layer.def.name === "time_distributed" && inner?.kind === "layer" ? inner.layer : layer.def.name;
  const channels = layer.output?.shape[layer.output.shape.length - 1];
  return kind === "batchnorm" && channels ? mul(dimConst(2), channels) : dimConst(0);
}

export function summarize(graph: ModelGraph): ModelSummary {
  let nonTrainable = dimConst(0);
  for (const layer of graph.layers) nonTrainable = add(nonTrainable, nonTrainableParams(layer));
  return {
    name: graph.name,
    inputs: graph.inputs.map((i) => ({ name: i.name, shape: shapeToJson(i.shape), ...(i.dtype === "int32" ? { dtype: "int32" } : {}) })),
    layers: graph.layers.map((layer) => ({
      name: layer.name,
      kind: layer.def.name,
      line: layer.site.range.start.line,
      output: layer.output ? shapeToJson(layer.output.shape) : [],
      params: layer.params ? dimToJson(layer.params) : 0,
      trainable: layer.params ? dimToJson(sub(layer.params, nonTrainableParams(layer))) : 0,
      nonTrainable: dimToJson(nonTrainableParams(layer)),
    })),
    outputs: graph.outputs.map((o) => ({ name: o.name, shape: shapeToJson(o.tensor.shape) })),
    params: graph.totalParams ? dimToJson(graph.totalParams) : null,
    trainable: graph.totalParams ? dimToJson(sub(graph.totalParams, nonTrainable)) : null,
    nonTrainable: graph.totalParams ? dimToJson(nonTrainable) : null,
  };
}
