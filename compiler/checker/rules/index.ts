/** Every model rule, in the order they run. */
import { denseOnHighRank } from "./dense-on-high-rank.js";
import { redundantActivation } from "./redundant-activation.js";
import type { ModelRule } from "./rule.js";
import { vanishingGradient } from "./vanishing-gradient.js";

export const MODEL_RULES: readonly ModelRule[] = [denseOnHighRank, vanishingGradient, redundantActivation];
export type { ModelRule, RuleContext } from "./rule.js";
