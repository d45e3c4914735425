/**
 * `summary.json` of a run folder: the built model's layers with their output shapes and parameter
 * counts, split as Keras splits them. Counted from the tfjs model itself, after `freeze`, so a
 * frozen layer's weights and batch norm's moving statistics count as non-trainable.
 */
import type * as tf from "@tensorflow/tfjs";
import { sourceName } from "../core/layer-names.js";

export interface LayerSummaryRecord {
  /** The source name (`dense_1`, or the label). */
  readonly name: string;
  /** The nnc layer kind where tfjs's class maps to one (`dense`, `batchnorm`), else tfjs's class name in lower case. */
  readonly kind: string;
  /** The output shape with the batch axis first (`[null, 100]`); a list of shapes for a layer with several outputs. */
  readonly output: unknown;
  readonly params: number;
  readonly trainable: number;
  readonly nonTrainable: number;
}

export interface ModelSummaryRecord {
  readonly model: string;
  readonly layers: readonly LayerSummaryRecord[];
  readonly params: { readonly total: number; readonly trainable: number; readonly nonTrainable: number };
}

/** tfjs-layers' class names of the layers nnc builds, by the nnc kind that builds them. */
const KIND_OF_CLASS: Readonly<Record<string, string>> = {
  InputLayer: "input",
  Dense: "dense",
  Conv1D: "conv1d",
  Conv2D: "conv2d",
  MaxPooling1D: "maxpool1d",
  MaxPooling2D: "maxpool",
  AveragePooling1D: "avgpool1d",
  AveragePooling2D: "avgpool",
  GlobalAveragePooling2D: "global_avgpool",
  GlobalMaxPooling2D: "global_maxpool",
  GlobalAveragePooling1D: "global_avgpool",
  GlobalMaxPooling1D: "global_maxpool",
  BatchNormalization: "batchnorm",
  LayerNormalization: "layernorm",
  Dropout: "dropout",
  Flatten: "flatten",
  Reshape: "reshape",
  RepeatVector: "repeat",
  Embedding: "embedding",
  SimpleRNN: "rnn",
  LSTM: "lstm",
  GRU: "gru",
  GRUResetAfter: "gru",
  Bidirectional: "bidirectional",
  TimeDistributed: "time_distributed",
  Concatenate: "concat",
  Add: "add",
  Activation: "activation",
  LeakyReLU: "leaky_relu",
  ZeroPadding2D: "zero_padding2d",
};

const countOf = (weights: readonly tf.LayerVariable[]): number => weights.reduce((sum, w) => sum + w.shape.reduce((n: number, d) => n * (d ?? 0), 1), 0);

/** The summary of a built model (call it after `freeze` has marked frozen layers untrainable). */
export function summarizeModel(model: tf.LayersModel, name: string): ModelSummaryRecord {
  const layers = model.layers.map((layer): LayerSummaryRecord => {
    const className = layer.getClassName();
    // A frozen layer's trainableWeights is empty and its weights are all in nonTrainableWeights.
    const trainable = countOf(layer.trainableWeights);
    const nonTrainable = countOf(layer.nonTrainableWeights);
    return { name: sourceName(layer.name), kind: KIND_OF_CLASS[className] ?? className.toLowerCase(), output: layer.outputShape, params: trainable + nonTrainable, trainable, nonTrainable };
  });
  const trainable = layers.reduce((sum, l) => sum + l.trainable, 0);
  const nonTrainable = layers.reduce((sum, l) => sum + l.nonTrainable, 0);
  return { model: name, layers, params: { total: trainable + nonTrainable, trainable, nonTrainable } };
}
