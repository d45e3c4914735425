/** Every training rule, in the order they run. */
import { accuracyOfOneOutput } from "./accuracy-of-one-output.js";
import { batchFitsTrainingSet } from "./batch-fits-training-set.js";
import { classLossesNeedClasses } from "./class-losses-need-classes.js";
import { dataMatchesInput } from "./data-matches-input.js";
import { lossFitsOutput } from "./loss-fits-output.js";
import { lossesPerOutput } from "./losses-per-output.js";
import { metricsFitTargets } from "./metrics-fit-targets.js";
import { modelArgumentsGiven } from "./model-arguments-given.js";
import { monitoredMetricComputed } from "./monitored-metric-computed.js";
import { nesterovNeedsMomentum } from "./nesterov-needs-momentum.js";
import { outputMatchesTargets } from "./output-matches-targets.js";
import { quadraticOnSaturating } from "./quadratic-on-saturating.js";
import { repeatsNeedTune } from "./repeats-need-tune.js";
import type { TrainingRule } from "./rule.js";
import { schedulesWithinEpochs } from "./schedules-within-epochs.js";
import { searchSpace } from "./search-space.js";
import { severalNetworksOneWay } from "./several-networks-one-way.js";
import { somethingToTrain } from "./something-to-train.js";
import { transferNeedsInitFrom } from "./transfer-needs-init-from.js";
import { transformsNeedImages } from "./transforms-need-images.js";
import { transformsOneInput } from "./transforms-one-input.js";
import { tuneConsistent } from "./tune-consistent.js";
import { validationGivenOnce } from "./validation-given-once.js";
import { voteNeedsEnsemble } from "./vote-needs-ensemble.js";

export const TRAINING_RULES: readonly TrainingRule[] = [
  modelArgumentsGiven,
  dataMatchesInput,
  outputMatchesTargets,
  lossesPerOutput,
  lossFitsOutput,
  quadraticOnSaturating,
  // Settings that contradict each other (E303), in the order their diagnostics have always come.
  monitoredMetricComputed,
  metricsFitTargets,
  voteNeedsEnsemble,
  tuneConsistent,
  severalNetworksOneWay,
  repeatsNeedTune,
  transferNeedsInitFrom,
  schedulesWithinEpochs,
  nesterovNeedsMomentum,
  validationGivenOnce,
  classLossesNeedClasses,
  transformsNeedImages,
  batchFitsTrainingSet,
  accuracyOfOneOutput,
  transformsOneInput,
  somethingToTrain,
  searchSpace,
];
export type { TrainingRule, TrainingRuleContext } from "./rule.js";
