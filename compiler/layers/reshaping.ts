/**
 * Layers that rearrange values without computing anything: `flatten` `[d1, …, dk] → [d1·…·dk]`
 * (every dimension must be known: a symbolic one is E203), `reshape(shape)` (the sizes must
 * multiply to the same number of values, E203; one `-1` is worked out from the others), and
 * `repeat(n)` `[F] → [n, F]` (a vector only, E200). None has parameters.
 */
import { constValue, dimConst, dimEquals, dimToString, floorDiv, isConst, mul, type Dim } from "../shapes/dim.js";
import { product, shapeToString, type Shape } from "../shapes/shape.js";
import { POSITIVE_DIM } from "../schema/types.js";
import { arg, concrete } from "../schema/values.js";
import type { LayerDef, ShapeProblem } from "./layer.js";
import { dimArg, signature, wrongRank } from "./common.js";
import { CodegenError, known, notCompiled, props } from "./tfjs-code.js";
import { literal } from "../schema/literal.js";

export const flatten: LayerDef = {
  name: "flatten",
  category: "reshaping",
  arity: "one",
  signature: signature("flatten", "Flattens each example into a vector: `[d1, …, dk] → [d1·…·dk]`.", []),
  infer({ inputs, report }) {
    const input = inputs[0].shape;
    const symbolic = input.filter((d) => !isConst(d));
    if (symbolic.length > 0) {
      report({
        code: "E203",
        message: `flatten needs every dimension known, but ${symbolic.map(dimToString).join(" and ")} in ${shapeToString(input)} ${symbolic.length === 1 ? "is" : "are"} symbolic`,
        help: "reduce the variable axis to a fixed size first: a recurrent layer (`gru(…)`, `lstm(…)`) for a sequence, or global pooling (`global_avgpool`) for an image",
      });
      return undefined;
    }
    return [product(input)];
  },
  countParams: () => dimConst(0),
  tfjs: ({ name }) => ({ construct: `tf.layers.flatten(${props({ name })})` }),
  // NHWC rows are already flat in tfjs's order.
  native: () => ({ nothing: true }),
};

export const reshape: LayerDef = {
  name: "reshape",
  category: "reshaping",
  arity: "one",
  signature: signature("reshape", "Gives each example a new shape with the same number of values; one size may be -1.", [
    {
      name: "shape",
      type: { kind: "list", of: { kind: "int", symbolic: true }, minItems: 1 },
      required: true,
      doc: "the new shape, such as `[7, 7, 64]`; one size may be `-1`, worked out from the others",
    },
  ]),
  infer({ inputs, args, report }) {
    const input = inputs[0].shape;
    const target = targetShape(arg(args, "shape"));
    if (!target) return undefined;
    const problem = checkTarget(target);
    if (problem) {
      report(problem);
      return undefined;
    }
    const result = fillUnknown(input, target);
    if ("problem" in result) {
      report(result.problem);
      return undefined;
    }
    // TensorFlow.js's reshape takes each size as a number and works out one -1: a shape with two
    // sizes that stay symbolic (`[T, 3 * U]`) cannot be built.
    const symbolic = result.shape.filter((d) => constValue(d) === undefined);
    if (symbolic.length > 1) {
      report({
        code: "E203",
        message: `reshape to ${shapeToString(result.shape)} leaves ${symbolic.length} sizes symbolic (${symbolic.map(dimToString).join(", ")}), but only one can be worked out when the model runs`,
        help: "keep one variable size and make the others fixed numbers, or reduce the variable axes first (a recurrent layer or global pooling)",
      });
      return undefined;
    }
    return result.shape;
  },
  countParams: () => dimConst(0),
  tfjs({ output, name }) {
    if (!output) throw new CodegenError("reshape without an output shape");
    // The one symbolic size (infer allows no more) is the one tfjs works out when the model runs.
    return { construct: `tf.layers.reshape(${props({ targetShape: literal(output.map((d) => constValue(d) ?? -1)), name })})` };
  },
  native: ({ name }) => notCompiled(name, "reshape"),
};

export const repeat: LayerDef = {
  name: "repeat",
  category: "reshaping",
  arity: "one",
  signature: signature("repeat", "Repeats a vector n times: `[F] → [n, F]` (a sequence of n equal steps).", [
    { name: "n", type: POSITIVE_DIM, required: true, doc: "number of steps" },
  ]),
  infer({ inputs, args, report }) {
    const input = inputs[0].shape;
    const n = dimArg(args, "n");
    if (input.length !== 1) {
      report(
        wrongRank(
          "repeat",
          "[features]",
          input,
          input.length === 2
            ? "repeat copies a vector; reduce the sequence first (a recurrent layer without `return_sequences` gives one vector)"
            : "repeat copies a vector; `flatten` or pool the input to a vector first",
        ),
      );
      return undefined;
    }
    return n ? [n, input[0]] : undefined;
  },
  countParams: () => dimConst(0),
  tfjs: ({ args, name }) => ({ construct: `tf.layers.repeatVector(${props({ n: String(known(dimArg(args, "n"), "repeat n")), name })})` }),
  native: ({ name }) => notCompiled(name, "repeat"),
};

/** The sizes of a `reshape` target, `-1` as undefined; undefined as a whole when unknown. */
function targetShape(value: ReturnType<typeof arg>): (Dim | number)[] | undefined {
  if (!value) return undefined;
  const list = concrete(value);
  if (list.kind !== "list") return undefined;
  const sizes: (Dim | number)[] = [];
  for (const item of list.items) {
    if (item.kind === "number") sizes.push(item.value);
    else if (item.kind === "dim") sizes.push(item.dim);
    else return undefined;
  }
  return sizes;
}

function checkTarget(target: readonly (Dim | number)[]): ShapeProblem | undefined {
  const text = targetToString(target);
  const bad = target.find((s): s is number => typeof s === "number" && s !== -1 && s < 1);
  if (bad !== undefined) {
    return {
      code: "E105",
      message: `the sizes of reshape must be positive, or -1 for one size worked out from the others; found ${bad} in ${text}`,
      argument: "shape",
      help: "write -1 for the size to be worked out",
    };
  }
  const unknowns = target.filter((s) => s === -1).length;
  if (unknowns > 1) {
    return {
      code: "E203",
      message: `reshape can work out one size, but ${text} has ${unknowns} sizes of -1`,
      argument: "shape",
      help: "give every size but one",
    };
  }
  return undefined;
}

/**
 * Checks that `target` holds as many values as `input` and works out its `-1`. Sizes equal on both
 * sides cancel first, so `[T, 4, 2] → [T, -1]` gives `[T, 8]`.
 */
function fillUnknown(input: Shape, target: readonly (Dim | number)[]): { readonly shape: Shape } | { readonly problem: ShapeProblem } {
  const known = target.filter((s): s is Dim | number => s !== -1).map((s) => (typeof s === "number" ? dimConst(s) : s));
  const left = [...input];
  const right: Dim[] = [];
  for (const size of known) {
    const i = left.findIndex((d) => dimEquals(d, size));
    if (i >= 0) left.splice(i, 1);
    else right.push(size);
  }
  const have = product(left);
  const want = product(right);
  const values = `${shapeToString(input)} (${dimToString(product(input))} values)`;
  const text = targetToString(target);
  const unknown = target.indexOf(-1);
  if (unknown < 0) {
    if (dimEquals(have, want)) return { shape: known };
    return {
      problem: {
        code: "E203",
        message: `reshape cannot turn ${values} into ${text} (${dimToString(product(known))} values)`,
        help: "the sizes must multiply to the same number of values; write -1 for one size to have it worked out",
      },
    };
  }
  const k = constValue(want);
  const quotient = k === undefined ? undefined : exactQuotient(have, k);
  if (quotient === undefined) {
    const constant = constValue(have);
    return {
      problem: {
        code: "E203",
        message:
          constant !== undefined && k !== undefined
            ? `reshape cannot turn ${values} into ${text}: ${dimToString(product(input))} is not a multiple of ${dimToString(product(known))}`
            : `reshape cannot work out the -1 in ${text} from ${values}`,
        help:
          constant !== undefined && k !== undefined
            ? "choose sizes whose product divides the number of values"
            : "write every size of the new shape, so that they multiply to the input's size",
      },
    };
  }
  const shape = target.map((s) => (s === -1 ? quotient : typeof s === "number" ? dimConst(s) : s));
  return { shape };
}

/** `have / k` when it divides exactly (checked on the symbolic form), else undefined. */
function exactQuotient(have: Dim, k: number): Dim | undefined {
  if (k <= 0) return undefined;
  const c = constValue(have);
  if (c !== undefined) return c % k === 0 ? dimConst(c / k) : undefined;
  if (k === 1) return have;
  const q = floorDiv(have, k);
  return dimEquals(mul(q, dimConst(k)), have) ? q : undefined;
}

function targetToString(target: readonly (Dim | number)[]): string {
  return `[${target.map((s) => (typeof s === "number" ? String(s) : dimToString(s))).join(", ")}]`;
}
