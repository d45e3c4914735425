/**
 * A model graph → the body of a build function: one `tf.input` per input, one constructed and
 * applied layer per node in graph order, and `tf.model` over the outputs. Local names are
 * generated (`input0`, `layer3`), never taken from the source.
 */
import type { ModelGraph } from "../checker/graph.js";
import { constValue } from "../shapes/dim.js";
import type { TensorValue } from "../schema/values.js";
import { CodegenError, emitLayer, nativeEntry, type LayerCode } from "./emit-layer.js";
import { helperLayerName, tfjsName } from "../../runtime/core/layer-names.js";
import type { NativeEntry } from "../../runtime/core/native-layer.js";
import { literal } from "../schema/literal.js";

export interface EmittedModel {
  /** Statements of the build function's body. */
  readonly statements: readonly string[];
  readonly penalties: Readonly<Record<string, NonNullable<LayerCode["penalty"]>>>;
  /** Each tfjs layer's entry of the compiled native step, by tfjs layer name. */
  readonly nativeLayers: Readonly<Record<string, NativeEntry>>;
}

export function emitModel(graph: ModelGraph): EmittedModel {
  if (graph.incomplete) throw new CodegenError(`model ${graph.name} has errors`);
  const statements: string[] = [];
  const penalties: Record<string, NonNullable<LayerCode["penalty"]>> = {};
  const nativeLayers: Record<string, NativeEntry> = {};
  const inputNames = new Map<string, string>();
  graph.inputs.forEach((input, i) => {
    const local = `input${i}`;
    inputNames.set(input.name, local);
    const shape = input.shape.map((d) => constValue(d) ?? null);
    const dtype = input.dtype === "int32" ? `, dtype: "int32"` : "";
    // tfjs-layers rejects names starting with `_`: they are given to it as `nn-_x` (runtime/core/layer-names.ts).
    statements.push(`const ${local} = tf.input({ shape: ${literal(shape)}, name: ${literal(tfjsName(input.name))}${dtype} });`);
  });
  const ref = (t: TensorValue): string => {
    if (t.source.kind === "input") {
      const local = inputNames.get(t.source.name);
      if (!local) throw new CodegenError(`unknown input ${t.source.name}`);
      return local;
    }
    return `layer${t.source.layerId}`;
  };
  for (const node of graph.layers) {
    if (!node.output) throw new CodegenError(`layer ${node.name} has no inferred output`);
    const code = emitLayer(node);
    const inputs = node.def.arity === "many" ? `[${node.inputs.map(ref).join(", ")}]` : ref(node.inputs[0]);
    const applied = `${code.construct}.apply(${inputs}) as tf.SymbolicTensor`;
    const value = code.then ? `${code.then}.apply(${applied}) as tf.SymbolicTensor` : applied;
    statements.push(`const layer${node.id} = ${value};`);
    // Keyed by the layer's tfjs name, which the runtime looks up (and never `__proto__`: that is `nn-__proto__`).
    if (code.penalty) penalties[tfjsName(node.name)] = code.penalty;
    nativeLayers[tfjsName(node.name)] = nativeEntry(node);
    // The one helper layer generated code adds (a leaky_relu activation) has no native counterpart.
    const helper = helperLayerName(node.name, "leaky_relu");
    if (code.then) nativeLayers[helper] = { notCompiled: `layer "${helper}" (leaky_relu) is not compiled` };
  }
  const inputs = graph.inputs.map((i) => inputNames.get(i.name)).join(", ");
  const outputs = graph.outputs.map((o) => ref(o.tensor)).join(", ");
  statements.push(`return tf.model({ inputs: [${inputs}], outputs: [${outputs}], name: ${literal(tfjsName(graph.name))} });`);
  return { statements, penalties, nativeLayers };
}
