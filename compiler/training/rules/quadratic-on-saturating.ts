/**
 * A training learns slowly if it puts a quadratic cost on a saturating output (W403, on the loss
 * value): with `quadratic` or `mse` on a softmax or sigmoid output, the gradient carries the factor
 * σ′(z), which vanishes when an output unit saturates at a wrong answer. The cross-entropy cost
 * cancels that factor.
 */
import { diagnostic } from "../../diagnostics/diagnostic.js";
import { ctorOf } from "../bound.js";
import { QUADRATIC_LOSSES } from "../losses.js";
import { describeLayer, outputActivation } from "../model-facts.js";
import type { TrainingRule } from "./rule.js";

export const quadraticOnSaturating: TrainingRule = (training, ctx) => {
  const model = training.model;
  const entry = training.entries.get("loss");
  if (!model || model.incomplete || !entry) return;
  const loss = ctorOf(entry.value);
  const output = outputActivation(model);
  if (!loss || !QUADRATIC_LOSSES.includes(loss.name) || !output) return;
  const { activation, layer } = output;
  if (activation !== "softmax" && activation !== "sigmoid") return;
  const better = activation === "softmax" ? "cross_entropy" : "binary_cross_entropy";
  ctx.report(
    diagnostic({
      code: "W403",
      file: ctx.file,
      range: entry.entry.value.range,
      message: `\`${loss.name}\` cost on a ${activation} output learns slowly when the output saturates`,
      label: `its gradient shrinks with ${activation}′ of the output`,
      labels: [{ ...layer.definedAt, message: `the output layer ${describeLayer(layer)} applies ${activation}` }],
      help: `use \`${better}\`, whose gradient does not shrink when the output saturates`,
      fixes: [{ title: `Use \`${better}\``, edits: [{ file: ctx.file, range: entry.entry.value.range, newText: better }] }],
    }),
  );
};
