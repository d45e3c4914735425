/**
 * `conv2d` and `conv1d`: convolutions over the spatial axes of an image `[H, W, C] → [H', W', filters]`
 * or a sequence `[T, C] → [T', filters]`. Each spatial axis becomes
 *
 *     valid: floor((H − d(k − 1) − 1) / s) + 1        same: ceil(H / s)
 *
 * with kernel k, stride s and dilation d (see `window.ts`); a kernel that does not fit is E201, an
 * input of the wrong rank E200. Parameters: k₁·…·kₙ·C·filters weights plus `filters` biases.
 */
import { add, constValue, dimConst, mul, type Dim } from "../shapes/dim.js";
import { product, type Shape } from "../shapes/shape.js";
import { POSITIVE_DIM } from "../schema/types.js";
import { num, named } from "../schema/values.js";
import type { LayerDef } from "./layer.js";
import {
  activationParam,
  biasInitParam,
  boolArg,
  dimArg,
  enumArg,
  initParam,
  l1Param,
  l2Param,
  PADDING,
  signature,
  useBiasParam,
  wrongRank,
} from "./common.js";
import { checkedWindow, readWindow, slideAll, WINDOW_SIZE, WINDOW_STEP } from "./window.js";
import { known, lastDim, nativeActivation, notCompiled, penaltyOf, props, sizes, tfjsActivation, weightInit } from "./tfjs-code.js";
import { literal } from "../schema/literal.js";
import { paddingOf } from "../../runtime/core/geometry.js";

const KERNEL = { size: "kernel", dilation: "dilation" } as const;

function convolution(name: "conv1d" | "conv2d", axes: 1 | 2, doc: string): LayerDef {
  const expected = axes === 2 ? "[height, width, channels]" : "[steps, channels]";
  return {
    name,
    category: "convolution",
    arity: "one",
    signature: signature(name, doc, [
      { name: "filters", type: POSITIVE_DIM, required: true, doc: "number of output channels" },
      { name: "kernel", type: WINDOW_SIZE, required: true, doc: axes === 2 ? "window size: `5` for 5×5, or `[3, 5]`" : "window length" },
      { name: "stride", type: WINDOW_STEP, default: num(1), doc: "step between windows" },
      { name: "padding", type: PADDING, default: named("valid"), doc: "`valid` (no padding) or `same` (output length ceil(H / stride))" },
      { name: "dilation", type: WINDOW_STEP, default: num(1), doc: "spacing between kernel taps" },
      activationParam,
      initParam,
      biasInitParam,
      useBiasParam,
      l1Param,
      l2Param,
    ]),
    infer({ inputs, args, report }) {
      const input = inputs[0].shape;
      const filters = dimArg(args, "filters");
      if (input.length !== axes + 1) {
        report(wrongRank(name, expected, input, rankHelp(name, axes, input)));
        return undefined;
      }
      const window = readWindow(name, args, axes, KERNEL, report);
      if (!window || !filters) return undefined;
      const dilated = window.dilation.some((d) => d > 1);
      const slid = slideAll(name, input.slice(0, axes), window, `use padding: same, a smaller kernel${dilated ? " or dilation" : ""}, or one pooling layer fewer`);
      if ("problem" in slid) {
        report(slid.problem);
        return undefined;
      }
      return [...slid.output, filters];
    },
    countParams(inputs, args) {
      const filters = dimArg(args, "filters");
      const channels = inputs[0][axes];
      const kernel = kernelSizes(args, axes);
      if (!filters || !channels || !kernel) return dimConst(0); // not reached: infer succeeded
      const weights = mul(mul(product(kernel), channels), filters);
      return boolArg(args, "use_bias") === false ? weights : add(weights, filters);
    },
    activation: (args) => enumArg(args, "activation"),
    tfjs({ args, inputs, name: layerName, owner }) {
      const window = checkedWindow(name, args, axes, KERNEL);
      const size = window.size.map((d) => known(d, `${name} kernel`));
      const channels = lastDim(inputs[0] ?? [], `${name} input channels`);
      const fanIn = size.reduce((a, b) => a * b, 1) * channels;
      const activation = tfjsActivation(args, owner);
      const pick = (values: readonly number[]) => (axes === 2 ? literal(values) : String(values[0]));
      return {
        construct: `tf.layers.${name}(${props({
          filters: String(known(dimArg(args, "filters"), `${name} filters`)),
          kernelSize: pick(size),
          strides: pick(window.stride),
          padding: literal(window.padding),
          dilationRate: pick(window.dilation),
          activation: activation.name,
          useBias: String(boolArg(args, "use_bias") ?? true),
          kernelInitializer: weightInit(args, "init", fanIn),
          biasInitializer: weightInit(args, "bias_init", fanIn),
          name: layerName,
        })})`,
        then: activation.then,
        penalty: penaltyOf(args),
      };
    },
    native({ args, inputs, output, name: layerName }) {
      if (axes === 1) return notCompiled(layerName, "Conv1D");
      const input = sizes(inputs[0]), out = sizes(output);
      if (input.some((d) => d === null) || out.some((d) => d === null)) return { notCompiled: `layer "${layerName}" does not have an [h, w, c] shape` };
      const window = checkedWindow(name, args, axes, KERNEL);
      const kernel = window.size.map((d) => known(d, `${name} kernel`));
      const pad = [0, 1].flatMap((i) => paddingOf(window.padding, input[i]!, out[i]!, kernel[i]!, window.stride[i]!, window.dilation[i]!));
      const activation = nativeActivation(layerName, enumArg(args, "activation") ?? "linear");
      if ("notCompiled" in activation) return activation;
      return {
        run: { kind: "conv2d", input: input as number[], output: out as number[], kernel, strides: [...window.stride], dilation: [...window.dilation], pad, ...activation, bias: boolArg(args, "use_bias") ?? true },
      };
    },
  };
}

/** The kernel size per spatial axis, for counting weights. */
function kernelSizes(args: Parameters<LayerDef["countParams"]>[1], axes: number): Dim[] | undefined {
  return [...checkedWindow("", args, axes, KERNEL).size];
}

/** What to do about an input of the wrong rank. */
function rankHelp(name: string, axes: 1 | 2, input: Shape): string {
  if (input.length === 1) {
    const n = constValue(input[0]);
    const reshape = axes === 2 ? "`reshape([height, width, channels])`" : `\`reshape([${n ?? "steps"}, 1])\``;
    return `a vector has no height and width: if it comes from \`flatten\`, move \`flatten\` after the last convolution and pooling; otherwise ${reshape} it first`;
  }
  if (axes === 2 && input.length === 2) {
    return "add a channel axis with `reshape([height, width, 1])`, or use `conv1d` for a sequence [steps, channels]";
  }
  if (axes === 1 && input.length === 3) {
    return "use `conv2d` for an image [height, width, channels], or `reshape` it to [steps, channels]";
  }
  return `\`reshape\` the input to ${axes === 2 ? "[height, width, channels]" : "[steps, channels]"}, or wrap the convolution in \`time_distributed\` to apply it to every step`;
}

export const conv2d = convolution(
  "conv2d",
  2,
  "A 2D convolution: `[H, W, C] → [H', W', filters]`; valid: H' = floor((H − d(k − 1) − 1) / s) + 1, same: H' = ceil(H / s).",
);

export const conv1d = convolution(
  "conv1d",
  1,
  "A 1D convolution over a sequence: `[T, C] → [T', filters]`; valid: T' = floor((T − d(k − 1) − 1) / s) + 1, same: T' = ceil(T / s).",
);
