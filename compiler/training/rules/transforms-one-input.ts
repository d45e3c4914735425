/**
 * `augment` and `expand` transform the images of a model's one image input; a model with several
 * inputs has no single image to shift or rotate (E303, on the key's value).
 */
import { diagnostic } from "../../diagnostics/diagnostic.js";
import { transformEntries } from "./each-transform.js";
import type { TrainingRule } from "./rule.js";

export const transformsOneInput: TrainingRule = (training, ctx) => {
  const model = training.model;
  if (!model || model.inputs.length < 2) return;
  for (const [key, expr] of transformEntries(training)) {
    ctx.report(
      diagnostic({
        code: "E303",
        file: ctx.file,
        range: expr.range,
        message: `\`${key}\` transforms the images of one input, but model \`${model.name}\` has ${model.inputs.length} inputs (${model.inputs.map((i) => `\`${i.name}\``).join(", ")})`,
        labels: model.inputs.map((i) => ({ ...i.definedAt, message: `input \`${i.name}\`` })),
        help: `remove \`${key}\`, or train a model with one image input`,
      }),
    );
  }
};
