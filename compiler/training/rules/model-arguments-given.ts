/**
 * A training must give every model parameter that has no default (E103): the model may leave
 * `hidden: int` open, and its summary shows `[hidden]`, but a network with a symbolic width cannot be
 * built. One E103 on the `train` header names every missing argument.
 */
import type { Range } from "../../../grammar/ast.js";
import { foreignArgument } from "../../../grammar/keras-names.js";
import { diagnostic } from "../../diagnostics/diagnostic.js";
import { didYouMean, formatList } from "../../diagnostics/suggest.js";
import type { TrainingRule } from "./rule.js";

export const modelArgumentsGiven: TrainingRule = (training, ctx) => {
  const model = training.model;
  if (!model || model.unbound.length === 0) return;
  const { decl } = training;
  // A hole among the arguments was reported as a syntax error; it may be the argument that looks missing.
  if (decl.args.some((a) => a.value.kind === "Error" || a.name?.name === "")) return;
  // `hiden: 100` is E102 with `hidden` suggested already: a second error would say the same.
  const names = [...model.params.keys()];
  const suggested = new Set(decl.args.flatMap((a) => (a.name && !model.params.has(a.name.name) ? [foreignArgument(a.name.name, names) ?? didYouMean(a.name.name, names)] : [])));
  const missing = model.unbound.filter((p) => !suggested.has(p.name));
  if (missing.length === 0) return;
  const header: Range = { start: decl.range.start, end: decl.model.range.end };
  const several = missing.length > 1;
  const label = decl.label?.name ? `${decl.label.name}: ` : "";
  const written = [...(decl.args.length > 0 ? ["…"] : []), ...missing.map((p) => `${p.name}: …`)].join(", ");
  ctx.report(
    diagnostic({
      code: "E103",
      file: ctx.file,
      range: header,
      message: `training \`${training.name}\` needs the model ${several ? "arguments" : "argument"} ${formatList(missing.map((p) => p.name), "and")}`,
      labels: missing.map((p) => ({ ...p.declaredAt, message: `\`${p.name}\` has no default` })),
      help: `give ${several ? "them" : "it"} in the header: \`train ${label}${model.name}(${written}) { … }\``,
    }),
  );
};
