/** Walks a `schedule:` value, for the rules that look at schedules. */
import type { Expr } from "../../../grammar/ast.js";
import type { BoundArgs, Value } from "../../schema/values.js";
import { ctorOf, numberArg } from "../bound.js";

/**
 * Calls `visit` for a schedule value and, through `warmup(then: …)`, the schedules it wraps, with
 * the epochs of warm-up before each: the runtime starts a `then` schedule at its epoch 0 when the
 * warm-up ends, so its steps count from there (runtime/train/schedules.ts).
 */
export function forEachSchedule(
  value: Value | undefined,
  expr: Expr | undefined,
  visit: (name: string, args: BoundArgs, at: Expr, warmedUp: number) => void,
  warmedUp = 0,
): void {
  const schedule = ctorOf(value);
  if (!schedule || !expr) return;
  visit(schedule.name, schedule.args, expr, warmedUp);
  const then = schedule.name === "warmup" ? schedule.args.get("then") : undefined;
  if (then?.node) forEachSchedule(then.value, then.node, visit, warmedUp + (numberArg(schedule.args, "epochs") ?? 0));
}
