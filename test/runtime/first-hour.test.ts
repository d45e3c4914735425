/**
 * What a newcomer sees in the first run: no tfjs banner on a plain import, layer names that do not
 * depend on what else the process built, examples/s on the progress bar, the summary printed once
 * on a terminal, and a run folder of another file's training refused rather than overwritten.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { EpochProgress } from "../../runtime/train/progress.js";
import { checkRunFolderOwner, RunFolderInUse, writeRunSettings } from "../../runtime/run/run-folder.js";
import { runTrainOn } from "../../compiler/cli/train-command.js";
import { loadProgram, TEST_OUT } from "../support/train-source.js";

const ROOT = resolve(import.meta.dirname, "../..");

describe("importing the runtime in plain Node", () => {
  it("prints nothing: no banner recommending tfjs-node when the cpu backend stores a tensor", () => {
    const script = `import { tf } from ${JSON.stringify(join(ROOT, "dist/runtime/index.js"))};
await tf.setBackend("cpu"); tf.tensor([1, 2, 3]).square().dataSync(); console.log("done");`;
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(run.stdout).toBe("done\n");
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
  });
});

describe("the name of a leaky_relu activation's layer", () => {
  it("follows its dense layer, the same whatever the process built before", async () => {
    const text = `model M {\n  input x: [4]\n  x -> hidden: dense(3, activation: leaky_relu) -> dense(2, activation: softmax)\n}\n`;
    const program = await loadProgram(text, "leaky");
    const first = program.build("M").layers.map((l) => l.name);
    const second = program.build("M").layers.map((l) => l.name);
    expect(first).toContain("hidden.leaky_relu");
    expect(second).toEqual(first);
    expect(first.some((n) => /LeakyReLU\d/.test(n))).toBe(false);
  });
});

describe("the progress bar", () => {
  it("shows examples per second from the examples trained so far", () => {
    const writes: string[] = [];
    let now = 0;
    const p = new EpochProgress({ epoch: 1, epochs: 2, steps: 100, stream: { isTTY: true, columns: 200, write: (s: string) => writes.push(s) }, now: () => now });
    now = 2000;
    p.update(50, { loss: 0.5 }, 500);
    expect(writes.join("")).toMatch(/ETA 0:02 {2}250 examples\/s {2}loss 0\.5000$/);
  });
});

describe("nnc train's summary line", () => {
  const program = `model M {\n  input image: [784]\n  image -> dense(10, activation: softmax)\n}\ntrain M {\n  data: mnist(flat: true)\n  loss: cross_entropy\n  optimizer: sgd(lr: 0.1)\n  epochs: 1\n}\n`;
  async function run(stdoutIsTTY: boolean, stderrIsTTY: boolean) {
    const dir = join(TEST_OUT, "summary-once", `${process.pid}-${Date.now()}-${stdoutIsTTY}${stderrIsTTY}`);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, "m.nn");
    (await import("node:fs")).writeFileSync(file, program);
    const log: string[] = [];
    const stdout: string[] = [];
    const code = await runTrainOn([file, "--limit", "100", "--run-dir", join(dir, "run")], { stdout: (s) => void stdout.push(s), stderr: (s) => void log.push(s), color: false }, {
      output: { isTTY: stderrIsTTY, columns: 120, write: (s: string) => log.push(s) },
      stdoutIsTTY,
    });
    return { code, log: log.join(""), stdout: stdout.join("") };
  }
  it("is printed once when stdout and stderr are one terminal, and on stdout too otherwise", async () => {
    const tty = await run(true, true);
    expect(tty.code).toBe(0);
    expect(tty.stdout).toBe("");
    expect(tty.log).toMatch(/\nM: test loss [\d.]+, test accuracy/);
    const piped = await run(false, true);
    expect(piped.stdout).toMatch(/^M: test loss .*; run folder .*\n$/);
  }, 60_000);
});

describe("a run folder", () => {
  const settings = {} as Parameters<typeof writeRunSettings>[2];
  it("of another file's training with the same label is refused, naming that file; its own is free", () => {
    const dir = join(TEST_OUT, "owners", `${process.pid}-${Date.now()}`);
    mkdirSync(dir, { recursive: true });
    writeRunSettings(dir, { label: "mnist", source: "a.nn", sourcePath: "/work/a.nn" }, settings, null, {} as never);
    expect(() => checkRunFolderOwner(dir, { label: "mnist", source: "a.nn", sourcePath: "/work/a.nn" })).not.toThrow();
    expect(() => checkRunFolderOwner(dir, { label: "mnist", source: "b.nn", sourcePath: "/work/b.nn" })).toThrow(RunFolderInUse);
    expect(() => checkRunFolderOwner(dir, { label: "mnist", source: "b.nn", sourcePath: "/work/b.nn" })).toThrow(/holds a run of training `mnist` from another file, \/work\/a\.nn; give this training another label/);
    expect(() => checkRunFolderOwner(dir, { label: "other", source: "a.nn", sourcePath: "/work/a.nn" })).toThrow(/holds a run of another training of \/work\/a\.nn, `mnist`/);
    expect(JSON.parse(readFileSync(join(dir, "settings.json"), "utf8")).sourcePath).toBe("/work/a.nn");
  });
  it("with no settings.json (new, or an older nnc's) is free", () => {
    expect(() => checkRunFolderOwner(join(TEST_OUT, "owners", "none-at-all"), { label: "x", source: "x.nn", sourcePath: "/x.nn" })).not.toThrow();
  });
});
