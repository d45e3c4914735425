/**
 * What a training records per epoch: the rows of `metrics.jsonl`, the data of the report, and part of
 * the typed report `trainL()` returns.
 */

/** ‖∂C/∂w‖ and ‖∂C/∂b‖ (or ‖w‖ and ‖b‖) of one layer; `biases` is null for a layer without biases. */
export interface LayerNorms {
  readonly weights: number;
  readonly biases: number | null;
}

export interface EpochRecord {
  /** 1-based. */
  readonly epoch: number;
  /** The learning rate used during this epoch. */
  readonly lr: number;
  /** Wall-clock seconds of the epoch's training steps and evaluation. */
  readonly seconds: number;
  /** Metrics over the training part, averaged over the epoch's batches: `loss`, `accuracy`, … */
  readonly train: Readonly<Record<string, number>>;
  /** The same metrics on the validation part, or null without validation data. */
  readonly validation: Readonly<Record<string, number>> | null;
  /** Per layer name, the mean over the epoch's steps of the gradient norms, when monitored. */
  readonly gradientNorms: Readonly<Record<string, LayerNorms>> | null;
  /** Per layer name, the norms of the weights at the end of the epoch, when monitored. */
  readonly weightNorms: Readonly<Record<string, LayerNorms>> | null;
}
