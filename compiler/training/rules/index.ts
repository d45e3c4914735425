/** Every training rule, in the order they run. */
import { accuracyOfOneOutput } from "./accuracy-of-one-output.js";
import { dataMatchesInput } from "./data-matches-input.js";
import { lossFitsOutput } from "./loss-fits-output.js";
import { lossesPerOutput } from "./losses-per-output.js";
import { outputMatchesTargets } from "./output-matches-targets.js";
import { quadraticOnSaturating } from "./quadratic-on-saturating.js";
import type { TrainingRule } from "./rule.js";
import { searchSpace } from "./search-space.js";
import { settingsConsistent } from "./settings-consistent.js";
import { somethingToTrain } from "./something-to-train.js";
import { transformsOneInput } from "./transforms-one-input.js";

export const TRAINING_RULES: readonly TrainingRule[] = [
  dataMatchesInput,
  outputMatchesTargets,
  lossesPerOutput,
  lossFitsOutput,
  quadraticOnSaturating,
  settingsConsistent,
  accuracyOfOneOutput,
  transformsOneInput,
  somethingToTrain,
  searchSpace,
];
export type { TrainingRule, TrainingRuleContext } from "./rule.js";
