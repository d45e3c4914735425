/**
 * Chooses how training steps run: compiled into one native call per batch when the backend is
 * `native` and the model and settings are ones the compiled network covers, else through
 * TensorFlow.js autograd. Says which, and why, for the log.
 */
import * as tf from "@tensorflow/tfjs";
import { loadNativeAddon } from "../addon/addon.js";
import { CompiledStepper } from "../compiled/compiled-stepper.js";
import { compileNetwork, planNetwork } from "../compiled/network.js";
import { NATIVE_BACKEND } from "../kernels/register.js";
import type { NativeLayers } from "../core/native-layer.js";
import type { ClipSetting, LossSetting, OptimizerSetting, Settled } from "../core/settings.js";
import type { InputDtypes } from "../train/batches.js";
import type { Metric } from "../train/metrics.js";
import type { penalizedVariables } from "../train/regularization.js";
import type { StepContext } from "../train/step.js";
import { TapeStepper, type BatchAugment, type Stepper } from "../train/stepper.js";

export interface StepperInputs {
  readonly context: StepContext;
  /** Each output's loss (one for every output, or one per output). */
  readonly lossSettings: readonly Settled<LossSetting>[];
  readonly outputs: number;
  readonly optimizerSetting: Settled<OptimizerSetting>;
  readonly clip: Settled<ClipSetting> | null;
  readonly metrics: readonly Metric[];
  readonly augment: BatchAugment;
  readonly inputDtypes: InputDtypes;
  readonly seed: number;
  /** One training example's input shape. */
  readonly dataShape: readonly number[];
  /** The model's layers as the compiled step runs them (the generated module's `nativeLayers` for this build). */
  readonly nativeLayers: NativeLayers | undefined;
}

function penaltiesByLayer(model: tf.LayersModel, penalized: ReturnType<typeof penalizedVariables>): Map<string, { l1: number; l2: number }> {
  const out = new Map<string, { l1: number; l2: number }>();
  for (const layer of model.layers) {
    for (const w of layer.trainableWeights) {
      const p = penalized.find((entry) => entry.variable === w.read());
      if (p) out.set(layer.name, { l1: p.l1, l2: p.l2 });
    }
  }
  return out;
}

/** Why the compiled step cannot run, or null when it can be tried. */
function compiledUnavailable(inputs: StepperInputs): string | null {
  if (tf.getBackend() !== NATIVE_BACKEND) return null;
  if (process.env.NNC_COMPILED_STEP === "0") return "NNC_COMPILED_STEP=0";
  if (inputs.inputDtypes.length !== 1 || inputs.outputs !== 1) return `the model has ${inputs.inputDtypes.length} inputs and ${inputs.outputs} outputs; the compiled network trains one of each`;
  if (inputs.inputDtypes[0] !== "float32") return "the model takes integer inputs";
  return "";
}

export function chooseStepper(inputs: StepperInputs): { stepper: Stepper; note: string | null } {
  const tape = new TapeStepper(inputs.context, inputs.augment, inputs.inputDtypes);
  const unavailable = compiledUnavailable(inputs);
  if (unavailable === null) return { stepper: tape, note: null };
  if (unavailable) return { stepper: tape, note: `steps: TensorFlow.js autograd on the native kernels (${unavailable})` };
  if (!inputs.nativeLayers) return { stepper: tape, note: "steps: TensorFlow.js autograd on the native kernels (the generated module has no native plan: compile it again)" };
  const { addon } = loadNativeAddon();
  const { model, roles, penalized } = inputs.context;
  const planned = planNetwork({
    model,
    loss: inputs.lossSettings[0],
    optimizer: inputs.optimizerSetting,
    clip: inputs.clip,
    penalties: penaltiesByLayer(model, penalized),
    metrics: inputs.metrics.map((m) => m.name),
    nativeLayers: inputs.nativeLayers,
    dataShape: inputs.dataShape,
  });
  if (!addon || !planned.ok) {
    const reason = planned.ok ? "the addon is not loaded" : planned.reason;
    return { stepper: tape, note: `steps: TensorFlow.js autograd on the native kernels (the compiled network does not cover this training: ${reason})` };
  }
  const stepper = new CompiledStepper(compileNetwork(addon, planned.value.plan), planned.value, roles, inputs.seed, inputs.augment);
  return { stepper, note: `steps: ${stepper.description}` };
}
