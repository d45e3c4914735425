/**
 * The optimizers of §6 on tfjs's implementations. tfjs's momentum keeps v ← μv + g and steps
 * w ← w − ηv, which for a constant η is the lectures' v ← μv − η∇C, w ← w + v (v scaled by −η).
 */
import * as tf from "@tensorflow/tfjs";
import type { OptimizerSetting, Settled } from "../core/settings.js";
import { ExactAdam, ExactAdamax } from "./exact-optimizer-state.js";

export function makeOptimizer(setting: Settled<OptimizerSetting>): tf.Optimizer {
  const lr = setting.lr;
  switch (setting.kind) {
    case "sgd": {
      const { momentum, nesterov } = setting;
      return momentum > 0 || nesterov ? tf.train.momentum(lr, momentum, nesterov) : tf.train.sgd(lr);
    }
    case "adagrad":
      return tf.train.adagrad(lr);
    case "adadelta":
      return tf.train.adadelta(lr, setting.rho);
    case "rmsprop":
      return tf.train.rmsprop(lr, setting.decay, setting.momentum);
    case "adam":
      return new ExactAdam(lr, setting.beta1, setting.beta2, setting.epsilon);
    case "adamax":
      return new ExactAdamax(lr, setting.beta1, setting.beta2, setting.epsilon);
  }
}

/**
 * Every tfjs optimizer reads its `learningRate` at each step; SGD and momentum also cache it as a
 * tensor, which `setLearningRate` renews. (`instanceof` cannot tell them apart: tfjs optimizers
 * define `Symbol.hasInstance` to accept any optimizer.)
 */
export function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  const withSetter = optimizer as unknown as { setLearningRate?: (lr: number) => void; learningRate: number };
  if (typeof withSetter.setLearningRate === "function") withSetter.setLearningRate(lr);
  else withSetter.learningRate = lr;
}
