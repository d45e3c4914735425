/**
 * The plan of a compiled network: the one schema that crosses from TypeScript into the addon.
 * The addon reads it in one place, its decoder (runtime/addon/src/net_plan.h, .cc), which checks
 * every field and refuses a bad entry with an error naming the layer's index, its kind and the
 * field; its layers (net_*.cc) take the decoded structs, one per kind below.
 *
 * - Sizes are per example (the batch is given at each step), shapes NHWC as [height, width, channels].
 * - Window pairs (kernel, pool, strides, dilation) are [height, width]; `pad` is always
 *   [top, bottom, left, right], as in the kernel backend's geometry (runtime/kernels/conv.ts), and
 *   `output` must be the size that input, window and padding give.
 * - l1 and l2 are the penalty coefficients as the cost uses them (l1/n, l2/(2n)).
 * - Numbers are decoded as the doubles JavaScript holds; names must be the listed literals.
 */

/** One layer of a compiled plan; sizes are per example, NHWC. */
export type PlannedLayer =
  | { kind: "dense"; inputs: number; units: number; activation: string; bias: boolean; l1: number; l2: number }
  | {
      kind: "conv2d";
      input: number[];
      output: number[];
      kernel: number[];
      strides: number[];
      dilation: number[];
      /** top, bottom, left, right */
      pad: number[];
      activation: string;
      bias: boolean;
      l1: number;
      l2: number;
    }
  | { kind: "maxpool" | "avgpool"; input: number[]; output: number[]; pool: number[]; strides: number[]; pad: number[] }
  | {
      kind: "recurrent";
      /** `gru` is tfjs's (reset before); `gru_reset_after` Keras 2/3's and PyTorch's, with a bias [2, 3·units]. */
      cell: "rnn" | "lstm" | "gru" | "gru_reset_after";
      steps: number;
      features: number;
      units: number;
      activation: string;
      bias: boolean;
      returnSequences: boolean;
      l1: number;
      l2: number;
    }
  | { kind: "batchnorm"; positions: number; channels: number; momentum: number; epsilon: number; center: boolean; scale: boolean }
  | { kind: "dropout"; size: number; rate: number }
  | { kind: "activation"; size: number; activation: string };

/** The optimizer as the native side runs it: tfjs's rule of that kind, with every hyper-parameter. */
export interface PlannedOptimizer {
  readonly kind: "sgd" | "momentum" | "adagrad" | "adadelta" | "rmsprop" | "adam" | "adamax";
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly rho: number;
  readonly decay: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
}

export interface NetworkPlan {
  readonly inputSize: number;
  readonly outputSize: number;
  readonly loss: "quadratic" | "mse" | "mae" | "cross_entropy" | "binary_cross_entropy";
  readonly optimizer: PlannedOptimizer;
  readonly clip: "none" | "value" | "norm";
  readonly clipMax: number;
  readonly layers: readonly PlannedLayer[];
}
