/**
 * The contract every built-in layer fulfils: the one definition of a layer kind. Its signature
 * (arguments, defaults, ranges) drives argument checking, completion, hover and code generation;
 * `infer` gives the output shape or reports why the input does not fit; `countParams` gives the
 * parameter count exactly as tfjs-layers' `countParams()`; `tfjs` writes its TensorFlow.js
 * construction; `native` gives its entry of the compiled native step's plan.
 */
import type { Range } from "../../grammar/ast.js";
import type { DiagnosticCode, Label } from "../diagnostics/diagnostic.js";
import type { Dim } from "../shapes/dim.js";
import type { Shape } from "../shapes/shape.js";
import type { Signature } from "../schema/types.js";
import type { BoundArgs, DType, TensorValue } from "../schema/values.js";
import type { NativeEntry } from "../../runtime/core/native-layer.js";
import type { LayerCode, LayerSiteCode, LayerSiteNative } from "./tfjs-code.js";

export type LayerCategory =
  | "core"
  | "convolution"
  | "pooling"
  | "reshaping"
  | "regularization"
  | "normalization"
  | "activation"
  | "embedding"
  | "recurrent"
  | "wrapper"
  | "merge";

/** A problem found while inferring a layer's output; the elaborator turns it into a diagnostic. */
export interface ShapeProblem {
  readonly code: DiagnosticCode;
  readonly message: string;
  /** Text under the primary span; defaults to a description of the input and where it came from. */
  readonly label?: string;
  readonly help?: string;
  readonly notes?: readonly string[];
  /** Point at this argument instead of the whole layer call (`kernel`, `rate`). */
  readonly argument?: string;
  /** Which input the problem is about, for the "from maxpool at line 6" label (default 0). */
  readonly inputIndex?: number;
  /** Warnings (W400) do not stop inference: the layer still gets the shape `infer` returns. */
  readonly severity?: "error" | "warning";
}

/** What a layer's `infer` sees. */
export interface InferContext {
  /** The input tensors: one for most layers, two or more for merges. */
  readonly inputs: readonly TensorValue[];
  /** The bound arguments, defaults filled in. */
  readonly args: BoundArgs;
  /** Records a problem. Returning `undefined` from `infer` after an error stops the chain quietly. */
  report(problem: ShapeProblem): void;
}

export interface LayerDef {
  readonly name: string;
  readonly category: LayerCategory;
  readonly signature: Signature;
  /** How many tensor inputs the layer takes: one, or two and more (merges). */
  readonly arity: "one" | "many";
  /** The element type of the output (float32 for every layer except none yet; kept for embedding). */
  readonly outputDType?: DType;
  /** The input element type the layer needs; `embedding` needs int32, every other layer float32. */
  readonly inputDType?: DType;
  /**
   * The output shape for the given inputs, or `undefined` when they do not fit (after reporting).
   */
  infer(ctx: InferContext): Shape | undefined;
  /** Parameters (weights, biases, batch-norm statistics) exactly as tfjs-layers counts them. */
  countParams(inputs: readonly Shape[], args: BoundArgs, output: Shape): Dim;
  /** The activation this layer applies (`dense(…, activation: relu)` → "relu"; `sigmoid` → "sigmoid"). */
  activation?(args: BoundArgs): string | undefined;
  /** The TypeScript expression constructing the layer in tfjs-layers (throws `CodegenError`). */
  tfjs(site: LayerSiteCode): LayerCode;
  /** Its entry of the compiled native step: what to run, nothing (flatten), or why it is not compiled. */
  native(site: LayerSiteNative): NativeEntry;
}

/** Used by the elaborator's diagnostics: where a primary span and secondary labels go. */
export interface LayerSite {
  readonly file: string;
  readonly range: Range;
  readonly labels: readonly Label[];
}
