/**
 * Learning-rate schedules (`schedule:`). Each multiplies the optimizer's initial rate η₀ per epoch, so
 * every schedule works with every optimizer. `warmup(epochs, then: …)` wraps another schedule.
 */
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic.js";
import { NON_NEGATIVE_FLOAT, POSITIVE_FLOAT, POSITIVE_INT, type Signature, type ValueType } from "../schema/types.js";
import { concrete, named, num, type Value } from "../schema/values.js";
import { MONITORED } from "./settings.js";

const FACTOR: ValueType = { kind: "float", range: { min: 0, max: 1, minExclusive: true, maxExclusive: true } };
const factor = { name: "factor", type: FACTOR, default: num(0.1), doc: "the rate is multiplied by this" };
const minLr = { name: "min_lr", type: NON_NEGATIVE_FLOAT, default: num(0), doc: "the rate never goes below this" };

const ctors: Signature[] = [];

export const SCHEDULE: ValueType = { kind: "ctor", what: "schedule", ctors };

ctors.push(
  { name: "constant", doc: "Keep the initial rate η₀.", params: [] },
  {
    name: "step",
    doc: "Multiply the rate by `factor` every `every` epochs.",
    params: [{ name: "every", type: POSITIVE_INT, required: true, doc: "epochs between steps" }, factor],
  },
  {
    name: "multistep",
    doc: "Multiply the rate by `factor` at each of the listed epochs.",
    params: [{ name: "at", type: { kind: "list", of: POSITIVE_INT, minItems: 1 }, required: true, doc: "the epochs, in increasing order" }, factor],
  },
  { name: "exponential", doc: "η₀·e^(−k·epoch).", params: [{ name: "k", type: POSITIVE_FLOAT, required: true, doc: "the decay rate" }] },
  { name: "inverse_time", doc: "η₀/(1 + k·epoch).", params: [{ name: "k", type: POSITIVE_FLOAT, required: true, doc: "the decay rate" }] },
  {
    name: "on_plateau",
    doc: "Multiply the rate by `factor` when the monitored metric has not improved for `patience` epochs.",
    params: [
      { name: "monitor", type: MONITORED, default: named("val_loss"), doc: "the metric to watch" },
      { name: "patience", type: POSITIVE_INT, default: num(10), doc: "epochs without improvement before lowering the rate" },
      factor,
      minLr,
    ],
  },
  { name: "cosine", doc: "Cosine annealing from η₀ down to `min_lr` over the training's epochs.", params: [minLr] },
  {
    name: "warmup",
    doc: "Raise the rate linearly from 0 to η₀ over `epochs` epochs, then follow `then`.",
    params: [
      { name: "epochs", type: POSITIVE_INT, required: true, doc: "epochs of warm-up" },
      { name: "then", type: SCHEDULE, default: named("constant"), doc: "the schedule after the warm-up" },
    ],
  },
);

export const SCHEDULES: readonly Signature[] = ctors;

/** Checks what the signature cannot say: `multistep` needs epochs in increasing order (E105). */
export function checkSchedule(value: Value, ctx: { readonly file: string; report(d: Diagnostic): void }): void {
  const v = concrete(value);
  if (v.kind !== "ctor") return;
  if (v.signature.name === "warmup") {
    const then = v.args.get("then");
    if (then) checkSchedule(then.value, ctx);
    return;
  }
  if (v.signature.name !== "multistep") return;
  const list = v.args.get("at");
  const items = list && concrete(list.value);
  if (!list || items?.kind !== "list") return;
  const node = list.node;
  if (!node) return;
  if (items.items.length === 0) {
    ctx.report(diagnostic({ code: "E105", file: ctx.file, range: node.range, message: "`multistep` needs at least one epoch", help: "list the epochs at which to lower the rate: `at: [30, 60]`" }));
    return;
  }
  const nodes = node.kind === "List" ? node.items : [];
  let previous = -Infinity;
  items.items.forEach((item, i) => {
    const c = concrete(item);
    if (c.kind !== "number") return;
    if (c.value <= previous) {
      ctx.report(
        diagnostic({
          code: "E105",
          file: ctx.file,
          range: (nodes[i] ?? node).range,
          message: `\`multistep\` epochs must increase: ${c.value} comes after ${previous}`,
          help: "list the epochs in increasing order, each once",
        }),
      );
    }
    previous = Math.max(previous, c.value);
  });
}
