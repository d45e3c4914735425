/**
 * The optimizers of §6 on tfjs's implementations. tfjs's momentum keeps v ← μv + g and steps
 * w ← w − ηv, which for a constant η is the lectures' v ← μv − η∇C, w ← w + v (v scaled by −η).
 */
import * as tf from "@tensorflow/tfjs";
import type { OptimizerSetting } from "../core/settings.js";
import { settled } from "../core/settings.js";
import { ExactAdam, ExactAdamax } from "./exact-optimizer-state.js";

export function makeOptimizer(setting: OptimizerSetting): tf.Optimizer {
  const lr = settled(setting.lr, "optimizer.lr");
  switch (setting.kind) {
    case "sgd": {
      const momentum = settled(setting.momentum, "optimizer.momentum");
      const nesterov = settled(setting.nesterov, "optimizer.nesterov");
      return momentum > 0 || nesterov ? tf.train.momentum(lr, momentum, nesterov) : tf.train.sgd(lr);
    }
    case "adagrad":
      return tf.train.adagrad(lr);
    case "adadelta":
      return tf.train.adadelta(lr, settled(setting.rho, "optimizer.rho"));
    case "rmsprop":
      return tf.train.rmsprop(lr, settled(setting.decay, "optimizer.decay"), settled(setting.momentum, "optimizer.momentum"));
    case "adam":
      return new ExactAdam(lr, settled(setting.beta1), settled(setting.beta2), settled(setting.epsilon));
    case "adamax":
      return new ExactAdamax(lr, settled(setting.beta1), settled(setting.beta2), settled(setting.epsilon));
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
