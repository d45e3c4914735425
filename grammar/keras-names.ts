/**
 * What Keras, PyTorch and Python call the things nnc names differently: layer classes (`Dense`,
 * `MaxPooling2D`, `nn.Linear`'s `Linear`), loss, optimizer and initializer names
 * (`categorical_crossentropy`), argument names (`kernel_size`) and Python's `True`/`False`. The
 * checker consults these tables where a name is unknown (`compiler/schema/bind.ts`), so that
 * `Dense(10)` is one E100 whose fix is `dense`, not a did-you-mean that guesses `maxpool1d` for
 * `MaxPooling2D`. Pure data: this file imports nothing.
 */

/** Keras and PyTorch layer classes → nnc's layer. Names that differ from nnc's only in case need no entry. */
const LAYER_CLASSES: Readonly<Record<string, string>> = {
  Linear: "dense",
  Conv1D: "conv1d",
  Conv2D: "conv2d",
  Convolution1D: "conv1d",
  Convolution2D: "conv2d",
  MaxPooling1D: "maxpool1d",
  MaxPooling2D: "maxpool",
  MaxPool1D: "maxpool1d",
  MaxPool2D: "maxpool",
  MaxPool1d: "maxpool1d",
  MaxPool2d: "maxpool",
  AveragePooling1D: "avgpool1d",
  AveragePooling2D: "avgpool",
  AvgPool1D: "avgpool1d",
  AvgPool2D: "avgpool",
  AvgPool1d: "avgpool1d",
  AvgPool2d: "avgpool",
  GlobalAveragePooling2D: "global_avgpool",
  GlobalAvgPool2D: "global_avgpool",
  GlobalMaxPooling2D: "global_maxpool",
  GlobalMaxPool2D: "global_maxpool",
  AdaptiveAvgPool2d: "global_avgpool",
  AdaptiveMaxPool2d: "global_maxpool",
  BatchNormalization: "batchnorm",
  BatchNorm1d: "batchnorm",
  BatchNorm2d: "batchnorm",
  LayerNormalization: "layernorm",
  LayerNorm: "layernorm",
  SimpleRNN: "rnn",
  RepeatVector: "repeat",
  TimeDistributed: "time_distributed",
  Concatenate: "concat",
  LeakyReLU: "leaky_relu",
  max_pooling2d: "maxpool",
  max_pooling1d: "maxpool1d",
  average_pooling2d: "avgpool",
  average_pooling1d: "avgpool1d",
  global_average_pooling2d: "global_avgpool",
  global_max_pooling2d: "global_maxpool",
  batch_normalization: "batchnorm",
  layer_normalization: "layernorm",
  simple_rnn: "rnn",
};

/** Keras's names of losses, optimizers, initializers and metrics → nnc's. */
const VALUE_NAMES: Readonly<Record<string, string>> = {
  categorical_crossentropy: "cross_entropy",
  CategoricalCrossentropy: "cross_entropy",
  sparse_categorical_crossentropy: "sparse_cross_entropy",
  SparseCategoricalCrossentropy: "sparse_cross_entropy",
  binary_crossentropy: "binary_cross_entropy",
  BinaryCrossentropy: "binary_cross_entropy",
  CrossEntropyLoss: "cross_entropy",
  BCELoss: "binary_cross_entropy",
  mean_squared_error: "mse",
  MeanSquaredError: "mse",
  MSELoss: "mse",
  mean_absolute_error: "mae",
  MeanAbsoluteError: "mae",
  L1Loss: "mae",
  Huber: "huber",
  HuberLoss: "huber",
  RMSprop: "rmsprop",
  GlorotUniform: "glorot_uniform",
  GlorotNormal: "glorot_normal",
  xavier_uniform: "glorot_uniform",
  xavier_normal: "glorot_normal",
  HeNormal: "he_normal",
  HeUniform: "he_uniform",
  kaiming_normal: "he_normal",
  kaiming_uniform: "he_uniform",
  LecunNormal: "lecun_normal",
  LecunUniform: "lecun_uniform",
  RandomNormal: "normal",
  RandomUniform: "uniform",
  Orthogonal: "orthogonal",
  Zeros: "zeros",
  Ones: "ones",
  Constant: "constant",
  acc: "accuracy",
};

/** Keras's argument names → nnc's (`Conv2D(32, kernel_size=3)`). */
const ARGUMENT_NAMES: Readonly<Record<string, string>> = {
  kernel_size: "kernel",
  pool_size: "size",
  strides: "stride",
  dilation_rate: "dilation",
  kernel_initializer: "init",
  bias_initializer: "bias_init",
  input_dim: "vocab",
  output_dim: "dim",
  learning_rate: "lr",
  return_sequence: "return_sequences",
};

const own = (table: Readonly<Record<string, string>>, name: string): string | undefined =>
  Object.prototype.hasOwnProperty.call(table, name) ? table[name] : undefined;

/** Whether `what`, as the checker names an unknown thing, is a layer (`layer`, `layer or block`). */
const isLayerKind = (what: string): boolean => what === "layer" || what === "layer or block";

/**
 * The message and replacement for an unknown name that another framework uses for something nnc
 * has under another name, when that name is among `candidates` (or is a Python boolean where a
 * name goes): "unknown layer `Dense`; nnc's layers are lower case: `dense`".
 */
export function foreignName(name: string, what: string, candidates: readonly string[]): { message: string; replacement: string } | undefined {
  if (isLayerKind(what)) {
    const lower = name.toLowerCase();
    const layer = own(LAYER_CLASSES, name) ?? (lower !== name && candidates.includes(lower) ? lower : undefined);
    if (layer && candidates.includes(layer)) return { message: `unknown layer \`${name}\`; nnc's layers are lower case: \`${layer}\``, replacement: layer };
    return undefined;
  }
  if (what === "name" && (name === "True" || name === "False")) {
    const value = name.toLowerCase();
    return { message: `unknown name \`${name}\`; nnc's booleans are lower case: \`${value}\``, replacement: value };
  }
  const renamed = own(VALUE_NAMES, name);
  if (renamed && candidates.includes(renamed)) return { message: `unknown ${what} \`${name}\`; nnc calls it \`${renamed}\``, replacement: renamed };
  return undefined;
}

/** nnc's name for Keras's argument `name`, when the callee has it (`kernel_size` → `kernel`). */
export function foreignArgument(name: string, params: readonly string[]): string | undefined {
  const renamed = own(ARGUMENT_NAMES, name);
  return renamed && params.includes(renamed) ? renamed : undefined;
}

/**
 * The name a quoted string stands for where a name goes (`activation: "relu"`, `loss:
 * "categorical_crossentropy"`, `optimizer: "Adam"`): the string itself, its lower-case form, or
 * nnc's name for a Keras name, if that is one of `names`.
 */
export function unquotedName(text: string, names: readonly string[]): string | undefined {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(text)) return undefined;
  for (const candidate of [text, text.toLowerCase(), own(VALUE_NAMES, text)]) {
    if (candidate !== undefined && names.includes(candidate)) return candidate;
  }
  return undefined;
}
