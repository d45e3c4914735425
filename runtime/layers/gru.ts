/**
 * The runtime's `GRUResetAfter` layer (the `gru` of the language in its default, reset-after
 * form; `reset_after: false` is tfjs's own `GRU`). The layer is defined once, in `gru-factory.ts`,
 * as a factory over a tfjs instance; this module builds it on the runtime's tf and registers it, so
 * saved models with the layer load wherever the runtime is imported. Without the runtime, plain
 * tfjs loads them after `registerNncLayers(tf)` from `nnc-layers.mjs` (`standalone.ts`).
 */
import * as tf from "@tensorflow/tfjs";
import { defineGRUResetAfter, type GRUResetAfterConfig } from "./gru-factory.js";

export type { GRUResetAfterConfig } from "./gru-factory.js";

export const GRUResetAfter = defineGRUResetAfter(tf);
export type GRUResetAfter = InstanceType<typeof GRUResetAfter>;
tf.serialization.registerClass(GRUResetAfter);

export function gruResetAfter(config: GRUResetAfterConfig): GRUResetAfter {
  return new GRUResetAfter(config);
}
