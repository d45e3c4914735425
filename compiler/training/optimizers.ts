/**
 * The optimizers of the lectures (`optimizer:`), with Keras' defaults. Every learning rate is > 0;
 * momentum, decay and the Adam betas are in [0, 1).
 */
import { BOOL, FRACTION, POSITIVE_FLOAT, type ParamSpec, type Signature, type ValueType } from "../schema/types.js";
import { flag, num } from "../schema/values.js";

const lr = (value?: number): ParamSpec =>
  value === undefined
    ? { name: "lr", type: POSITIVE_FLOAT, required: true, doc: "the learning rate η" }
    : { name: "lr", type: POSITIVE_FLOAT, default: num(value), doc: "the learning rate η" };

const adamParams = (rate: number): ParamSpec[] => [
  lr(rate),
  { name: "beta1", type: FRACTION, default: num(0.9), doc: "decay of the first-moment (mean) estimate" },
  { name: "beta2", type: FRACTION, default: num(0.999), doc: "decay of the second-moment estimate" },
  { name: "epsilon", type: POSITIVE_FLOAT, default: num(1e-7), doc: "added to the denominator for numerical stability" },
];

export const OPTIMIZERS: readonly Signature[] = [
  {
    name: "sgd",
    doc: "Stochastic gradient descent, with optional (Nesterov) momentum.",
    params: [
      lr(),
      { name: "momentum", type: FRACTION, default: num(0), doc: "the momentum coefficient μ (0 for plain SGD)" },
      { name: "nesterov", type: BOOL, default: flag(false), doc: "use Nesterov's accelerated gradient (needs momentum > 0)" },
    ],
  },
  { name: "adagrad", doc: "AdaGrad: per-weight learning rates scaled by the accumulated squared gradients.", params: [lr(0.01)] },
  {
    name: "adadelta",
    doc: "AdaDelta: AdaGrad with a decaying window instead of the full sum.",
    params: [lr(1), { name: "rho", type: FRACTION, default: num(0.95), doc: "decay of the running averages" }],
  },
  {
    name: "rmsprop",
    doc: "RMSProp: divides the gradient by a running average of its recent magnitude.",
    params: [
      lr(0.001),
      { name: "decay", type: FRACTION, default: num(0.9), doc: "decay of the running average of squared gradients" },
      { name: "momentum", type: FRACTION, default: num(0), doc: "the momentum coefficient" },
    ],
  },
  { name: "adam", doc: "Adam: momentum on the gradient and on its square, with bias correction.", params: adamParams(0.001) },
  { name: "adamax", doc: "Adamax: Adam with the infinity norm in place of the second moment.", params: adamParams(0.002) },
];

export const OPTIMIZER: ValueType = { kind: "ctor", what: "optimizer", ctors: OPTIMIZERS };
