import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../compiler/cli/main.js";

async function run(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), color: false });
  return { code, stdout, stderr };
}

function folder(): string {
  return mkdtempSync(join(tmpdir(), "nnc-cli-"));
}

const TWO_TRAININGS = `model Mlp {
  input image: [784]
  image -> dense(8, activation: relu) -> dense(10, activation: softmax)
}
train fast: Mlp { data: mnist(flat: true) loss: cross_entropy optimizer: sgd(lr: 0.1) batch_size: 20 epochs: 1 seed: 1 }
train slow: Mlp { data: mnist(flat: true) loss: cross_entropy optimizer: sgd(lr: 0.01) batch_size: 20 epochs: 1 seed: 1 }
`;

describe("nnc compile", () => {
  it("needs --out-dir (usage error, exit 2)", async () => {
    const dir = folder();
    writeFileSync(join(dir, "a.nn"), TWO_TRAININGS);
    const r = await run("compile", join(dir, "a.nn"));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--out-dir DIR is required");
  });

  it("writes nothing and exits 1 when the sources have errors", async () => {
    const dir = folder();
    writeFileSync(join(dir, "bad.nn"), "model M {\n  input x: [4]\n  x -> dense(10, activation: rleu)\n}\n");
    const r = await run("compile", join(dir, "bad.nn"), "--out-dir", join(dir, "gen"));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error[E100]");
    expect(existsSync(join(dir, "gen", "bad.ts"))).toBe(false);
  });

  it("refuses a training without a model argument it needs as nnc check does, naming the error", async () => {
    const dir = folder();
    const source = "model Mlp(hidden: int) { input x: [784]; x -> dense(hidden, activation: relu) -> dense(10, activation: softmax) }\ntrain Mlp { data: mnist(flat: true); loss: cross_entropy; optimizer: adam }\n";
    writeFileSync(join(dir, "open.nn"), source);
    const check = await run("check", join(dir, "open.nn"));
    const compile = await run("compile", join(dir, "open.nn"), "--out-dir", join(dir, "gen"));
    expect([check.code, compile.code]).toEqual([1, 1]);
    for (const r of [check, compile]) expect(r.stderr + r.stdout).toContain("error[E103]: training `Mlp` needs the model argument `hidden`");
    expect(compile.stderr).not.toContain("has errors");
    expect(existsSync(join(dir, "gen", "open.ts"))).toBe(false);
  });

  it("reports what it wrote, then that nothing changed", async () => {
    const dir = folder();
    writeFileSync(join(dir, "a.nn"), TWO_TRAININGS);
    const first = await run("compile", join(dir, "a.nn"), "--out-dir", join(dir, "gen"));
    expect(first.code).toBe(0);
    expect(first.stderr).toContain(`wrote ${join(dir, "gen", "a.ts")}`);
    const text = readFileSync(join(dir, "gen", "a.ts"), "utf8");
    expect(text).toContain("export function trainFast(");
    expect(text).toContain("export const settingsSlow: nnc.ResolvedTraining");
    const second = await run("compile", join(dir, "a.nn"), "--out-dir", join(dir, "gen"));
    expect(second.stderr).toContain("unchanged");
  }, 30_000);

  it("--watch recompiles on save and prints diagnostics like nnc check", async () => {
    const dir = folder();
    const source = join(dir, "w.nn");
    writeFileSync(source, "model W { input x: [4]\n x -> dense(2) }\n");
    const child = spawn(process.execPath, [resolve(import.meta.dirname, "../../bin/nnc.js"), "compile", source, "--out-dir", join(dir, "gen"), "--watch"]);
    let stderr = "";
    // Waits for `text` printed after position `from` of stderr (the first compile prints "wrote" too).
    const waitFor = (text: string, from = 0) =>
      new Promise<void>((done, fail) => {
        const timer = setTimeout(() => fail(new Error(`no "${text}" in: ${stderr}`)), 20_000);
        const check = () => {
          if (stderr.indexOf(text, from) >= 0) {
            clearTimeout(timer);
            done();
          }
        };
        child.stderr.on("data", (chunk: Buffer) => {
          stderr += chunk.toString();
          check();
        });
        check();
      });
    try {
      await waitFor("watching for changes");
      writeFileSync(source, "model W { input x: [4]\n x -> dense(7, activation: rleu) }\n");
      await waitFor("error[E100]");
      const afterError = stderr.length;
      writeFileSync(source, "model W { input x: [4]\n x -> dense(7) }\n");
      await waitFor(`wrote ${join(dir, "gen", "w.ts")}`, afterError);
      expect(readFileSync(join(dir, "gen", "w.ts"), "utf8")).toContain("units: 7");
      // Saves by rename, as Vim and `sed -i` do: a new file renamed over the old, twice.
      for (const units of [8, 9]) {
        const from = stderr.length;
        writeFileSync(`${source}.tmp`, `model W { input x: [4]\n x -> dense(${units}) }\n`);
        renameSync(`${source}.tmp`, source);
        await waitFor(`wrote ${join(dir, "gen", "w.ts")}`, from);
        expect(readFileSync(join(dir, "gen", "w.ts"), "utf8")).toContain(`units: ${units}`);
      }
    } finally {
      child.kill("SIGINT");
    }
  }, 30_000);

  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)("--watch stops on %s with exit %i, also just after a save, and writes nothing more", async (signal, code) => {
    const dir = folder();
    const source = join(dir, "w.nn");
    writeFileSync(source, "model W { input x: [4]\n x -> dense(2) }\n");
    const child = spawn(process.execPath, [resolve(import.meta.dirname, "../../bin/nnc.js"), "compile", source, "--out-dir", join(dir, "gen"), "--watch"], { stdio: ["ignore", "pipe", "pipe"] });
    const exited = new Promise<number | null>((done) => child.on("exit", (exitCode) => done(exitCode)));
    try {
      let stderr = "";
      await new Promise<void>((done) => {
        child.stderr.on("data", (chunk: Buffer) => {
          stderr += chunk.toString();
          if (stderr.includes("watching for changes")) done();
        });
      });
      // The save's recompilation is due 100 ms later: the signal comes first.
      writeFileSync(source, "model W { input x: [4]\n x -> dense(3) }\n");
      child.kill(signal);
      expect(await exited).toBe(code);
      expect(readFileSync(join(dir, "gen", "w.ts"), "utf8")).toContain("units: 2");
    } finally {
      child.kill("SIGKILL");
    }
  }, 30_000);
});

describe("nnc train", () => {
  it("asks which training when a file has several", async () => {
    const dir = folder();
    writeFileSync(join(dir, "a.nn"), TWO_TRAININGS);
    const r = await run("train", join(dir, "a.nn"));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("choose one with --train (fast, slow)");
    const wrong = await run("train", join(dir, "a.nn"), "--train", "medium");
    expect(wrong.stderr).toContain("no training labelled `medium`");
  });

  it("rejects bad numbers and unknown backends", async () => {
    const dir = folder();
    writeFileSync(join(dir, "a.nn"), TWO_TRAININGS);
    expect((await run("train", join(dir, "a.nn"), "--train", "fast", "--epochs", "0")).code).toBe(2);
    const backend = await run("train", join(dir, "a.nn"), "--train", "fast", "--backend", "gpu", "--limit", "10", "--run-dir", join(dir, "run"));
    expect(backend.code).toBe(2);
    expect(backend.stderr).toContain('unknown backend "gpu"');
  });

  it("Ctrl-C while a large CSV file loads ends the run within moments: exit 130, nothing saved", async () => {
    const dir = folder();
    // About 30 MB: seconds to parse; the loading pauses every ~50 ms to hear signals.
    const rows: string[] = ["a,b,c,d,e,f,g,h,kind"];
    for (let r = 0; r < 400_000; r++) rows.push(`${Array.from({ length: 8 }, (_, c) => (((r * 31 + c * 17) % 1000) / 997).toFixed(6)).join(",")},${["cat", "dog", "owl"][r % 3]}`);
    writeFileSync(join(dir, "big.csv"), `${rows.join("\n")}\n`);
    writeFileSync(join(dir, "rows.nn"), 'model Rows {\n  input x: [8]\n  x -> dense(3, activation: softmax)\n}\ntrain Rows {\n  data: csv("big.csv", label: "kind")\n  loss: cross_entropy\n  optimizer: adam\n  epochs: 1\n}\n');
    const runDir = join(dir, "run");
    const child = spawn(process.execPath, [resolve(import.meta.dirname, "../../bin/nnc.js"), "train", join(dir, "rows.nn"), "--backend", "cpu", "--run-dir", runDir], { stdio: ["ignore", "pipe", "pipe"] });
    let sentAt = 0;
    const exited = new Promise<{ code: number | null; at: number }>((done) => child.on("exit", (code) => done({ code, at: performance.now() })));
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      const before = stderr;
      stderr += chunk.toString();
      // The backend is named just before the data is read.
      if (!before.includes("backend:") && stderr.includes("backend:")) {
        setTimeout(() => {
          sentAt = performance.now();
          child.kill("SIGINT");
        }, 300);
      }
    });
    try {
      const { code, at } = await exited;
      expect(code, stderr).toBe(130);
      expect(sentAt).toBeGreaterThan(0);
      expect(at - sentAt).toBeLessThan(2000);
      expect(stderr).toContain("interrupted (Ctrl-C): stopping while loading the data (no epoch has trained, so nothing is saved); Ctrl-C again quits at once\n");
      expect(stderr).toContain("Rows: interrupted while loading the data, before it finished: no model or checkpoint was saved");
      expect(stderr).not.toContain("resume with");
      expect(existsSync(join(runDir, "model.json"))).toBe(false);
    } finally {
      child.kill("SIGKILL");
    }
  }, 60_000);

  it("trains and summarizes; the run folder holds metrics, model and report", async () => {
    const dir = folder();
    writeFileSync(join(dir, "a.nn"), TWO_TRAININGS);
    const runDir = join(dir, "run");
    const r = await run("train", join(dir, "a.nn"), "--train", "fast", "--limit", "100", "--backend", "cpu", "--run-dir", runDir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^fast: test loss \d\.\d{4}, test accuracy \d+\.\d\d%; kept the weights of epoch 1; [\d.]+ s per epoch; run folder /);
    for (const f of ["metrics.jsonl", "model.json", "weights.bin", "report.html", "report.json", "settings.json"]) expect(existsSync(join(runDir, f)), f).toBe(true);
  }, 60_000);
});

describe("a training whose search builds a model variant that does not check", () => {
  // `kernel = 99` does not fit the image: the check checks every variant code generation would build,
  // so compile and train stop at its E201 (code generation's own refusal of such a training is tested
  // in test/codegen/emit-module.test.ts; another training of the same file cannot run while it has errors).
  const SOURCE = `model Conv(kernel: int = 3) {
  input image: [28, 28, 1]
  image -> conv2d(2, kernel: kernel) -> flatten -> dense(10, activation: softmax)
}
train good: Conv { data: mnist() loss: cross_entropy optimizer: sgd(lr: 0.1) batch_size: 20 epochs: 1 seed: 1 }
train bad: Conv(kernel: choice(3, 99)) { data: mnist() loss: cross_entropy optimizer: sgd(lr: 0.1) tune: grid }
`;
  const E201 = "error[E201]: conv2d window 99×99 does not fit its input 28×28";
  const LABEL = "with `kernel` = 99 from `choice(3, 99)` in training `bad`";

  it("nnc check reports it, as nnc compile does, which writes nothing and exits 1", async () => {
    const dir = folder();
    writeFileSync(join(dir, "conv.nn"), SOURCE);
    const check = await run("check", join(dir, "conv.nn"));
    expect(check.code).toBe(1);
    expect(check.stderr + check.stdout).toContain(E201);
    expect(check.stderr + check.stdout).toContain(LABEL);
    const r = await run("compile", join(dir, "conv.nn"), "--out-dir", join(dir, "gen"));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(E201);
    expect(r.stderr).toContain(LABEL);
    expect(r.stderr).toContain("nothing written: fix the errors above");
    expect(existsSync(join(dir, "gen", "conv.ts"))).toBe(false);
  }, 30_000);

  it("nnc train of it prints the error and exits 1", async () => {
    const dir = folder();
    writeFileSync(join(dir, "conv.nn"), SOURCE);
    const r = await run("train", join(dir, "conv.nn"), "--train", "bad", "--limit", "20", "--backend", "cpu", "--run-dir", join(dir, "run"));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(E201);
    expect(existsSync(join(dir, "run"))).toBe(false);
  }, 30_000);
});
