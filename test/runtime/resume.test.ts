import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { epochRecordsOf, type EpochRecord } from "../../runtime/core/history.js";
import { loadProgram, mlpProgram } from "../support/train-source.js";

const root = resolve(import.meta.dirname, "../..");
const nnc = join(root, "bin", "nnc.js");
const dir = join(root, ".test-out", "resume", String(process.pid));

const SOURCE = `model Mlp {
  input image: [784]
  image -> hidden: dense(32, activation: sigmoid) -> dense(10, activation: softmax)
}
train Mlp {
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: sgd(lr: 0.1, momentum: 0.5)
  batch_size: 10
  epochs: 4
  seed: 9
  checkpoint: every(1)
}
`;

const args = (runDir: string) => [nnc, "train", join(dir, "mlp.nn"), "--limit", "3000", "--run-dir", runDir];
/** The epoch records of the run's metrics.jsonl, without their times (step lines skipped). */
const epochs = (runDir: string) => epochRecordsOf(readFileSync(join(runDir, "metrics.jsonl"), "utf8")).map(({ seconds: _s, ...rest }) => rest);

describe("checkpoints", () => {
  it("a run killed mid-epoch resumes from its last checkpoint and ends as an uninterrupted run does", async () => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "mlp.nn"), SOURCE);

    const whole = join(dir, "whole");
    const uninterrupted = spawnSync(process.execPath, args(whole), { encoding: "utf8" });
    expect(uninterrupted.status, uninterrupted.stderr).toBe(0);

    const killed = join(dir, "killed");
    const child = spawn(process.execPath, args(killed), { stdio: "ignore" });
    const state = join(killed, "checkpoint", "state.json");
    await new Promise<void>((done, fail) => {
      const poll = setInterval(() => {
        if (existsSync(state)) {
          clearInterval(poll);
          child.kill("SIGKILL");
          done();
        }
      }, 10);
      child.on("exit", () => {
        clearInterval(poll);
        fail(new Error("the run ended before it could be killed"));
      });
    });
    await new Promise((done) => child.on("exit", done));
    const checkpointed = (JSON.parse(readFileSync(state, "utf8")) as { epoch: number }).epoch;
    expect(checkpointed).toBeLessThan(4);

    const resumed = spawnSync(process.execPath, args(killed), { encoding: "utf8" });
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`resuming after epoch ${checkpointed}`);
    expect(epochs(killed)).toEqual(epochs(whole));
    expect(readFileSync(join(killed, "weights.bin"))).toEqual(readFileSync(join(whole, "weights.bin")));
  }, 120_000);
});

describe("a checkpoint written when early stopping ended the run", () => {
  it("ends the run again when resumed: nothing more is trained, the best epoch's weights are kept", async () => {
    // min_delta 10 is never met: the run stops after epoch 1 + patience.
    const settings = "optimizer: sgd(lr: 0.1)\n  batch_size: 20\n  epochs: 6\n  seed: 4\n  early_stopping: patience(2, monitor: val_loss, min_delta: 10)\n  checkpoint: every(1)";
    const program = await loadProgram(mlpProgram(settings), "resume-early");
    const runDir = join(dir, "early");
    const first = await program.train("Mlp", { limit: 300, runDir });
    expect(first.stoppedEarly).toBe(true);
    expect(first.history).toHaveLength(3);
    const again = await program.train("Mlp", { limit: 300, runDir });
    expect(again.resumedFrom).toBe(3);
    expect(again.stoppedEarly).toBe(true);
    expect(again.history).toHaveLength(3);
    expect(again.keptEpoch).toBe(first.keptEpoch);
    expect(again.test).toEqual(first.test);
  }, 60_000);
});

describe("checkpoints keep every optimizer's state", () => {
  // Stopping after epoch 1 and resuming must give what an uninterrupted run gives, which needs the
  // optimizer's accumulators (and Adam's step count) saved and restored exactly.
  const OPTIMIZERS = [
    "sgd(lr: 0.1)",
    "sgd(lr: 0.1, momentum: 0.9)",
    "sgd(lr: 0.1, momentum: 0.9, nesterov: true)",
    "adagrad(lr: 0.05)",
    "adadelta(lr: 1.0)",
    "rmsprop(lr: 0.005, momentum: 0.5)",
    "adam(lr: 0.005)",
    "adamax(lr: 0.01)",
  ];
  it.each(OPTIMIZERS)("%s", async (optimizer) => {
    const program = await loadProgram(mlpProgram(`optimizer: ${optimizer}\n  batch_size: 20\n  epochs: 2\n  seed: 4\n  checkpoint: every(1)`), "resume-optimizer");
    const runs = join(dir, "optimizers", optimizer.replace(/\W+/g, "_"));
    const whole = await program.train("Mlp", { limit: 400, runDir: join(runs, "whole") });
    await program.train("Mlp", { limit: 400, runDir: join(runs, "stopped"), epochs: 1 });
    const resumed = await program.train("Mlp", { limit: 400, runDir: join(runs, "stopped") });
    expect(resumed.resumedFrom).toBe(1);
    const without = (h: readonly EpochRecord[]) => h.map(({ seconds: _s, ...rest }) => rest);
    expect(without(resumed.history)).toEqual(without(whole.history));
    expect(resumed.test).toEqual(whole.test);
    expect(readFileSync(join(runs, "stopped", "weights.bin"))).toEqual(readFileSync(join(runs, "whole", "weights.bin")));
  }, 60_000);
});

describe("a checkpoint written by the compiled step resumes through autograd, and back", () => {
  // Both paths save the optimizer's state as tfjs does (`iter`, then the slots in order).
  it.each(["sgd(lr: 0.1, momentum: 0.9)", "rmsprop(lr: 0.005, momentum: 0.5)", "adam(lr: 0.005)"])("%s", async (optimizer) => {
    const program = await loadProgram(mlpProgram(`optimizer: ${optimizer}\n  batch_size: 20\n  epochs: 2\n  seed: 4\n  checkpoint: every(1)`), "resume-across");
    const runs = join(dir, "across", optimizer.replace(/\W+/g, "_"));
    const whole = await program.train("Mlp", { limit: 400, runDir: join(runs, "whole"), backend: "native" });
    for (const [first, then] of [["1", "0"], ["0", "1"]] as const) {
      const runDir = join(runs, `${first}-${then}`);
      const previous = process.env.NNC_COMPILED_STEP;
      try {
        process.env.NNC_COMPILED_STEP = first;
        await program.train("Mlp", { limit: 400, runDir, epochs: 1, backend: "native" });
        process.env.NNC_COMPILED_STEP = then;
        const resumed = await program.train("Mlp", { limit: 400, runDir, backend: "native" });
        expect(resumed.resumedFrom).toBe(1);
        resumed.history.forEach((epoch, i) => expect(epoch.train.loss).toBeCloseTo(whole.history[i]!.train.loss, 4));
        expect(resumed.test!.loss).toBeCloseTo(whole.test!.loss!, 4);
      } finally {
        if (previous === undefined) delete process.env.NNC_COMPILED_STEP;
        else process.env.NNC_COMPILED_STEP = previous;
      }
    }
  }, 60_000);
});
