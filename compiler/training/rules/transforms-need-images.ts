/**
 * `augment` and `expand` transform images, so the data must give images (E303, on the key's value).
 * A model with several inputs is the transforms-one-input rule's.
 */
import { diagnostic } from "../../diagnostics/diagnostic.js";
import { transformEntries } from "./each-transform.js";
import type { TrainingRule } from "./rule.js";

export const transformsNeedImages: TrainingRule = (training, ctx) => {
  const info = training.data;
  if (!info || info.images !== false) return;
  if ((training.model?.inputs.length ?? 0) > 1) return;
  for (const [key, expr] of transformEntries(training)) {
    ctx.report(
      diagnostic({
        code: "E303",
        file: ctx.file,
        range: expr.range,
        message: `\`${key}\` transforms images, but \`${info.name}\` gives ${info.name === "adding_problem" ? "sequences" : "vectors"}`,
        help: `remove \`${key}\``,
      }),
    );
  }
};
