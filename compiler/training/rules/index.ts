/** Every training rule, in the order they run. */
import { dataMatchesInput } from "./data-matches-input.js";
import { lossFitsOutput } from "./loss-fits-output.js";
import { outputMatchesTargets } from "./output-matches-targets.js";
import { quadraticOnSaturating } from "./quadratic-on-saturating.js";
import type { TrainingRule } from "./rule.js";
import { searchSpace } from "./search-space.js";
import { settingsConsistent } from "./settings-consistent.js";

export const TRAINING_RULES: readonly TrainingRule[] = [
  dataMatchesInput,
  outputMatchesTargets,
  lossFitsOutput,
  quadraticOnSaturating,
  settingsConsistent,
  searchSpace,
];
export type { TrainingRule, TrainingRuleContext } from "./rule.js";
