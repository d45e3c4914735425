/**
 * `zero_padding2d` (Keras's ZeroPadding2D) surrounds each image with rows and columns of zeros:
 * `[H, W, C] → [H + top + bottom, W + left + right, C]`. The padding is one integer for every side
 * (`1`), a pair for the rows and the columns (`[1, 2]`: top = bottom = 1, left = right = 2), or two
 * pairs (`[[1, 2], [3, 4]]`: (top, bottom), (left, right)). Symbolic sizes stay symbolic. An input
 * that is not an image is E200, a negative padding E105. It has no parameters; the compiled native
 * step does not cover it, so a model with it trains through autograd.
 */
import { add, constValue, dimConst, dimToString, type Dim } from "../shapes/dim.js";
import type { Shape } from "../shapes/shape.js";
import type { ValueType } from "../schema/types.js";
import { arg, concrete, num, type BoundArgs, type Value } from "../schema/values.js";
import type { LayerDef, ShapeProblem } from "./layer.js";
import { signature, wrongRank } from "./common.js";
import { CodegenError, known, props } from "./tfjs-code.js";
import { literal } from "../schema/literal.js";

/** Rows or columns of zeros on one side; may be a block's `int` parameter. */
const AMOUNT: ValueType = { kind: "int", range: { min: 0 }, symbolic: true };

/** `1`, `[1, 2]` or `[[1, 2], [3, 4]]`. */
const PADDING_2D: ValueType = {
  kind: "union",
  what: "padding",
  of: [AMOUNT, { kind: "list", of: { kind: "union", what: "padding", of: [AMOUNT, { kind: "list", of: AMOUNT }] }, minItems: 2 }],
};

/** The zeros added on each side: ((top, bottom), (left, right)), as tfjs-layers takes them. */
type Sides = readonly [readonly [Dim, Dim], readonly [Dim, Dim]];

export const zeroPadding2d: LayerDef = {
  name: "zero_padding2d",
  category: "reshaping",
  arity: "one",
  signature: signature("zero_padding2d", "Adds rows and columns of zeros around each image: `[H, W, C] → [H + top + bottom, W + left + right, C]`.", [
    {
      name: "padding",
      type: PADDING_2D,
      default: num(1),
      doc: "zeros on each side: `1` for all four, `[rows, columns]`, or `[[top, bottom], [left, right]]`",
    },
  ]),
  infer({ inputs, args, report }) {
    const input = inputs[0].shape;
    if (input.length !== 3) {
      report(wrongRank("zero_padding2d", "[height, width, channels]", input, rankHelp(input)));
      return undefined;
    }
    const sides = readSides(args, report);
    if (!sides) return undefined;
    const [[top, bottom], [left, right]] = sides;
    return [add(add(input[0], top), bottom), add(add(input[1], left), right), input[2]];
  },
  countParams: () => dimConst(0),
  tfjs({ args, name }) {
    const sides = readSides(args, () => undefined);
    if (!sides) throw new CodegenError("zero_padding2d: its padding did not check");
    const padding = sides.map((pair) => pair.map((d) => known(d, "zero_padding2d padding")));
    return { construct: `tf.layers.zeroPadding2d(${props({ padding: literal(padding), name })})` };
  },
  native: ({ name }) => ({ notCompiled: `layer "${name}" (zero_padding2d) is not compiled; the autograd path trains it` }),
};

/**
 * The padding of each side, from any of the three forms; reports a list of the wrong form (E104) or
 * a negative amount (E105) and returns undefined, or returns undefined quietly for a value already
 * reported as wrong.
 */
function readSides(args: BoundArgs, report: (problem: ShapeProblem) => void): Sides | undefined {
  const value = arg(args, "padding");
  if (!value) return undefined;
  const padding = concrete(value);
  let sides: Sides | undefined;
  if (padding.kind !== "list") {
    const d = amount(padding);
    if (!d) return undefined;
    sides = [[d, d], [d, d]];
  } else if (padding.items.length === 2 && padding.items.every((item) => item.kind !== "list")) {
    const [rows, columns] = padding.items.map(amount);
    if (!rows || !columns) return undefined;
    sides = [[rows, rows], [columns, columns]];
  } else if (padding.items.length === 2 && padding.items.every((item) => item.kind === "list" && item.items.length === 2)) {
    const [vertical, horizontal] = padding.items.map((item) => (item.kind === "list" ? item.items.map(amount) : []));
    if ([...vertical, ...horizontal].some((d) => d === undefined)) return undefined;
    sides = [[vertical[0]!, vertical[1]!], [horizontal[0]!, horizontal[1]!]];
  } else {
    if (padding.items.some((item) => item.kind === "unknown")) return undefined;
    report({
      code: "E104",
      message: `the padding of zero_padding2d is one integer, a pair [rows, columns] or two pairs [[top, bottom], [left, right]]; found ${formText(padding)}`,
      argument: "padding",
      help: "write `1` for one row or column of zeros on every side, `[1, 2]` for 1 row above and below and 2 columns left and right, or `[[1, 2], [3, 4]]` for each side",
    });
    return undefined;
  }
  const negative = sides.flat().find((d) => (constValue(d) ?? 0) < 0);
  if (negative) {
    report({
      code: "E105",
      message: `the padding of zero_padding2d cannot be negative, found ${dimToString(negative)}`,
      argument: "padding",
      help: "give 0 or more rows and columns of zeros; to cut an image down, use a convolution or pooling with `padding: valid`",
    });
    return undefined;
  }
  return sides;
}

/** One side's amount as a dimension; undefined for a value already reported as wrong. */
function amount(value: Value): Dim | undefined {
  if (value.kind === "number") return dimConst(value.value);
  if (value.kind === "dim") return value.dim;
  return undefined;
}

/** Describes a list of the wrong form: "a list of 3", "a list of 2 whose items are not all pairs". */
function formText(list: Value & { kind: "list" }): string {
  if (list.items.length !== 2) return `a list of ${list.items.length}`;
  return "a list mixing integers and pairs, or with an item that is not a pair";
}

/** What to do about an input that is not an image. */
function rankHelp(input: Shape): string {
  if (input.length === 1) return "a vector has no rows or columns: pad before `flatten`, or `reshape([height, width, channels])` it first";
  if (input.length === 2) return "add a channel axis with `reshape([height, width, 1])`";
  return "zero_padding2d pads one image per example; `reshape` the input to [height, width, channels]";
}
