/**
 * The plan of a compiled network: what crosses from TypeScript into the addon's \`Network\`
 * (runtime/addon/src/net_network.cc). Sizes are per example, NHWC.
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
      cell: "rnn" | "lstm" | "gru";
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
