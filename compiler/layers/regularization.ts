/**
 * `dropout(rate)`: during training, sets each value to 0 with probability `rate` (0 ≤ rate < 1) and
 * scales the rest by 1 / (1 − rate); at inference it passes its input through. Same shape, no
 * parameters. The range of `rate` is part of its type, so the binder reports E105 for `dropout(1.5)`.
 */
import { dimConst } from "../shapes/dim.js";
import { FRACTION } from "../schema/types.js";
import type { LayerDef } from "./layer.js";
import { signature } from "./common.js";
import { numArg } from "./common.js";
import { props, valueCount } from "./tfjs-code.js";

export const dropout: LayerDef = {
  name: "dropout",
  category: "regularization",
  arity: "one",
  signature: signature("dropout", "Drops each value with probability `rate` while training: same shape.", [
    { name: "rate", type: FRACTION, required: true, doc: "fraction of the values dropped, 0 ≤ rate < 1" },
  ]),
  infer: ({ inputs }) => inputs[0].shape,
  countParams: () => dimConst(0),
  tfjs: ({ args, name }) => ({ construct: `tf.layers.dropout(${props({ rate: String(numArg(args, "rate") ?? 0), name })})` }),
  native: ({ args, inputs }) => ({ run: { kind: "dropout", size: valueCount(inputs[0]), rate: numArg(args, "rate") ?? 0 } }),
};
