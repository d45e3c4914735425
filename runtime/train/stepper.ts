/**
 * What the epoch loop asks of a training step, whichever way it runs: through TensorFlow.js
 * autograd (`TapeStepper`, every model and setting) or as a compiled native network
 * (runtime/compiled/compiled-stepper.ts, sequential models on the native backend).
 */
import * as tf from "@tensorflow/tfjs";
import type { Examples } from "../data/examples.js";
import type { NamedTensor } from "./checkpoint.js";
import { disposeBatch, makeBatch, type InputDtypes } from "./batches.js";
import { setLearningRate } from "./optimizers.js";
import { trainStep, type StepContext, type StepResult } from "./step.js";

/** Changes a batch's inputs (of a model with one image input) in place of the originals (augmentation), or null. */
export type BatchAugment = ((x: Float32Array, count: number) => Float32Array) | null;

export interface Stepper {
  /** How steps run, for the log. */
  readonly description: string;
  /** One step on the rows order[from … to-1]; `stepNumber` counts steps from the run's start. */
  step(data: Examples, order: Uint32Array, from: number, to: number, stepNumber: number): StepResult;
  setLearningRate(lr: number): void;
  /** The optimizer's state, named as tfjs optimizers name it, for checkpoints. */
  optimizerWeights(): Promise<NamedTensor[]>;
  setOptimizerWeights(weights: readonly NamedTensor[]): Promise<void>;
  /**
   * Loss and metrics on a set of examples in inference mode, when the stepper computes them itself
   * (the compiled network); undefined to let runtime/train/evaluate.ts run the model.
   */
  evaluate?(data: Examples): Record<string, number>;
}

export class TapeStepper implements Stepper {
  readonly description = "TensorFlow.js autograd";

  constructor(
    private readonly context: StepContext,
    private readonly augment: BatchAugment,
    private readonly inputDtypes: InputDtypes,
  ) {}

  step(data: Examples, order: Uint32Array, from: number, to: number): StepResult {
    let batch = makeBatch(data, order, from, to, this.inputDtypes);
    if (this.augment) {
      const original = batch.xs[0];
      const changed = this.augment(original.dataSync() as Float32Array, batch.size);
      batch = { ...batch, xs: [tf.tensor(changed, original.shape)] };
      original.dispose();
    }
    try {
      return trainStep(this.context, batch);
    } finally {
      disposeBatch(batch);
    }
  }

  setLearningRate(lr: number): void {
    setLearningRate(this.context.optimizer, lr);
  }

  async optimizerWeights(): Promise<NamedTensor[]> {
    return this.context.optimizer.getWeights();
  }

  async setOptimizerWeights(weights: readonly NamedTensor[]): Promise<void> {
    if (weights.length) await this.context.optimizer.setWeights([...weights]);
  }
}
