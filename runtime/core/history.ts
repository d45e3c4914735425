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

/**
 * A line of `metrics.jsonl` written while an epoch runs, for live curves: every
 * max(1, round(steps / 50)) steps and at the epoch's last step. Readers of epoch records skip it.
 */
export interface StepRecord {
  readonly kind: "step";
  /** 1-based. */
  readonly epoch: number;
  /** 1-based: the steps done so far in this epoch. */
  readonly step: number;
  /** The epoch's steps. */
  readonly steps: number;
  /** Training examples stepped through so far in this epoch. */
  readonly examples: number;
  /** The mean training loss over this epoch's examples so far. */
  readonly loss: number;
  /** Wall-clock seconds since the epoch began. */
  readonly seconds: number;
}

/** How many steps apart step lines are written: about 50 per epoch. */
export function stepRecordInterval(steps: number): number {
  return Math.max(1, Math.round(steps / 50));
}

/** Whether a parsed line of `metrics.jsonl` is a step line rather than an epoch record. */
export function isStepRecord(line: unknown): line is StepRecord {
  return typeof line === "object" && line !== null && (line as { kind?: unknown }).kind === "step";
}

/**
 * The epoch records of a `metrics.jsonl` text, in order: step lines, blank lines and a last line
 * cut short by a killed run are skipped.
 */
export function epochRecordsOf(text: string): EpochRecord[] {
  const records: EpochRecord[] = [];
  for (const line of text.split("\n")) {
    const parsed = parseLine(line);
    if (parsed !== null && !isStepRecord(parsed)) records.push(parsed as EpochRecord);
  }
  return records;
}

/** The step lines of a `metrics.jsonl` text, in order. */
export function stepRecordsOf(text: string): StepRecord[] {
  const steps: StepRecord[] = [];
  for (const line of text.split("\n")) {
    const parsed = parseLine(line);
    if (isStepRecord(parsed)) steps.push(parsed);
  }
  return steps;
}

function parseLine(line: string): unknown {
  if (line.trim() === "") return null;
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return null;
  }
}
