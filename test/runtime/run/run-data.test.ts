/**
 * What a run folder records for `nnc board` (runtime/run/, runtime/session/training.ts): step lines
 * in metrics.jsonl while an epoch runs, `ran` (what actually ran: --epochs, --limit, the backend,
 * the examples) in settings.json and report.json, and summary.json, in the run folder and in each
 * member's subfolder.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { epochRecordsOf, stepRecordInterval, stepRecordsOf } from "../../../runtime/core/history.js";
import { loadProgram } from "../../support/train-source.js";

const SOURCE = `model Net {
  input image: [784]
  image -> hidden: dense(16, activation: relu) -> batchnorm -> dense(10, activation: softmax)
}
train Net {
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
  batch_size: 10
  epochs: 60
  seed: 5
}
train Members: Net {
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
  batch_size: 25
  epochs: 60
  seed: 5
  ensemble: 2
}
`;

const json = (path: string) => JSON.parse(readFileSync(path, "utf8")) as Record<string, any>;

describe("a run folder's data for the board", () => {
  it("writes step lines between the epoch records, and what ran beside the file's settings", async () => {
    const program = await loadProgram(SOURCE, "run-data");
    const report = await program.train("Net", { epochs: 2, limit: 300, backend: "cpu" });
    const dir = report.runDir;
    const text = readFileSync(join(dir, "metrics.jsonl"), "utf8");

    // 30 steps an epoch: a step line every step (round(30 / 50) = 1), then the epoch's record.
    expect(stepRecordInterval(30)).toBe(1);
    expect(stepRecordInterval(5000)).toBe(100);
    const epochs = epochRecordsOf(text);
    expect(epochs.map((r) => r.epoch)).toEqual([1, 2]);
    const steps = stepRecordsOf(text);
    expect(steps).toHaveLength(60);
    expect(steps[0]).toMatchObject({ kind: "step", epoch: 1, step: 1, steps: 30, examples: 10 });
    expect(steps[29]).toMatchObject({ epoch: 1, step: 30, examples: 300 });
    // The last step line's running mean is the epoch's training loss.
    expect(steps[29]!.loss).toBeCloseTo(epochs[0]!.train.loss, 10);
    const lines = text.trim().split("\n").map((l) => JSON.parse(l) as { kind?: string; epoch: number });
    expect(lines.findIndex((l) => l.kind === undefined && l.epoch === 1)).toBe(30);

    const ran = { epochs: 2, limit: 300, backend: "cpu", backendLine: "TensorFlow.js's JavaScript kernels (requested)", threads: null, examples: { train: 300, validation: 300, test: 300 } };
    const settings = json(join(dir, "settings.json"));
    expect(settings.settings.epochs).toBe(60);
    expect(settings.ran).toMatchObject(ran);
    expect(Date.parse(settings.ran.startedAt)).not.toBeNaN();
    expect(json(join(dir, "report.json")).ran).toMatchObject(ran);
    // The report shows the epochs that ran, not the file's 60.
    expect(readFileSync(join(dir, "report.html"), "utf8")).not.toMatch(/epochs<\/t[dh]>\s*<td[^>]*>60</);

    const summary = json(join(dir, "summary.json"));
    expect(summary.model).toBe("Net");
    expect(summary.layers.map((l: { name: string; kind: string }) => [l.name, l.kind])).toEqual([
      ["image", "input"],
      ["hidden", "dense"],
      ["batchnorm_1", "batchnorm"],
      ["dense_1", "dense"],
    ]);
    expect(summary.layers[1]).toMatchObject({ output: [null, 16], params: 784 * 16 + 16, trainable: 784 * 16 + 16, nonTrainable: 0 });
    expect(summary.layers[2]).toMatchObject({ params: 64, trainable: 32, nonTrainable: 32 });
    expect(summary.params).toEqual({ total: report.totalParams, trainable: report.totalParams - 32, nonTrainable: 32 });
  }, 120_000);

  it("records what ran in each member's folder too", async () => {
    const program = await loadProgram(SOURCE, "run-data-members");
    const report = await program.train("Members", { epochs: 1, limit: 200, backend: "cpu" });
    expect(json(join(report.runDir, "settings.json")).ran).toMatchObject({ epochs: 1, limit: 200, examples: { train: 200 } });
    expect(json(join(report.runDir, "report.json")).ran).toMatchObject({ epochs: 1, limit: 200 });
    for (const member of ["member-1", "member-2"]) {
      const dir = join(report.runDir, member);
      expect(json(join(dir, "settings.json")).ran).toMatchObject({ epochs: 1, limit: 200, backend: "cpu", examples: { train: 200 } });
      const memberReport = json(join(dir, "report.json"));
      expect(memberReport.ran).toMatchObject({ epochs: 1, limit: 200 });
      expect(memberReport.history).toHaveLength(1);
      expect(existsSync(join(dir, "summary.json"))).toBe(true);
      expect(stepRecordsOf(readFileSync(join(dir, "metrics.jsonl"), "utf8"))).toHaveLength(8);
    }
  }, 120_000);
});
