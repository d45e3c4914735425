/**
 * A run whose cost or weights stop being finite stops with the same message on every path (the
 * compiled native step, autograd on the native kernels, the cpu backend), keeps the last good
 * checkpoint, and writes no model whose weights are not finite.
 */
import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { singleColumn, type DataSplits } from "../../../runtime/data/examples.js";
import { loadNativeAddon } from "../../../runtime/addon/addon.js";
import { CompiledStepper } from "../../../runtime/compiled/compiled-stepper.js";
import { compileNetwork, planNetwork } from "../../../runtime/compiled/network.js";
import { NATIVE_BACKEND } from "../../../runtime/kernels/register.js";
import { Rng } from "../../../runtime/core/random.js";
import { loadCheckpoint, saveCheckpoint } from "../../../runtime/train/checkpoint.js";
import { saveModel } from "../../../runtime/run/save-model.js";
import { allFinite } from "../../../runtime/train/finite.js";
import { fit, TrainingDiverged } from "../../../runtime/train/fit.js";
import { modelLoss } from "../../../runtime/train/losses.js";
import { makeOptimizer } from "../../../runtime/train/optimizers.js";
import { LearningRateSchedule } from "../../../runtime/train/schedules.js";
import { trainableVariables, type StepResult } from "../../../runtime/train/step.js";
import { TapeStepper, type Stepper } from "../../../runtime/train/stepper.js";
import { nativeAvailable } from "../../support/native-oracle.js";
import { loadProgram } from "../../support/train-source.js";
import { nativeLayersFromConfigs } from "../../support/tfjs-config-layers.js";

const root = resolve(import.meta.dirname, "../../..");
const out = join(root, ".test-out", "divergence", String(process.pid));

/** Epoch 1 (and 2) train at a sane rate; from epoch `from` the rate is absurd and the cost overflows. */
class Exploding extends LearningRateSchedule {
  constructor(private readonly from: number) {
    super({ kind: "constant" }, 0.01, 4);
  }
  override rateAt(epoch: number): number {
    return epoch + 1 < this.from ? 0.01 : 1e30;
  }
}

function linearData(): DataSplits {
  const count = 40;
  const x = Float32Array.from({ length: count * 4 }, (_, i) => (i % 7) / 7);
  const y = Float32Array.from({ length: count }, (_, i) => i % 3);
  return { train: singleColumn(x, [4], y, [1], null, count), validation: null, test: null, description: "synthetic", preprocessing: [{ kind: "none" as const }] };
}

type Path = "compiled" | "autograd on native" | "cpu";

async function explodingRun(path: Path, from: number, every: number, dir: string): Promise<unknown> {
  await tf.setBackend(path === "cpu" ? "cpu" : NATIVE_BACKEND);
  // The same initial weights on every path.
  const input = tf.input({ shape: [4] });
  const line = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 1, name: "line", kernelInitializer: "ones" }).apply(input) as tf.SymbolicTensor });
  const optimizerSetting = { kind: "sgd", lr: 0.01, momentum: 0, nesterov: false } as const;
  const loss = modelLoss([{ kind: "mse" }], null, 1);
  let stepper: Stepper;
  if (path === "compiled") {
    const planned = planNetwork({ model: line, loss: { kind: "mse" }, optimizer: optimizerSetting, clip: null, penalties: new Map(), metrics: [], nativeLayers: nativeLayersFromConfigs(line) });
    if (!planned.ok) throw new Error(planned.reason);
    stepper = new CompiledStepper(compileNetwork(loadNativeAddon().addon!, planned.value.plan), planned.value, null, 1, null);
  } else {
    stepper = new TapeStepper({ model: line, loss, metrics: [], optimizer: makeOptimizer(optimizerSetting), variables: trainableVariables(line).variables, penalized: [], clip: null, roles: null }, null, ["float32"]);
  }
  try {
    await fit({
      model: line,
      stepper,
      monitorGradients: false,
      data: linearData(),
      loss,
      metrics: [],
      schedule: new Exploding(from),
      batchSize: 4,
      epochs: 4,
      rng: new Rng(1),
      inputDtypes: ["float32"],
      earlyStopping: null,
      monitorWeights: false,
      checkpoint: { dir, every, fingerprint: "test" },
      progress: null,
      log: () => undefined,
    });
    return null;
  } catch (error) {
    return error;
  } finally {
    line.dispose();
  }
}

afterEach(async () => {
  await tf.setBackend("cpu");
});

describe.skipIf(!nativeAvailable)("a diverging run", () => {
  it("stops at the same step with the same message on the compiled step, autograd and the cpu backend, and keeps the last checkpoint written", async () => {
    for (const [from, every, kept] of [
      [2, 1, 1],
      [4, 2, 2],
    ] as const) {
      const messages: string[] = [];
      for (const path of ["compiled", "autograd on native", "cpu"] as const) {
        const dir = join(out, `exploding-${from}-${path.replace(/ /g, "-")}`);
        rmSync(dir, { recursive: true, force: true });
        const error = await explodingRun(path, from, every, dir);
        expect(error, path).toBeInstanceOf(TrainingDiverged);
        const message = (error as Error).message.replace(dir, "DIR");
        expect(message, path).toMatch(new RegExp(`^the cost became (NaN|Infinity) at epoch ${from}, step \\d+ \\(learning rate 1e\\+30\\): training stopped; the last good checkpoint \\(epoch ${kept}\\) is kept in DIR`));
        expect((JSON.parse(readFileSync(join(dir, "state.json"), "utf8")) as { epoch: number }).epoch, path).toBe(kept);
        messages.push(message);
      }
      expect(new Set(messages).size, messages.join("\n")).toBe(1);
    }
  }, 60_000);

  it("stops when an update leaves a weight NaN or infinite even though the cost was finite, naming the layer", async () => {
    await tf.setBackend("cpu");
    const input = tf.input({ shape: [4] });
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 1, name: "line" }).apply(input) as tf.SymbolicTensor });
    const kernel = model.getLayer("line").getWeights()[0]!;
    // A stepper whose second update overflows a weight while its cost stays finite.
    let calls = 0;
    const stepper: Stepper = {
      description: "test",
      step(): StepResult {
        calls++;
        if (calls === 2) model.getLayer("line").setWeights([tf.fill(kernel.shape, Infinity), tf.zeros([1])]);
        return { loss: 1, metricSums: [], squaredNorms: null, weightsFinite: calls < 2 };
      },
      setLearningRate: () => undefined,
      optimizerWeights: async () => [],
      setOptimizerWeights: async () => undefined,
    };
    const run = fit({
      model,
      stepper,
      monitorGradients: false,
      data: linearData(),
      loss: modelLoss([{ kind: "mse" }], null, 1),
      metrics: [],
      schedule: new LearningRateSchedule({ kind: "constant" }, 0.1, 2),
      batchSize: 4,
      epochs: 2,
      rng: new Rng(1),
      inputDtypes: ["float32"],
      earlyStopping: null,
      monitorWeights: false,
      checkpoint: null,
      progress: null,
      log: () => undefined,
    });
    await expect(run).rejects.toThrow(/^the weights became NaN or infinite \(first in layer "line", kernel\) at epoch 1, step 2 \(learning rate 0\.1\): training stopped\. Lower the learning rate/);
    model.dispose();
  });

  it("nnc train of the MNIST MLP at sgd(lr: 1e30) exits 1 on the compiled path, as with NNC_COMPILED_STEP=0 and --backend cpu, and saves no model", () => {
    mkdirSync(out, { recursive: true });
    const file = join(out, "mlp.nn");
    writeFileSync(
      file,
      `model Net {
  input image: [784]
  output digit = image -> dense(30, activation: relu) -> dense(10, activation: softmax)
}
train Net {
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: sgd(lr: 1e30)
  seed: 1
  checkpoint: every(1)
}
`,
    );
    const lines: string[] = [];
    for (const [name, extra, env] of [
      ["compiled", [], {}],
      ["autograd", [], { NNC_COMPILED_STEP: "0" }],
      ["cpu", ["--backend", "cpu"], {}],
    ] as const) {
      const runDir = join(out, `mnist-${name}`);
      rmSync(runDir, { recursive: true, force: true });
      const run = spawnSync(process.execPath, [join(root, "bin", "nnc.js"), "train", file, "--limit", "300", "--run-dir", runDir, ...extra], { encoding: "utf8", env: { ...process.env, ...env } });
      expect(run.status, `${name}: ${run.stderr}`).toBe(1);
      const line = run.stderr.split("\n").find((l) => l.startsWith("error:"))!;
      expect(line, name).toBe("error: training Net failed: the cost became NaN at epoch 1, step 2 (learning rate 1e+30): training stopped. Lower the learning rate, or add `clip: norm(1)`");
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(join(runDir, "model.json")), name).toBe(false);
      expect(existsSync(join(runDir, "checkpoint", "state.json")), name).toBe(false);
      lines.push(line);
    }
  }, 120_000);

  it("a CSV whose features are near float's limit (3e38) stops the run on every path, at the same step on the compiled and autograd steps, with the inputs named", async () => {
    let state = 7;
    const draw = () => ((state = (state * 48271) % 2147483647) / 2147483647) * 0.7e38 + 2.5e38;
    const rows = ["a,b,c,d,e,f,g,h,label", ...Array.from({ length: 40 }, (_, i) => `${Array.from({ length: 8 }, () => draw().toExponential(3)).join(",")},${i % 2}`)];
    const program = await loadProgram(
      `model Big {
  input x: [8]
  output y = x -> dense(4, activation: relu) -> dense(2, activation: softmax)
}
train Big {
  data: csv("big.csv", label: "label")
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
  seed: 2
}
`,
      "big",
      { "big.csv": `${rows.join("\n")}\n` },
    );
    const messages: string[] = [];
    for (const [backend, compiled] of [
      ["native", "1"],
      ["native", "0"],
      ["cpu", "1"],
    ] as const) {
      process.env.NNC_COMPILED_STEP = compiled;
      try {
        const error = await program.train("Big", { backend }).then(
          () => null,
          (e: unknown) => e,
        );
        // The generated module's runtime may be another copy of this one (dist/): compare by name.
        expect((error as Error).name, `${backend}, NNC_COMPILED_STEP=${compiled}`).toBe("TrainingDiverged");
        messages.push((error as Error).message);
      } finally {
        delete process.env.NNC_COMPILED_STEP;
      }
    }
    expect(messages[0]).toMatch(/^the cost became NaN at epoch 1, step \d .*the inputs reach 3\.\d\de\+38: scale them \(`normalize: standardize`\)$/);
    // The compiled step and autograd on the same (oneDNN) kernels stop at the same step; the cpu
    // backend's JavaScript kernels sum in double, and may overflow a step earlier or later.
    expect(messages[1]).toBe(messages[0]);
    expect(messages[2]).toMatch(/^the cost became NaN at epoch 1, step \d /);
  }, 60_000);
});

describe("allFinite (the native check for long arrays, a loop for short ones)", () => {
  it("is false exactly when some value is NaN or ±∞, whatever the length", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3000 }), fc.array(fc.tuple(fc.nat(), fc.constantFrom(NaN, Infinity, -Infinity, 3.4e38, -0, 1e-45))), (n, marks) => {
        const values = Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 1e3);
        for (const [at, v] of marks) if (n > 0) values[at % n] = v;
        expect(allFinite(values)).toBe(values.every(Number.isFinite));
      }),
      { numRuns: 300 },
    );
  });
});

describe("no model or checkpoint with weights that are not finite is written", () => {
  it("saveModel refuses a model with a NaN weight and leaves the folder's model as it was", async () => {
    await tf.setBackend("cpu");
    const dir = join(out, "nan-model");
    rmSync(dir, { recursive: true, force: true });
    const input = tf.input({ shape: [3] });
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2, name: "out" }).apply(input) as tf.SymbolicTensor });
    await saveModel(model, dir);
    const before = readFileSync(join(dir, "weights.bin"));
    model.getLayer("out").setWeights([tf.fill([3, 2], NaN), tf.zeros([2])]);
    await expect(saveModel(model, dir)).rejects.toThrow(/the weights of layer "out" \(kernel\) are not finite numbers: the model is not saved/);
    expect(readFileSync(join(dir, "weights.bin"))).toEqual(before);
    model.dispose();
  });

  it("saveCheckpoint refuses weights that are not finite and keeps the previous checkpoint", async () => {
    await tf.setBackend("cpu");
    const dir = join(out, "nan-checkpoint");
    rmSync(dir, { recursive: true, force: true });
    const state = (epoch: number, value: number) => ({
      epoch,
      rng: 1,
      schedule: { best: null, wait: 0, factor: 1 } as never,
      early: { best: null, bestEpoch: null, wait: 0 },
      history: [],
      model: [tf.fill([2], value)],
      optimizer: [],
      best: null,
    });
    await saveCheckpoint(dir, "f", state(1, 0.5));
    await expect(saveCheckpoint(dir, "f", state(2, Infinity))).rejects.toThrow(/the weights after epoch 2 are not finite numbers: the checkpoint in .* is not replaced/);
    expect((JSON.parse(readFileSync(join(dir, "state.json"), "utf8")) as { epoch: number }).epoch).toBe(1);
    expect(loadCheckpoint(dir, "f")).toMatchObject({ kind: "found" });
    // A checkpoint an earlier nnc wrote after its run diverged is not resumed.
    writeFileSync(join(dir, "tensors-epoch-1.bin"), new Uint8Array(Float32Array.from([NaN, NaN]).buffer));
    expect(loadCheckpoint(dir, "f")).toEqual({ kind: "other", reason: "its weights are not finite numbers (the run it saved had diverged)" });
  });
});
