/**
 * Merges of two or more tensors. `add` (also written `a + b`), `multiply`, `average` and `maximum`
 * combine their inputs element by element, so every shape must equal the first (E202 otherwise);
 * the output has that shape. `concat(axis = -1)` joins its inputs along `axis`: the shapes must be
 * equal except on that axis, whose sizes add up. Axes count the per-example dimensions only: axis 0
 * is the first dimension after the batch (TensorFlow.js' axis 1), and a negative axis counts from
 * the end. The tensors are not in the signatures: the elaborator passes them as the layer's inputs.
 * No merge has parameters.
 */
import { add, dimConst, dimEquals, dimToString } from "../shapes/dim.js";
import { shapeToString, type Shape } from "../shapes/shape.js";
import { INT } from "../schema/types.js";
import { num } from "../schema/values.js";
import type { LayerDef, ShapeProblem } from "./layer.js";
import { numArg, signature } from "./common.js";
import { notCompiled, props } from "./tfjs-code.js";

function elementwise(name: string, verb: string, doc: string): LayerDef {
  return {
    name,
    category: "merge",
    arity: "many",
    signature: signature(name, `${doc} All shapes must be equal.`, []),
    infer({ inputs, report }) {
      const first = inputs[0].shape;
      for (let i = 1; i < inputs.length; i++) {
        const other = inputs[i].shape;
        const both = `${shapeToString(first)} and ${shapeToString(other)}`;
        if (first.length !== other.length) {
          report({
            code: "E202",
            message: `cannot ${verb} ${both}: ranks differ (${first.length} and ${other.length})`,
            inputIndex: i,
            help: `${name} needs equal shapes; \`flatten\` or \`reshape\` one side so that the shapes agree`,
          });
          return undefined;
        }
        const differ = differingAxes(first, other);
        if (differ.length > 0) {
          report({
            code: "E202",
            message: `cannot ${verb} ${both}: shapes differ in ${describeAxes(differ, first.length)}`,
            inputIndex: i,
            help: elementwiseHelp(name, first, other, differ),
          });
          return undefined;
        }
      }
      return first;
    },
    countParams: () => dimConst(0),
    tfjs: ({ name: layerName }) => ({ construct: `tf.layers.${name}(${props({ name: layerName })})` }),
    native: ({ name: layerName }) => notCompiled(layerName, name),
  };
}

export const concat: LayerDef = {
  name: "concat",
  category: "merge",
  arity: "many",
  signature: signature("concat", "Joins tensors along `axis`: equal shapes except on that axis, whose sizes add up.", [
    { name: "axis", type: INT, default: num(-1), doc: "the axis to join along: 0 is the first after the batch, -1 the last" },
  ]),
  infer({ inputs, args, report }) {
    const first = inputs[0].shape;
    const given = numArg(args, "axis");
    if (given === undefined) return undefined;
    const rank = first.length;
    const axis = given < 0 ? given + rank : given;
    if (axis < 0 || axis >= rank) {
      report({
        code: "E105",
        message: `concat axis ${given} is out of range for ${shapeToString(first)}: expected 0 to ${rank - 1}, or -${rank} to -1`,
        argument: "axis",
        help: "axes count the dimensions of one example: 0 is the first dimension after the batch",
      });
      return undefined;
    }
    const output = [...first];
    for (let i = 1; i < inputs.length; i++) {
      const other = inputs[i].shape;
      const problem = concatProblem(first, other, axis, given, i);
      if (problem) {
        report(problem);
        return undefined;
      }
      output[axis] = add(output[axis], other[axis]);
    }
    return output;
  },
  countParams: () => dimConst(0),
  tfjs({ args, inputs, name }) {
    const axis = numArg(args, "axis") ?? -1;
    const rank = (inputs[0] ?? []).length;
    // tfjs counts the batch axis; nnc does not. A normalized positive axis avoids tfjs's
    // handling of negative axes in concatenate's shape inference.
    const normalized = axis < 0 ? rank + axis : axis;
    return { construct: `tf.layers.concatenate(${props({ axis: String(normalized + 1), name })})` };
  },
  native: ({ name }) => notCompiled(name, "concat"),
};

function concatProblem(first: Shape, other: Shape, axis: number, given: number, inputIndex: number): ShapeProblem | undefined {
  const both = `${shapeToString(first)} and ${shapeToString(other)}`;
  if (first.length !== other.length) {
    return {
      code: "E202",
      message: `cannot concatenate ${both}: ranks differ (${first.length} and ${other.length})`,
      inputIndex,
      help: "`flatten` or `reshape` one side so that both have the same rank",
    };
  }
  const differ = differingAxes(first, other).filter((a) => a !== axis);
  if (differ.length === 0) return undefined;
  const only = differ.length === 1 && dimEquals(first[axis], other[axis]) ? differ[0] : undefined;
  return {
    code: "E202",
    message: `cannot concatenate ${both} on axis ${given}: shapes differ in ${describeAxes(differ, first.length)}`,
    inputIndex,
    help:
      only !== undefined
        ? `they differ only in dimension ${only}: did you mean \`axis: ${only === first.length - 1 ? -1 : only}\`?`
        : "concat needs equal sizes on every axis but the one it joins",
  };
}

/** The axes on which two shapes of the same rank differ. */
function differingAxes(a: Shape, b: Shape): number[] {
  return a.flatMap((d, i) => (dimEquals(d, b[i]) ? [] : [i]));
}

/** "the last dimension", "the first dimension", "dimension 1", "dimensions 0 and 1". */
function describeAxes(axes: readonly number[], rank: number): string {
  if (axes.length === 1) {
    const [axis] = axes;
    if (axis === rank - 1) return "the last dimension";
    if (axis === 0) return "the first dimension";
    return `dimension ${axis}`;
  }
  return `dimensions ${axes.slice(0, -1).join(", ")} and ${axes[axes.length - 1]}`;
}

function elementwiseHelp(name: string, a: Shape, b: Shape, differ: readonly number[]): string {
  const last = a.length - 1;
  if (differ.length === 1 && differ[0] === last) {
    const [what, arg] = a.length === 3 ? ["number of channels", "filters"] : ["last size", "units"];
    return `give both branches the same ${what} (here ${dimToString(a[last])} and ${dimToString(b[last])}), for example the same \`${arg}\`, or join them with \`concat\``;
  }
  if (a.length === 3 && !differ.includes(last)) {
    return "keep height and width equal on both branches: `padding: same` on the convolutions, and the same pooling on each";
  }
  return `${name} needs equal shapes${differ.length === 1 ? "; `concat` joins tensors that differ in one axis" : ""}`;
}

export const addLayer = elementwise("add", "add", "Adds tensors element by element (`a + b`).");
export const multiply = elementwise("multiply", "multiply", "Multiplies tensors element by element.");
export const average = elementwise("average", "average", "Averages tensors element by element.");
export const maximum = elementwise("maximum", "take the maximum of", "Takes the element-wise maximum of tensors.");
