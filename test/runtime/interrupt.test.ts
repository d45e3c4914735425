/**
 * Stopping a run from outside (runtime/session/interrupt.ts): an aborted `TrainOptions.signal` does what
 * Ctrl-C does. The run stops at the end of the current step, goes back to the last completed epoch,
 * and saves it: the model (its package marked `"interrupted": true`), the report with a note, and a
 * checkpoint, even without `checkpoint:`. Running it again resumes there and ends exactly as an
 * uninterrupted run; the checkpoint of the interruption is then removed. (test/cli/train-interrupt
 * sends real signals to `nnc train`.)
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { epochRecordsOf, type EpochRecord } from "../../runtime/core/history.js";
import { listenForInterrupts, TrainingInterrupted } from "../../runtime/session/interrupt.js";
import type { OutputStream, TrainingReport } from "../../runtime/core/program.js";
import { nativeAvailable } from "../support/native-oracle.js";
import { loadProgram, TEST_OUT } from "../support/train-source.js";

const SOURCE = `model Net {
  input image: [784]
  image -> hidden: dense(24, activation: relu) -> dropout(0.2) -> dense(10, activation: softmax)
}
train Net {
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: adam(lr: 0.005)
  batch_size: 10
  epochs: 4
  seed: 3
}
train Patient: Net {
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: sgd(lr: 3)
  batch_size: 10
  epochs: 6
  seed: 3
  early_stopping: patience(5, monitor: val_loss)
}
train Members: Net {
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: adam(lr: 0.005)
  batch_size: 10
  epochs: 3
  seed: 3
  ensemble: 2
}
`;

/**
 * A stream that aborts `controller` once `when` has been written (an epoch line, or on a terminal a
 * progress bar of some epoch), as a user pressing Ctrl-C then would.
 */
function abortOn(when: RegExp, controller: AbortController, tty = false): OutputStream & { text: () => string } {
  let text = "";
  return {
    isTTY: tty,
    write: (chunk: string) => {
      text += chunk;
      if (when.test(text)) controller.abort();
      return true;
    },
    text: () => text,
  };
}

const withoutSeconds = (history: readonly EpochRecord[]) => history.map(({ seconds: _s, ...rest }) => rest);
const json = (path: string) => JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
/** The epoch records of a metrics.jsonl (its step lines skipped). */
const lines = (path: string) => epochRecordsOf(readFileSync(path, "utf8"));

/** The `TrainingInterrupted` the run throws (from dist/runtime, which generated modules import: compared by name). */
async function interrupted(run: Promise<TrainingReport>): Promise<TrainingInterrupted> {
  try {
    await run;
  } catch (error) {
    if (error instanceof Error && error.name === "TrainingInterrupted") return error as TrainingInterrupted;
    throw error;
  }
  throw new Error("the run was not interrupted");
}

afterEach(() => {
  delete process.env.NNC_COMPILED_STEP;
});

const paths = nativeAvailable ? (["compiled", "autograd"] as const) : (["autograd"] as const);

describe.each(paths)("an interrupted run (%s steps)", (path) => {
  const backend = nativeAvailable ? "native" : "cpu";
  const setPath = () => {
    if (path === "autograd") process.env.NNC_COMPILED_STEP = "0";
  };

  it("mid-epoch: saves the last completed epoch (model, package, report, checkpoint); the next run resumes and ends as an uninterrupted one", async () => {
    setPath();
    const program = await loadProgram(SOURCE, `interrupt-${path}`);
    const runs = join(TEST_OUT, "interrupt", `${path}-${process.pid}`);
    const whole = await program.train("Net", { limit: 300, backend, runDir: join(runs, "whole") });
    const two = await program.train("Net", { limit: 300, backend, runDir: join(runs, "two"), epochs: 2 });

    // On a terminal the bar of epoch 3 is drawn after its first step: the stop comes in the middle of epoch 3.
    const controller = new AbortController();
    const output = abortOn(/\r\x1b\[2Kepoch 3\/4 \[/, controller, true);
    const runDir = join(runs, "stopped");
    const error = await interrupted(program.train("Net", { limit: 300, backend, runDir, output, signal: controller.signal }));

    expect(error.exitCode).toBe(130);
    expect(error.report.interrupted).toMatchObject({ signal: "abort", epoch: 3, epochs: 4, lastCompleted: 2, keptEpoch: 2, part: null, model: join(runDir, "model.json"), checkpoint: join(runDir, "checkpoint") });
    expect(error.message).toBe("training Net was stopped (the program's AbortSignal) during epoch 3: the run folder holds epoch 2; run the training again to resume");
    // The weights of epoch 2, exactly: the steps of epoch 3 were put back.
    expect(readFileSync(join(runDir, "weights.bin"))).toEqual(readFileSync(join(two.runDir, "weights.bin")));
    const pkg = json(join(runDir, "nnc-package.json"));
    expect(pkg.interrupted).toBe(true);
    expect(pkg.test).toBeNull();
    expect(json(join(two.runDir, "nnc-package.json")).interrupted).toBeUndefined();
    expect(lines(join(runDir, "metrics.jsonl"))).toHaveLength(2);
    const report = json(join(runDir, "report.json")) as unknown as TrainingReport;
    expect(report.interrupted?.lastCompleted).toBe(2);
    expect(withoutSeconds(report.history)).toEqual(withoutSeconds(two.history));
    expect(readFileSync(join(runDir, "report.html"), "utf8")).toContain("stopped by the program during epoch 3: this report ends with epoch 2");
    const state = json(join(runDir, "checkpoint", "state.json"));
    expect(state).toMatchObject({ epoch: 2, interrupted: true });
    expect(output.text()).toContain("Net: stopped during epoch 3 of 4; kept the weights of epoch 2\n");

    const resumed = await program.train("Net", { limit: 300, backend, runDir });
    expect(resumed.resumedFrom).toBe(2);
    expect(resumed.interrupted).toBeNull();
    expect(withoutSeconds(resumed.history)).toEqual(withoutSeconds(whole.history));
    expect(resumed.test).toEqual(whole.test);
    expect(readFileSync(join(runDir, "weights.bin"))).toEqual(readFileSync(join(whole.runDir, "weights.bin")));
    expect(json(join(runDir, "nnc-package.json")).interrupted).toBeUndefined();
    // Used up: a training without `checkpoint:` trains afresh next time.
    expect(existsSync(join(runDir, "checkpoint", "state.json"))).toBe(false);
    const again = await program.train("Net", { limit: 300, backend, runDir });
    expect(again.resumedFrom).toBeNull();
  }, 120_000);

  it("during the first epoch: nothing is saved but the report, which says so", async () => {
    setPath();
    const program = await loadProgram(SOURCE, `interrupt-first-${path}`);
    const controller = new AbortController();
    const output = abortOn(/\r\x1b\[2Kepoch 1\/4 \[/, controller, true);
    const runDir = join(TEST_OUT, "interrupt", `${path}-first-${process.pid}`);
    const error = await interrupted(program.train("Net", { limit: 300, backend, runDir, output, signal: controller.signal }));
    expect(error.report.interrupted).toMatchObject({ epoch: 1, lastCompleted: null, model: null, checkpoint: null });
    expect(error.message).toContain("no epoch had finished, so nothing was saved");
    expect(existsSync(join(runDir, "model.json"))).toBe(false);
    expect(existsSync(join(runDir, "checkpoint"))).toBe(false);
    expect(existsSync(join(runDir, "nnc-package.json"))).toBe(false);
    expect((json(join(runDir, "report.json")) as unknown as TrainingReport).history).toEqual([]);
    expect(output.text()).toContain("Net: stopped during epoch 1 of 4, before it finished: no model or checkpoint was saved\n");
  }, 60_000);
});

describe("what an interruption keeps", () => {
  const backend = nativeAvailable ? "native" : "cpu";

  it("with early stopping, the model is the best epoch so far, as a finished run keeps it, and the checkpoint the last epoch", async () => {
    const program = await loadProgram(SOURCE, "interrupt-patient");
    const controller = new AbortController();
    // lr 3 makes val_loss worse after the first epochs: the best epoch is an early one.
    const output = abortOn(/epoch 5\/6 /, controller);
    const runDir = join(TEST_OUT, "interrupt", `patient-${process.pid}`);
    const error = await interrupted(program.train("Patient", { limit: 300, backend, runDir, output, signal: controller.signal }));
    const i = error.report.interrupted;
    expect(i.lastCompleted).toBe(5);
    expect(i.keptEpoch).toBe(error.report.bestEpoch);
    expect(i.keptEpoch).toBeLessThan(5);
    expect(output.text()).toContain(`Patient: stopped during epoch 6 of 6; kept the weights of epoch ${i.keptEpoch} (early stopping's best so far; the last finished epoch is 5)`);
    expect(json(join(runDir, "checkpoint", "state.json"))).toMatchObject({ epoch: 5 });
  }, 60_000);

  it("an ensemble stops in the member that was training; the run folder has no package of its own", async () => {
    const program = await loadProgram(SOURCE, "interrupt-members");
    const controller = new AbortController();
    const output = abortOn(/ensemble member 2 of 2[^]*epoch 2\/3 /, controller);
    const runDir = join(TEST_OUT, "interrupt", `members-${process.pid}`);
    const error = await interrupted(program.train("Members", { limit: 200, backend, runDir, output, signal: controller.signal }));
    expect(error.report.interrupted).toMatchObject({ part: "ensemble member 2 of 2", lastCompleted: 2, runDir: join(runDir, "member-2") });
    expect(error.report.members).toHaveLength(2);
    expect(existsSync(join(runDir, PACKAGE))).toBe(false);
    expect(json(join(runDir, "member-1", PACKAGE)).interrupted).toBeUndefined();
    expect(json(join(runDir, "member-2", PACKAGE)).interrupted).toBe(true);
    expect(output.text()).toContain("Members: stopped during epoch 3 of 3 (ensemble member 2 of 2); kept the weights of epoch 2");

    // Resumed: member 1 trains again (no checkpoint of its own), member 2 goes on from its checkpoint.
    const resumed = await program.train("Members", { limit: 200, backend, runDir });
    expect(resumed.members?.map((m) => m.resumedFrom)).toEqual([null, 2]);
    expect(json(join(runDir, PACKAGE)).kind).toBe("ensemble");
  }, 60_000);
});

const PACKAGE = "nnc-package.json";

describe("an interruption while the data loads", () => {
  const backend = nativeAvailable ? "native" : "cpu";

  it("a large CSV file: the loading stops within moments, and the run ends as one stopped before its first epoch, with nothing saved", async () => {
    // About 12 MB: a second or more to parse, so the stop comes while it loads (loading pauses every ~50 ms).
    const rows: string[] = ["a,b,c,d,e,f,g,h,kind"];
    for (let r = 0; r < 160_000; r++) rows.push(`${Array.from({ length: 8 }, (_, c) => (((r * 31 + c * 17) % 1000) / 997).toFixed(6)).join(",")},${["cat", "dog", "owl"][r % 3]}`);
    const source = `model Rows {
  input x: [8]
  x -> dense(3, activation: softmax)
}
train Rows {
  data: csv("big.csv", label: "kind")
  loss: cross_entropy
  optimizer: adam(lr: 0.01)
  batch_size: 32
  epochs: 2
  seed: 1
}
`;
    const program = await loadProgram(source, "interrupt-loading", { "big.csv": `${rows.join("\n")}\n` });
    const controller = new AbortController();
    let abortedAt: number | null = null;
    let text = "";
    const output: OutputStream = {
      write: (chunk: string) => {
        text += chunk;
        // The backend is named just before the data is read: the stop comes 150 ms into the loading.
        if (chunk.startsWith("backend:")) {
          setTimeout(() => {
            abortedAt = performance.now();
            controller.abort();
          }, 150);
        }
        return true;
      },
    };
    const runDir = join(TEST_OUT, "interrupt", `loading-${process.pid}`);
    const error = await interrupted(program.train("Rows", { backend, runDir, output, signal: controller.signal }));
    const ended = performance.now();
    expect(abortedAt).not.toBeNull();
    expect(ended - abortedAt!).toBeLessThan(1000);
    expect(error.exitCode).toBe(130);
    expect(error.report.interrupted).toEqual({ signal: "abort", epoch: 0, epochs: 2, lastCompleted: null, keptEpoch: null, runDir, part: null, model: null, checkpoint: null });
    expect(error.message).toBe("training Rows was stopped (the program's AbortSignal) while loading the data: no epoch had finished, so nothing was saved");
    expect(text).toContain("Rows: stopped while loading the data, before it finished: no model or checkpoint was saved\n");
    expect(text).not.toContain("data: CSV file");
    for (const file of ["model.json", "checkpoint", PACKAGE, "metrics.jsonl"]) expect(existsSync(join(runDir, file)), file).toBe(false);
    expect((json(join(runDir, "report.json")) as unknown as TrainingReport).history).toEqual([]);
    expect(readFileSync(join(runDir, "report.html"), "utf8")).toContain("stopped by the program while loading the data, before any epoch of it finished");
  }, 60_000);
});

describe("signals", () => {
  it("the first SIGINT asks to stop and says how to quit; the second quits at once, exit 130, in one line", () => {
    const written: string[] = [];
    const exits: number[] = [];
    const before = process.listeners("SIGINT").length;
    const listener = listenForInterrupts({ output: { write: (s: string) => written.push(s) }, signals: true, exit: (code) => exits.push(code) });
    try {
      const handler = process.listeners("SIGINT").at(-1) as (signal: NodeJS.Signals) => void;
      expect(process.listeners("SIGINT")).toHaveLength(before + 1);
      handler("SIGINT");
      expect(listener.signal.aborted).toBe(true);
      expect(listener.signal.reason).toBe("SIGINT");
      expect(written).toEqual(["interrupted (Ctrl-C): stopping at the end of this step to save the last finished epoch; Ctrl-C again quits at once without saving\n"]);
      expect(exits).toEqual([]);
      handler("SIGINT");
      expect(exits).toEqual([130]);
      expect(written[1]).toBe("interrupted (Ctrl-C) again: quitting now; nothing more is saved\n");
    } finally {
      listener.release();
    }
    expect(process.listeners("SIGINT")).toHaveLength(before);
  });

  it("while the data loads, the first SIGINT's line says the loading stops with nothing to save; the second quits", () => {
    const written: string[] = [];
    const exits: number[] = [];
    const listener = listenForInterrupts({ output: { write: (s: string) => written.push(s) }, signals: true, exit: (code) => exits.push(code) });
    try {
      const handler = process.listeners("SIGINT").at(-1) as (signal: NodeJS.Signals) => void;
      listener.loading(true);
      handler("SIGINT");
      expect(listener.signal.reason).toBe("SIGINT");
      expect(written).toEqual(["interrupted (Ctrl-C): stopping while loading the data (no epoch has trained, so nothing is saved); Ctrl-C again quits at once\n"]);
      handler("SIGINT");
      expect(exits).toEqual([130]);
    } finally {
      listener.release();
    }
  });

  it("SIGTERM: exit code 143; on a terminal the message starts on a clean line (over a progress bar)", () => {
    const written: string[] = [];
    const exits: number[] = [];
    const listener = listenForInterrupts({ output: { isTTY: true, write: (s: string) => written.push(s) }, signals: true, exit: (code) => exits.push(code) });
    try {
      const handler = process.listeners("SIGTERM").at(-1) as (signal: NodeJS.Signals) => void;
      handler("SIGTERM");
      handler("SIGTERM");
      expect(exits).toEqual([143]);
      expect(written[0]).toMatch(/^\r\x1b\[2Kterminated \(SIGTERM\): stopping at the end of this step/);
    } finally {
      listener.release();
    }
  });

  it("a Ctrl-C after the program's AbortSignal stopped the run is the second request: it quits at once", () => {
    const written: string[] = [];
    const exits: number[] = [];
    const controller = new AbortController();
    const listener = listenForInterrupts({ output: { write: (s: string) => written.push(s) }, external: controller.signal, signals: true, exit: (code) => exits.push(code) });
    try {
      controller.abort();
      (process.listeners("SIGINT").at(-1) as (signal: NodeJS.Signals) => void)("SIGINT");
      expect(exits).toEqual([130]);
      expect(written).toEqual(["interrupted (Ctrl-C) again: quitting now; nothing more is saved\n"]);
    } finally {
      listener.release();
    }
  });

  it("handleSignals: false leaves the process's signals alone; the program's AbortSignal still stops the run", () => {
    const before = process.listeners("SIGINT").length;
    const controller = new AbortController();
    const listener = listenForInterrupts({ output: null, external: controller.signal, signals: false });
    expect(process.listeners("SIGINT")).toHaveLength(before);
    controller.abort();
    expect(listener.signal.aborted).toBe(true);
    expect(listener.signal.reason).toBe("abort");
    listener.release();
  });
});
