/**
 * Pooling: `maxpool`, `avgpool` and `l2pool` slide a window over an image `[H, W, C] → [H', W', C]`
 * and keep the maximum, the mean, or the root of the mean of squares of each window; `maxpool1d`
 * and `avgpool1d` do the same over a sequence `[T, C] → [T', C]`. The stride defaults to the size,
 * and each spatial axis follows the convolution rule (valid: floor((H − k) / s) + 1, same:
 * ceil(H / s)); a window larger than its input is E201, even where TensorFlow.js would quietly
 * return an empty tensor. `global_avgpool` and `global_maxpool` reduce an image to one value per
 * channel, `[H, W, C] → [C]`. No pooling layer has parameters.
 */
import { constValue, dimConst } from "../shapes/dim.js";
import type { Shape } from "../shapes/shape.js";
import { named, num } from "../schema/values.js";
import type { LayerDef } from "./layer.js";
import { PADDING, signature, wrongRank } from "./common.js";
import { checkedWindow, readWindow, slideAll, WINDOW_SIZE, WINDOW_STEP } from "./window.js";
import { known, notCompiled, props, sizes } from "./tfjs-code.js";
import { literal } from "../schema/literal.js";
import { paddingOf } from "../../runtime/core/geometry.js";

const SIZE = { size: "size", strideDefaultsToSize: true } as const;

type Reduction = "max" | "average" | "l2";

const WHAT: Record<Reduction, string> = {
  max: "the maximum",
  average: "the mean",
  l2: "the root of the mean of squares",
};

function pool(name: string, axes: 1 | 2, reduction: Reduction): LayerDef {
  const expected = axes === 2 ? "[height, width, channels]" : "[steps, channels]";
  const rule = axes === 2 ? "`[H, W, C] → [H', W', C]`" : "`[T, C] → [T', C]`";
  return {
    name,
    category: "pooling",
    arity: "one",
    signature: signature(name, `Keeps ${WHAT[reduction]} of each window: ${rule}.`, [
      { name: "size", type: WINDOW_SIZE, default: num(2), doc: axes === 2 ? "window size: `2` for 2×2, or `[2, 3]`" : "window length" },
      { name: "stride", type: WINDOW_STEP, doc: "step between windows (default: the size)" },
      { name: "padding", type: PADDING, default: named("valid"), doc: "`valid` (no padding) or `same` (output length ceil(H / stride))" },
    ]),
    infer({ inputs, args, report }) {
      const input = inputs[0].shape;
      if (input.length !== axes + 1) {
        report(wrongRank(name, expected, input, rankHelp(name, axes, input)));
        return undefined;
      }
      const window = readWindow(name, args, axes, SIZE, report);
      if (!window) return undefined;
      const slid = slideAll(name, input.slice(0, axes), window, "use padding: same, a smaller size, or one pooling layer fewer");
      if ("problem" in slid) {
        report(slid.problem);
        return undefined;
      }
      return [...slid.output, input[axes]];
    },
    countParams: () => dimConst(0),
    tfjs({ args, name: layerName }) {
      const window = checkedWindow(name, args, axes, SIZE);
      const size = window.size.map((d) => known(d, `${name} size`));
      const pick = (values: readonly number[]) => (axes === 2 ? literal(values) : String(values[0]));
      return { construct: `${TFJS_POOL[name]}(${props({ poolSize: pick(size), strides: pick(window.stride), padding: literal(window.padding), name: layerName })})` };
    },
    native({ args, inputs, output, name: layerName }) {
      if (name !== "maxpool" && name !== "avgpool") return notCompiled(layerName, name);
      const input = sizes(inputs[0]), out = sizes(output);
      if (input.some((d) => d === null) || out.some((d) => d === null)) return { notCompiled: `layer "${layerName}" does not have an [h, w, c] shape` };
      const window = checkedWindow(name, args, axes, SIZE);
      const pool = window.size.map((d) => known(d, `${name} size`));
      const pad = [0, 1].flatMap((i) => paddingOf(window.padding, input[i]!, out[i]!, pool[i]!, window.stride[i]!, 1));
      return { run: { kind: name, input: input as number[], output: out as number[], pool, strides: [...window.stride], pad } };
    },
  };
}

/** The constructor of each pooling layer; tfjs-layers has no L2 pooling, the runtime has its own. */
const TFJS_POOL: Record<string, string> = {
  maxpool: "tf.layers.maxPooling2d",
  avgpool: "tf.layers.averagePooling2d",
  maxpool1d: "tf.layers.maxPooling1d",
  avgpool1d: "tf.layers.averagePooling1d",
  l2pool: "nnc.l2Pooling2d",
};

function globalPool(name: string, reduction: Reduction): LayerDef {
  return {
    name,
    category: "pooling",
    arity: "one",
    signature: signature(name, `Keeps ${WHAT[reduction]} of each channel over the whole image: \`[H, W, C] → [C]\`.`, []),
    infer({ inputs, report }) {
      const input = inputs[0].shape;
      if (input.length !== 3) {
        const help =
          input.length === 2
            ? `${name} pools images; to reduce the steps of a sequence [steps, channels], use a recurrent layer (\`gru(…)\`, \`lstm(…)\`), or \`${reduction === "max" ? "maxpool1d" : "avgpool1d"}\` and \`flatten\` when the length is known`
            : input.length === 1
              ? "the input is already a vector: remove this layer, or move `flatten` after it"
              : `${name} pools one image per example; \`reshape\` the input to [height, width, channels]`;
        report(wrongRank(name, "[height, width, channels]", input, help));
        return undefined;
      }
      return [input[2]];
    },
    countParams: () => dimConst(0),
    tfjs({ inputs, name: layerName }) {
      const kind = reduction === "average" ? "globalAveragePooling" : "globalMaxPooling";
      return { construct: `tf.layers.${kind}${inputs[0]?.length === 2 ? "1d" : "2d"}(${props({ name: layerName })})` };
    },
    native: ({ name: layerName }) => notCompiled(layerName, name),
  };
}

/** What to do about an input of the wrong rank. */
function rankHelp(name: string, axes: 1 | 2, input: Shape): string {
  if (input.length === 1) {
    const n = constValue(input[0]);
    const reshape = axes === 2 ? "`reshape([height, width, channels])`" : `\`reshape([${n ?? "steps"}, 1])\``;
    return `a vector has no spatial axes: if it comes from \`flatten\`, move \`flatten\` after the last pooling layer; otherwise ${reshape} it first`;
  }
  if (axes === 2 && input.length === 2) {
    const add = "add a channel axis with `reshape([height, width, 1])`";
    return name === "l2pool" ? `${name} pools images: ${add}` : `use \`${name}1d\` for a sequence [steps, channels], or ${add}`;
  }
  if (axes === 1 && input.length === 3) {
    return `use \`${name.replace("1d", "")}\` for an image [height, width, channels]`;
  }
  return `\`reshape\` the input to ${axes === 2 ? "[height, width, channels]" : "[steps, channels]"}, or wrap the pooling in \`time_distributed\` to apply it to every step`;
}

export const maxpool = pool("maxpool", 2, "max");
export const avgpool = pool("avgpool", 2, "average");
export const l2pool = pool("l2pool", 2, "l2");
export const maxpool1d = pool("maxpool1d", 1, "max");
export const avgpool1d = pool("avgpool1d", 1, "average");
export const globalAvgpool = globalPool("global_avgpool", "average");
export const globalMaxpool = globalPool("global_maxpool", "max");
