/**
 * L2 pooling, the runtime's `L2Pooling2D` layer (the `l2pool` of the language): the root of the
 * mean of the squares over each window. The layer itself is defined once, in `l2pool-factory.ts`,
 * as a factory over a tfjs instance; this module builds it on the runtime's tf and registers it, so
 * saved models with the layer load wherever the runtime is imported. Without the runtime, plain
 * tfjs loads them after `registerNncLayers(tf)` from the `nnc-layers.mjs` module that
 * `standalone.ts` writes, which embeds the same factory.
 */
import * as tf from "@tensorflow/tfjs";
import { defineL2Pooling2D, type L2PoolingConfig } from "./l2pool-factory.js";

export type { L2PoolingConfig } from "./l2pool-factory.js";

export const L2Pooling2D = defineL2Pooling2D(tf);
export type L2Pooling2D = InstanceType<typeof L2Pooling2D>;
tf.serialization.registerClass(L2Pooling2D);

export function l2Pooling2d(config: L2PoolingConfig): L2Pooling2D {
  return new L2Pooling2D(config);
}
