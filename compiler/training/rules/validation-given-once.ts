/**
 * Validation data comes from one place (E303): the `validation` key, `folds`, or the data source's
 * own validation part. Giving two is reported on the later-read one (the key, or `folds`), with the
 * other as a label. A dataset given as the `validation` key is used whole, so a `test:` or
 * `validation:` part on it would be ignored.
 */
import { diagnostic } from "../../diagnostics/diagnostic.js";
import { ctorOf, exprOf, numberArg, valueOf } from "../bound.js";
import { isUserSource } from "../datasets.js";
import type { TrainingRule } from "./rule.js";

export const validationGivenOnce: TrainingRule = (training, ctx) => {
  const key = exprOf(training, "validation");
  const folds = exprOf(training, "folds");
  const data = ctorOf(valueOf(training, "data"));
  const own = data?.args.get("validation");
  // mnist and adding_problem always have a validation count; a user source has a part only when written.
  const hasOwn = own?.node && (data && isUserSource(data.name) ? true : (numberArg(data?.args ?? new Map(), "validation") ?? 0) > 0);
  const ownLabel = own?.node ? [{ file: ctx.file, range: own.node.range, message: "the dataset's validation part" }] : [];
  if (key && hasOwn) {
    ctx.report(
      diagnostic({
        code: "E303",
        file: ctx.file,
        range: key.range,
        message: `validation data is given twice: by \`validation\` and by \`${data?.name}(validation: …)\``,
        help: "keep one of the two",
        labels: ownLabel,
      }),
    );
  }
  if (folds && key) {
    ctx.report(
      diagnostic({
        code: "E303",
        file: ctx.file,
        range: folds.range,
        message: "cross-validation validates on folds of the training data, but `validation` gives other validation data",
        help: "remove `folds` or `validation`",
        labels: [{ file: ctx.file, range: key.range, message: "validation data given here" }],
      }),
    );
  } else if (folds && hasOwn && data && isUserSource(data.name)) {
    ctx.report(
      diagnostic({
        code: "E303",
        file: ctx.file,
        range: folds.range,
        message: `cross-validation validates on folds of the training data, but \`${data.name}(validation: …)\` gives a validation part`,
        help: `remove \`folds\` or the \`validation\` part of \`${data.name}\``,
        labels: ownLabel,
      }),
    );
  }
  const separate = ctorOf(valueOf(training, "validation"));
  if (!separate || !isUserSource(separate.name)) return;
  for (const part of ["test", "validation"] as const) {
    const node = separate.args.get(part)?.node;
    if (!node) continue;
    ctx.report(
      diagnostic({
        code: "E303",
        file: ctx.file,
        range: node.range,
        message: `the validation dataset is used whole: its \`${part}\` part would be ignored`,
        help: `remove \`${part}:\` here; parts belong to the \`data\` source`,
      }),
    );
  }
};
