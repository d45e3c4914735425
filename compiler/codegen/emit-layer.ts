/**
 * One elaborated layer → the TypeScript expression that constructs its tfjs-layers counterpart and
 * its entry of the compiled native step, both written by the layer's own definition
 * (compiler/layers/*.ts). tfjs-layers rejects names starting with `_`: they are given to it as
 * `nn-_h` (runtime/core/layer-names.ts).
 */
import { tfjsName } from "../../runtime/core/layer-names.js";
import type { NativeEntry } from "../../runtime/core/native-layer.js";
import type { LayerNode } from "../checker/graph.js";
import type { LayerCode } from "../layers/tfjs-code.js";
import { literal } from "../schema/literal.js";

export { CodegenError, type LayerCode } from "../layers/tfjs-code.js";

/** The code for one node of a model graph. */
export function emitLayer(node: LayerNode): LayerCode {
  return node.def.tfjs({ args: node.args, inputs: node.inputs.map((t) => t.shape), output: node.output?.shape, name: literal(tfjsName(node.name)), owner: node.name });
}

/** The native plan entry of one node of a model graph (whose output was inferred). */
export function nativeEntry(node: LayerNode): NativeEntry {
  return node.def.native({ args: node.args, inputs: node.inputs.map((t) => t.shape), output: node.output?.shape ?? [], name: node.name });
}
