/**
 * `embedding(vocab, dim)`: looks up a learned vector of length `dim` for each integer token id,
 * `int32[T] → [T, dim]` (like Keras, any shape of ids gains a last axis of `dim`). The input must
 * hold integer ids (int32); `vocab · dim` parameters.
 */
import { dimConst, mul } from "../shapes/dim.js";
import { shapeToString } from "../shapes/shape.js";
import { POSITIVE_DIM } from "../schema/types.js";
import { named } from "../schema/values.js";
import type { LayerDef } from "./layer.js";
import { dimArg, signature } from "./common.js";
import { INITIALIZER } from "../schema/initializers.js";
import { known, notCompiled, props, weightInit } from "./tfjs-code.js";

export const embedding: LayerDef = {
  name: "embedding",
  category: "embedding",
  arity: "one",
  inputDType: "int32",
  signature: signature("embedding", "A learned vector per token id: `int32[T] → [T, dim]`.", [
    { name: "vocab", type: POSITIVE_DIM, required: true, doc: "number of distinct token ids (ids are 0 … vocab − 1)" },
    { name: "dim", type: POSITIVE_DIM, required: true, doc: "length of each vector" },
    { name: "init", type: INITIALIZER, default: named("uniform"), doc: "initializer of the vectors" },
  ]),
  infer({ inputs, args, report }) {
    const input = inputs[0];
    const dim = dimArg(args, "dim");
    if (input.dtype !== "int32") {
      report({
        code: "E200",
        message: `embedding takes integer token ids (int32[T]), but its input ${shapeToString(input.shape)} holds numbers (float32)`,
        help: "declare the input as `int32[T]`; for vectors of numbers use `dense`",
      });
      return undefined;
    }
    return dim ? [...input.shape, dim] : undefined;
  },
  countParams(_inputs, args) {
    const vocab = dimArg(args, "vocab");
    const dim = dimArg(args, "dim");
    return vocab && dim ? mul(vocab, dim) : dimConst(0);
  },
  tfjs: ({ args, name }) => ({
    construct: `tf.layers.embedding(${props({
      inputDim: String(known(dimArg(args, "vocab"), "embedding vocab")),
      outputDim: String(known(dimArg(args, "dim"), "embedding dim")),
      embeddingsInitializer: weightInit(args, "init", 1),
      name,
    })})`,
  }),
  native: ({ name }) => notCompiled(name, "embedding"),
};
