import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

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
const epochs = (runDir: string) =>
  readFileSync(join(runDir, "metrics.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((line) => {
      const { seconds: _s, ...rest } = JSON.parse(line) as { seconds: number };
      return rest;
    });

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
