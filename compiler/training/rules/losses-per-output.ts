/**
 * A training is only valid if its losses and loss weights name the model's outputs (E303): `loss:`
 * is one loss for every output or a list with one per output, `loss_weights:` has one weight per
 * output, and not every weight is 0 (the cost would be 0 and nothing would learn).
 */
import type { Range } from "../../../grammar/ast.js";
import { diagnostic } from "../../diagnostics/diagnostic.js";
import { concrete } from "../../schema/values.js";
import { exprOf, valueOf } from "../bound.js";
import type { TrainingRule } from "./rule.js";

export const lossesPerOutput: TrainingRule = (training, ctx) => {
  const model = training.model;
  if (!model || model.incomplete || model.outputs.length === 0) return;
  const outputs = model.outputs;
  const names = outputs.map((o) => `\`${o.name}\``).join(", ");
  const labels = outputs.map((o) => ({ ...o.definedAt, message: `output \`${o.name}\`` }));
  const report = (range: Range, message: string, help: string): void =>
    ctx.report(diagnostic({ code: "E303", file: ctx.file, range, message, help, labels }));

  const loss = valueOf(training, "loss");
  const lossExpr = exprOf(training, "loss");
  const losses = loss && concrete(loss);
  if (losses?.kind === "list" && lossExpr && losses.items.length !== 1 && losses.items.length !== outputs.length) {
    report(
      lossExpr.range,
      `\`loss\` lists ${losses.items.length} losses, but model \`${model.name}\` has ${countOf(outputs.length, "output")} (${names})`,
      outputs.length === 1 ? "give one loss: `loss: cross_entropy`" : `give one loss for every output, or one per output in output order: \`loss: [${Array(outputs.length).fill("…").join(", ")}]\``,
    );
  }

  const weights = valueOf(training, "loss_weights");
  const weightsExpr = exprOf(training, "loss_weights");
  const list = weights && concrete(weights);
  if (list?.kind !== "list" || !weightsExpr) return;
  if (list.items.length !== outputs.length) {
    report(
      weightsExpr.range,
      `\`loss_weights\` gives ${countOf(list.items.length, "weight")}, but model \`${model.name}\` has ${countOf(outputs.length, "output")} (${names})`,
      outputs.length === 1
        ? "remove `loss_weights`: a model with one output has one loss"
        : `give one weight per output, in output order: \`loss_weights: [${Array(outputs.length).fill("1").join(", ")}]\``,
    );
    return;
  }
  const all = list.items.map(concrete);
  if (all.length > 0 && all.every((w) => w.kind === "number" && w.value === 0)) {
    report(weightsExpr.range, "every loss weight is 0: the cost would be 0 and nothing would train", "give at least one output a positive weight");
  }
};

function countOf(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
