/**
 * `tune`, `folds` and `ensemble` (of more than one network) each make a training train several
 * networks, and the runtime runs one of them: a search ranks one network per trial on one
 * validation part, k folds already vote as an ensemble. A second one would be silently ignored, so
 * it is E303, on the second key's value, with the first as a label. A searched `folds` or `ensemble`
 * is E304 (search-space.ts) and not reported again here.
 */
import type { TrainEntry } from "../../../grammar/ast.js";
import { diagnostic } from "../../diagnostics/diagnostic.js";
import { numberAt, valueOf, type BoundTraining } from "../bound.js";
import type { TrainingKey } from "../keys.js";
import type { TrainingRule } from "./rule.js";

/** The entry of a key that asks for several networks its own way, when it does. */
function asks(training: BoundTraining, key: "tune" | "folds" | "ensemble"): TrainEntry | undefined {
  const entry = training.entries.get(key)?.entry;
  if (!entry || valueOf(training, key)?.kind === "search") return undefined;
  if (key === "ensemble" && (numberAt(training, "ensemble") ?? 1) <= 1) return undefined;
  return entry;
}

const WHY: Readonly<Record<string, { message: string; help: string }>> = {
  "tune+folds": {
    message: "`folds` with `tune` is not supported: a search ranks each trial on one validation part; it does not cross-validate every trial",
    help: "rank the trials on a validation part (`validation: 0.2`), then cross-validate the values the search found in a training with `folds` and without `tune`",
  },
  "tune+ensemble": {
    message: "`ensemble` with `tune` is not supported: a search trains and ranks one network per trial",
    help: "search with one network, then train `ensemble: n` with the values the search found",
  },
  "folds+ensemble": {
    message: "`ensemble` with `folds` is not supported: k-fold cross-validation already trains k networks, which vote together (their mean output)",
    help: "remove `ensemble` (the folds' models are the ensemble), or remove `folds` and validate on a validation part",
  },
};

export const severalNetworksOneWay: TrainingRule = (training, ctx) => {
  const tune = asks(training, "tune");
  const folds = asks(training, "folds");
  const ensemble = asks(training, "ensemble");
  const report = (first: TrainEntry, firstKey: TrainingKey, second: TrainEntry, secondKey: TrainingKey): void => {
    const { message, help } = WHY[`${firstKey}+${secondKey}`];
    ctx.report(
      diagnostic({
        code: "E303",
        file: ctx.file,
        range: second.value.range,
        message,
        help,
        labels: [{ file: ctx.file, range: first.range, message: `\`${firstKey}\` is given here` }],
      }),
    );
  };
  if (tune && folds) report(tune, "tune", folds, "folds");
  if (tune && ensemble) report(tune, "tune", ensemble, "ensemble");
  if (!tune && folds && ensemble) report(folds, "folds", ensemble, "ensemble");
};
