/**
 * An ensemble's combined prediction: the mean of its members' outputs, and for class outputs the
 * class each example gets — by `majority` of the members' classes (ties go to the class with the
 * higher mean output) or by the argmax of the `mean`. Training's test metrics and `nnc predict`
 * both vote here, so they cannot disagree.
 */

export type Vote = "majority" | "mean";

/** The class of one row of `units` outputs: the argmax, or for a single sigmoid unit, output > 0.5. */
export function classOf(values: Float32Array, offset: number, units: number): number {
  if (units === 1) return values[offset] > 0.5 ? 1 : 0;
  let best = 0;
  for (let c = 1; c < units; c++) if (values[offset + c] > values[offset + best]) best = c;
  return best;
}

/**
 * The probabilities of a class output whose network gives raw scores (trained with a `from_logits`
 * loss), row by row: the sigmoid of a single unit, else the softmax of each row of `units` scores.
 * Votes, means and printed probabilities are taken over these, as over a probability output's values.
 */
export function probabilitiesOfScores(scores: Float32Array, units: number): Float32Array {
  const out = new Float32Array(scores.length);
  if (units === 1) {
    for (let i = 0; i < scores.length; i++) out[i] = 1 / (1 + Math.exp(-scores[i]));
    return out;
  }
  for (let at = 0; at < scores.length; at += units) {
    // Shifted by the row's largest score so that exp never overflows.
    let max = -Infinity;
    for (let c = 0; c < units; c++) max = Math.max(max, scores[at + c]);
    let sum = 0;
    for (let c = 0; c < units; c++) sum += Math.exp(scores[at + c] - max);
    for (let c = 0; c < units; c++) out[at + c] = Math.exp(scores[at + c] - max) / sum;
  }
  return out;
}

/** The element-wise mean of the members' outputs. */
export function meanOutput(members: readonly Float32Array[]): Float32Array {
  const mean = new Float32Array(members[0]?.length ?? 0);
  for (const m of members) for (let i = 0; i < m.length; i++) mean[i] += m[i] / members.length;
  return mean;
}

/**
 * The voted class of every row (an example, or one step of a sequence output) of a class output
 * with `units` values per row.
 */
export function votedClasses(members: readonly Float32Array[], units: number, vote: Vote): Int32Array {
  const mean = meanOutput(members);
  const rows = mean.length / units;
  const out = new Int32Array(rows);
  const classes = units === 1 ? 2 : units;
  for (let r = 0; r < rows; r++) {
    if (vote === "mean") {
      out[r] = classOf(mean, r * units, units);
      continue;
    }
    const counts = new Array<number>(classes).fill(0);
    for (const m of members) counts[classOf(m, r * units, units)]++;
    const meanOf = (c: number) => (units === 1 ? (c === 1 ? mean[r] : 1 - mean[r]) : mean[r * units + c]);
    let best = 0;
    for (let c = 1; c < classes; c++) if (counts[c] > counts[best] || (counts[c] === counts[best] && meanOf(c) > meanOf(best))) best = c;
    out[r] = best;
  }
  return out;
}

/** What the vote is measured against: one output's targets. */
export interface VotedTarget {
  readonly values: Float32Array;
  readonly shape: readonly number[];
  readonly classes: readonly string[] | null;
}

/** The true class of every row of class targets (one-hot rows, or 0/1 in a single unit). */
export function trueClasses(target: VotedTarget): Int32Array {
  const units = target.shape[target.shape.length - 1];
  const rows = target.values.length / units;
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) out[r] = classOf(target.values, r * units, units);
  return out;
}

/**
 * An ensemble's test metrics, per output: for class outputs the accuracy of the voted classes, for
 * real-valued ones the mean absolute error of the mean output. `members[m][o]` is member m's flat
 * output o; with several outputs the metrics are named after them (`kind_accuracy`). `logits[o]`
 * says output o gives raw scores, which vote as their probabilities.
 */
export function voteMetrics(members: readonly (readonly Float32Array[])[], targets: readonly VotedTarget[], names: readonly string[], vote: Vote, logits: readonly boolean[] = []): Record<string, number> {
  const result: Record<string, number> = {};
  targets.forEach((target, o) => {
    const prefix = targets.length > 1 ? `${names[o]}_` : "";
    const units = target.shape[target.shape.length - 1];
    const outputs = members.map((m) => (target.classes !== null && logits[o] ? probabilitiesOfScores(m[o], units) : m[o]));
    if (target.classes === null) {
      const mean = meanOutput(outputs);
      let absolute = 0;
      for (let i = 0; i < mean.length; i++) absolute += Math.abs(mean[i] - target.values[i]);
      result[`${prefix}mae`] = absolute / Math.max(1, mean.length);
      return;
    }
    const voted = votedClasses(outputs, units, vote);
    const truth = trueClasses(target);
    let correct = 0;
    for (let r = 0; r < voted.length; r++) if (voted[r] === truth[r]) correct++;
    result[`${prefix}accuracy`] = correct / Math.max(1, voted.length);
  });
  return result;
}
