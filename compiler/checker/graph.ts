/**
 * The elaborated form of a model: every block call inlined, every parameter bound, every layer with
 * its resolved arguments and inferred output shape. Summary, training checks, code generation and
 * the language server all read this graph; nothing here points back into the checker.
 */
import type { Range } from "../../grammar/ast.js";
import type { LayerDef } from "../layers/layer.js";
import type { Dim } from "../shapes/dim.js";
import type { Shape } from "../shapes/shape.js";
import type { BoundArgs, DType, TensorValue, Value } from "../schema/values.js";
import type { Location } from "../diagnostics/diagnostic.js";

/** One layer instance of a model. */
export interface LayerNode {
  /** Index in `ModelGraph.layers`; layers are listed in creation (topological) order. */
  readonly id: number;
  /** The label, or a Keras-like name (`dense_1`, `conv2d_2`) when unlabelled. */
  readonly name: string;
  readonly labelled: boolean;
  readonly def: LayerDef;
  readonly args: BoundArgs;
  readonly inputs: readonly TensorValue[];
  /** The inferred output, or undefined when the input did not fit (already reported). */
  readonly output?: TensorValue;
  readonly params?: Dim;
  /** Where the layer is written: the stage or call expression, possibly inside a block. */
  readonly definedAt: Location;
  /** Where it enters the model: the same as `definedAt`, or the outermost block call that made it. */
  readonly site: Location;
  /** The chain of block calls that made this layer, outermost first (empty at model level). */
  readonly blockPath: readonly string[];
  readonly doc?: string;
}

export interface ModelInput {
  readonly name: string;
  readonly shape: Shape;
  readonly dtype: DType;
  readonly definedAt: Location;
}

export interface ModelOutput {
  readonly name: string;
  readonly tensor: TensorValue;
  readonly definedAt: Location;
}

/** A model parameter without a value: its name and where it is declared. */
export interface UnboundParam {
  readonly name: string;
  readonly declaredAt: Location;
}

export interface ModelGraph {
  readonly name: string;
  readonly file: string;
  readonly inputs: readonly ModelInput[];
  readonly layers: readonly LayerNode[];
  readonly outputs: readonly ModelOutput[];
  /** The model's parameters as bound for this elaboration (defaults or a training's arguments). */
  readonly params: ReadonlyMap<string, Value>;
  /**
   * The parameters this elaboration left without a value: no default and no argument (an `int` stays
   * a symbol). The model may declare them so; a training must give them (E103).
   */
  readonly unbound: readonly UnboundParam[];
  /** The sum of every layer's parameters; undefined when some layer's count is unknown. */
  readonly totalParams?: Dim;
  /** True when elaboration reported an error: shapes after the error are missing. */
  readonly incomplete: boolean;
}

/** Where a value that flows through a model was made, for "from maxpool at line 6" labels. */
export function producerOf(graph: Pick<ModelGraph, "layers">, tensor: TensorValue): LayerNode | undefined {
  return tensor.source.kind === "layer" ? graph.layers[tensor.source.layerId] : undefined;
}

/** A range's first line, for messages. */
export function lineOf(range: Range): number {
  return range.start.line;
}
