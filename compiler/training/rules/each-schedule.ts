/** Walks a `schedule:` value, for the rules that look at schedules. */
import type { Expr } from "../../../grammar/ast.js";
import type { BoundArgs, Value } from "../../schema/values.js";
import { ctorOf } from "../bound.js";

/** Calls `visit` for a schedule value and, through `warmup(then: …)`, the schedules it wraps. */
export function forEachSchedule(value: Value | undefined, expr: Expr | undefined, visit: (name: string, args: BoundArgs, at: Expr) => void): void {
  const schedule = ctorOf(value);
  if (!schedule || !expr) return;
  visit(schedule.name, schedule.args, expr);
  const then = schedule.name === "warmup" ? schedule.args.get("then") : undefined;
  if (then?.node) forEachSchedule(then.value, then.node, visit);
}
