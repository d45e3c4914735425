/**
 * The `inputs` and `outputs` a generated training hands the runtime: each model input's and
 * output's name, per-example shape and element type, read from the checked graph. A dimension is a
 * number when every variant of the model the training builds gives it the same known size, and
 * null otherwise (a symbol such as `T`, or a size a search chooses).
 */
import type { ModelGraph } from "../checker/graph.js";
import { constValue } from "../shapes/dim.js";
import type { Shape } from "../shapes/shape.js";
import type { TensorSpec } from "../../runtime/core/program.js";

interface Tensor {
  readonly name: string;
  readonly shape: Shape;
  readonly dtype: TensorSpec["dtype"];
}

/** The specs of the inputs of `graphs`, the variants of one model (same inputs, possibly other sizes). */
export function inputSpecs(graphs: readonly ModelGraph[]): TensorSpec[] {
  return merged(graphs.map((g) => g.inputs));
}

/** The specs of the outputs of `graphs`, the variants of one model. */
export function outputSpecs(graphs: readonly ModelGraph[]): TensorSpec[] {
  return merged(graphs.map((g) => g.outputs.map((o) => ({ name: o.name, shape: o.tensor.shape, dtype: o.tensor.dtype }))));
}

function merged(variants: readonly (readonly Tensor[])[]): TensorSpec[] {
  const [first = [], ...rest] = variants;
  return first.map((tensor, i) => {
    const shape = tensor.shape.map((d, axis) => {
      const size = constValue(d);
      const agreed = rest.every((v) => {
        const other = v[i]?.shape;
        return other !== undefined && other.length === tensor.shape.length && constValue(other[axis]) === size;
      });
      return agreed ? (size ?? null) : null;
    });
    return { name: tensor.name, shape, dtype: tensor.dtype };
  });
}
