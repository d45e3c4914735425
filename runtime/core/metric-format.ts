/**
 * How a metric's value is written for people: rates of correct answers (`accuracy`, `top_5`, and
 * their per-output and `val_` forms) as percentages, everything else as a number. One place, so
 * the progress line, the summary line, the report and the CLI never disagree.
 */

/** Whether a metric is a rate of correct answers: `accuracy`, `val_top_5`, `kind_accuracy`. */
export function isRate(name: string): boolean {
  return /(^|_)(accuracy|top_\d+)$/.test(name);
}

/** `97.80%` for a rate, `0.1234` otherwise. */
export function formatMetric(name: string, value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return isRate(name) ? `${(value * 100).toFixed(2)}%` : value.toFixed(4);
}

/** `name value` pairs joined by `, `, with `prefix` before each name: `test accuracy 97.80%, test loss 0.0712`. */
export function describeMetrics(metrics: Readonly<Record<string, number>>, prefix = ""): string {
  return Object.entries(metrics)
    .map(([k, v]) => `${prefix}${k} ${formatMetric(k, v)}`)
    .join(", ");
}
