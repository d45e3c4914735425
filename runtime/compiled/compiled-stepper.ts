/**
 * The training step as one native call per batch (runtime/compiled/network.ts). The weights stay
 * TensorFlow.js variables, updated in their own buffers, so evaluation, saving, checkpoints and
 * early stopping see them as usual; the optimizer's state lives in the native network and is
 * checkpointed as tfjs's optimizer of the same kind saves its own (`iter`, then the slots in
 * order), so a run may resume on either path.
 */
import * as tf from "@tensorflow/tfjs";
import type { Examples } from "../data/examples.js";
import { rowsOf } from "../train/batches.js";
import type { NamedTensor } from "../train/checkpoint.js";
import type { StepResult, VariableRole } from "../train/step.js";
import type { BatchAugment, Stepper } from "../train/stepper.js";
import { OPTIMIZER_SLOTS, type CompiledMetric, type NativeNetwork, type PlannedNetwork } from "./network.js";
import type { PlannedOptimizer } from "../core/native-plan.js";

interface StoredData {
  values?: unknown;
  refCount?: number;
}

interface CpuStorage {
  readonly data: { get(dataId: object): StoredData };
}

/**
 * The variable's buffer, ready to be written in place. A buffer shared with another tensor (a
 * clone kept as the best weights, say) is first copied, so only the variable changes.
 */
function ownedValues(variable: tf.Variable): Float32Array {
  const storage = tf.backend() as unknown as CpuStorage;
  let stored = storage.data.get(variable.dataId);
  if ((stored.refCount ?? 1) > 1) {
    const copy = tf.tensor(Float32Array.from(stored.values as Float32Array), variable.shape);
    variable.assign(copy);
    copy.dispose();
    stored = storage.data.get(variable.dataId);
  }
  if (!(stored.values instanceof Float32Array)) throw new Error(`variable ${variable.name} is not a float32 buffer of the cpu backend`);
  return stored.values;
}

export class CompiledStepper implements Stepper {
  readonly description = "compiled native network (one native call per batch)";
  private lr = 0;
  private readonly out: Float64Array;
  private readonly variables: readonly tf.Variable[];
  /** Variables the network updates itself (batch norm's moving statistics). */
  private readonly states: readonly tf.Variable[];
  private readonly metrics: readonly CompiledMetric[];
  private readonly optimizer: PlannedOptimizer["kind"];

  /** `network` is `planned.plan` compiled (`compileNetwork`). */
  constructor(
    private readonly network: NativeNetwork,
    planned: PlannedNetwork,
    private readonly roles: ReadonlyMap<string, VariableRole> | null,
    private readonly seed: number,
    private readonly augment: BatchAugment,
  ) {
    ({ variables: this.variables, states: this.states, metrics: this.metrics } = planned);
    this.optimizer = planned.plan.optimizer.kind;
    // Cost, correct, absolute error, a squared gradient norm per variable, the first non-finite array.
    this.out = new Float64Array(4 + this.variables.length);
  }

  step(data: Examples, order: Uint32Array, from: number, to: number, stepNumber: number): StepResult {
    const weights = this.variables.map(ownedValues);
    // Dropout masks come from the step's number, so a resumed run draws the same masks.
    const seed = (this.seed * 1_000_003 + stepNumber) % 2 ** 52;
    // The compiled network trains models of one input and one output (choose-stepper.ts).
    const [x] = data.inputs;
    const [y] = data.targets;
    if (this.augment) {
      const rows = this.augment(rowsOf(x, order, from, to), to - from);
      this.network.step(rows, rowsOf(y, order, from, to), null, 0, to - from, weights, this.lr, seed, this.out, this.states.map(ownedValues));
    } else {
      this.network.step(x.values, y.values, order, from, to, weights, this.lr, seed, this.out, this.states.map(ownedValues));
    }
    // The native update checks each weight as it writes it, and the moving statistics after the forward pass.
    const weightsFinite = this.out[3 + this.variables.length]! < 0;
    return { loss: this.out[0]!, metricSums: this.metrics.map((m) => this.metricSum(m, this.out)), squaredNorms: this.norms(), weightsFinite };
  }

  private metricSum(metric: CompiledMetric, out: Float64Array): number {
    return metric === "accuracy" ? out[1]! : out[2]!;
  }

  private norms(): Map<string, { weights: number; biases: number | null }> | null {
    if (!this.roles) return null;
    const byLayer = new Map<string, { weights: number; biases: number | null }>();
    this.variables.forEach((v, k) => {
      const role = this.roles!.get(v.name);
      if (!role) return;
      const entry = byLayer.get(role.layer) ?? { weights: 0, biases: null };
      if (role.role === "weights") entry.weights += this.out[3 + k]!;
      else entry.biases = (entry.biases ?? 0) + this.out[3 + k]!;
      byLayer.set(role.layer, entry);
    });
    return byLayer;
  }

  evaluate(data: Examples): Record<string, number> {
    const out = new Float64Array(3);
    this.network.evaluate(data.inputs[0].values, data.targets[0].values, data.count, this.variables.map(ownedValues), out, this.states.map(ownedValues));
    const n = Math.max(1, data.count);
    return { loss: out[0]! / n, ...Object.fromEntries(this.metrics.map((m) => [m, this.metricSum(m, out) / n])) };
  }

  setLearningRate(lr: number): void {
    this.lr = lr;
  }

  async optimizerWeights(): Promise<NamedTensor[]> {
    const slots = OPTIMIZER_SLOTS[this.optimizer];
    return [
      { name: "iter", tensor: tf.scalar(this.network.steps(), "int32") },
      ...slots.flatMap((slot, s) => this.variables.map((v, k) => ({ name: `${v.name}/${slot}`, tensor: tf.tensor(Float32Array.from(this.network.state(k, s)), v.shape) }))),
    ];
  }

  /** By position, as tfjs restores its optimizers: variable names differ between processes. */
  async setOptimizerWeights(weights: readonly NamedTensor[]): Promise<void> {
    if (weights.length === 0) return;
    const slots = OPTIMIZER_SLOTS[this.optimizer];
    const [iter, ...state] = weights;
    if (iter!.name !== "iter" || state.length !== slots.length * this.variables.length)
      throw new Error(`the checkpoint's optimizer state (${weights.length} arrays) does not fit a ${this.optimizer} optimizer of ${this.variables.length} variables`);
    this.network.restoreSteps(iter!.tensor.dataSync()[0]!);
    slots.forEach((_, s) =>
      this.variables.forEach((v, k) => {
        const saved = state[s * this.variables.length + k]!.tensor;
        if (saved.size !== v.size) throw new Error(`the checkpoint's optimizer state for ${v.name} has ${saved.size} values, not ${v.size}`);
        this.network.state(k, s).set(saved.dataSync() as Float32Array);
      }),
    );
  }
}
