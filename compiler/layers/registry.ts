/**
 * Every built-in layer, by name. The checker looks layers up here; hover, completion and the
 * documentation list them from `LAYERS` (in catalog order) or `LAYER_NAMES` (sorted).
 */
import type { LayerDef } from "./layer.js";
import { dense } from "./dense.js";
import { conv1d, conv2d } from "./conv.js";
import { avgpool, avgpool1d, globalAvgpool, globalMaxpool, l2pool, maxpool, maxpool1d } from "./pooling.js";
import { flatten, repeat, reshape } from "./reshaping.js";
import { zeroPadding2d } from "./zero-padding.js";
import { dropout } from "./regularization.js";
import { batchnorm, layernorm } from "./normalization.js";
import { elu, leakyRelu, linear, relu, sigmoid, softmax, softplus, tanh } from "./activations.js";
import { embedding } from "./embedding.js";
import { gru, lstm, rnn } from "./recurrent.js";
import { bidirectionalLayer, timeDistributedLayer } from "./wrappers.js";
import { addLayer, average, concat, maximum, multiply } from "./merge.js";

const layers = new Map<string, LayerDef>();
const lookup = (name: string): LayerDef | undefined => layers.get(name);

for (const def of [
  dense,
  conv2d,
  conv1d,
  maxpool,
  avgpool,
  l2pool,
  maxpool1d,
  avgpool1d,
  globalAvgpool,
  globalMaxpool,
  flatten,
  reshape,
  zeroPadding2d,
  repeat,
  dropout,
  batchnorm,
  layernorm,
  relu,
  sigmoid,
  tanh,
  softmax,
  leakyRelu,
  elu,
  softplus,
  linear,
  embedding,
  rnn,
  lstm,
  gru,
  bidirectionalLayer(lookup),
  timeDistributedLayer(lookup),
  addLayer,
  multiply,
  average,
  maximum,
  concat,
]) {
  layers.set(def.name, def);
}

/** Every built-in layer by name, in the order of the language reference's table. */
export const LAYERS: ReadonlyMap<string, LayerDef> = layers;

/** The names of every built-in layer, sorted. */
export const LAYER_NAMES: readonly string[] = [...layers.keys()].sort();

/** The built-in layer called `name`, if there is one. */
export function lookupLayer(name: string): LayerDef | undefined {
  return layers.get(name);
}
