import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import type { BoundTraining } from "../bound.js";

/** What a training rule may do: look at the bound training and report. Rules never throw. */
export interface TrainingRuleContext {
  readonly file: string;
  report(d: Diagnostic): void;
}

export type TrainingRule = (training: BoundTraining, ctx: TrainingRuleContext) => void;
