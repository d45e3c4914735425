/**
 * Adam and Adamax whose state survives a checkpoint exactly. tfjs's Adam restores its running
 * products β₁ᵗ and β₂ᵗ with `pow`, which differs in the last float bits from the products it
 * accumulated step by step, so a resumed run drifted from an uninterrupted one; tfjs's Adamax has
 * no `getWeights` at all, so a checkpoint could not be written. Both keep tfjs's update rules and
 * its state layout: `iter`, then every first moment (`name/m`), then every second (`name/v`).
 */
import * as tf from "@tensorflow/tfjs";

type NamedTensor = { name: string; tensor: tf.Tensor };
type Slot = { originalName: string; variable: tf.Variable };

/** β^(steps + 1) as the optimizers accumulate it: one float32 multiplication per step. */
export function accumulatedPower(beta: number, steps: number): number {
  const factor = Math.fround(beta);
  let product = factor;
  for (let i = 0; i < steps; i++) product = Math.fround(product * factor);
  return product;
}

function assignScalar(variable: tf.Variable, value: number): void {
  const fresh = tf.scalar(value);
  variable.assign(fresh);
  fresh.dispose();
}

/** Internals tfjs declares private; the layout is the one its own Adam uses. */
interface AdamInternals {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  iterations_: number;
}

export class ExactAdam extends tf.AdamOptimizer {
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    await super.setWeights(weightValues);
    const self = this as unknown as AdamInternals;
    assignScalar(self.accBeta1, accumulatedPower(this.beta1, self.iterations_));
    assignScalar(self.accBeta2, accumulatedPower(this.beta2, self.iterations_));
  }
}

interface AdamaxInternals {
  accBeta1: tf.Variable;
  iteration: tf.Variable;
  iterations_: number;
  accumulatedFirstMoment: Slot[];
  accumulatedWeightedInfNorm: Slot[];
  saveIterations(): Promise<NamedTensor>;
  extractIterations(weights: NamedTensor[]): Promise<NamedTensor[]>;
}

export class ExactAdamax extends tf.AdamaxOptimizer {
  override async getWeights(): Promise<NamedTensor[]> {
    const self = this as unknown as AdamaxInternals;
    const slots = [...self.accumulatedFirstMoment, ...self.accumulatedWeightedInfNorm];
    return [await self.saveIterations(), ...slots.map((s) => ({ name: s.originalName, tensor: s.variable }))];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const self = this as unknown as AdamaxInternals;
    const slots = await self.extractIterations(weightValues);
    const count = slots.length / 2;
    const restore = (list: NamedTensor[]): Slot[] => list.map((w) => ({ originalName: w.name, variable: w.tensor.variable(false) }));
    tf.dispose([...self.accumulatedFirstMoment, ...self.accumulatedWeightedInfNorm].map((s) => s.variable));
    self.accumulatedFirstMoment = restore(slots.slice(0, count));
    self.accumulatedWeightedInfNorm = restore(slots.slice(count));
    assignScalar(self.iteration, self.iterations_);
    assignScalar(self.accBeta1, accumulatedPower(this.beta1, self.iterations_));
  }
}
