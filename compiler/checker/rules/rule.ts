import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import type { LayerNode, ModelGraph } from "../graph.js";

/** What a model rule may do: look at the elaborated model and report. Rules never throw. */
export interface RuleContext {
  readonly file: string;
  report(d: Diagnostic): void;
}

export type ModelRule = (graph: ModelGraph, ctx: RuleContext) => void;

/** The activation a layer applies, if any (`dense(…, activation: relu)` and `relu` both give "relu"). */
export function activationOf(layer: LayerNode): string | undefined {
  const a = layer.def.activation?.(layer.args);
  return a === "linear" ? undefined : a;
}

/** For each layer, the layers that consume its output. */
export function consumers(graph: ModelGraph): LayerNode[][] {
  const result: LayerNode[][] = graph.layers.map(() => []);
  for (const layer of graph.layers) {
    for (const input of layer.inputs) if (input.source.kind === "layer") result[input.source.layerId]?.push(layer);
  }
  return result;
}
