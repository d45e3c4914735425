/**
 * A checkpoint resumes only on the data it was trained on: the hash of the examples decides, and
 * the message says which file changed. A file only touched (same content) still resumes.
 */
import { readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadProgram } from "../support/train-source.js";

function csv(shift: number): string {
  const rows = ["a,b,c,label"];
  for (let i = 0; i < 60; i++) rows.push(`${((i * 7) % 10) / 10 + shift},${((i * 3) % 10) / 10},${(i % 4) / 4},${i % 3}`);
  return `${rows.join("\n")}\n`;
}

const SOURCE = `model Small {
  input x: [3]
  output y = x -> dense(8, activation: relu) -> dense(3, activation: softmax)
}
train Small {
  data: csv("rows.csv", label: "label")
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
  batch_size: 10
  epochs: 2
  seed: 3
  checkpoint: every(1)
}
`;

describe("a checkpoint and its training data", () => {
  it("resumes on the same data, even touched; starts afresh, saying so, when the data changed, even with its size and mtime kept", async () => {
    const program = await loadProgram(SOURCE, "checkpoint-data", { "rows.csv": csv(0) });
    const log: string[] = [];
    const output = { write: (s: string) => log.push(s) };
    const first = await program.train("Small", { output });
    const dir = join(first.runDir, "..", "..");
    const data = join(dir, "rows.csv");
    expect(first.history).toHaveLength(2);

    // The same content, touched: resumes.
    utimesSync(data, new Date(), new Date(Date.now() + 5000));
    log.length = 0;
    const resumed = await program.train("Small", { output, epochs: 3 });
    expect(resumed.resumedFrom).toBe(2);
    expect(log.join("")).toContain("resuming after epoch 2");

    // Other content of the same size, its mtime put back: only the data's hash tells.
    const { size, mtime, atime } = statSync(data);
    const other = csv(0).replace(/^0\.1,/m, "0.9,");
    expect(other).not.toBe(csv(0));
    writeFileSync(data, other);
    utimesSync(data, atime, mtime);
    expect(statSync(data).size).toBe(size);
    log.length = 0;
    const afresh = await program.train("Small", { output, epochs: 4 });
    expect(afresh.resumedFrom).toBeNull();
    expect(afresh.history).toHaveLength(4);
    expect(log.join("")).toMatch(/not resuming from .*checkpoint: the training data changed since the checkpoint; starting afresh/);

    // A longer file: the message names it and its sizes.
    writeFileSync(data, csv(0.5) + "0.1,0.2,0.3,1\n");
    log.length = 0;
    const longer = await program.train("Small", { output, epochs: 5 });
    expect(longer.resumedFrom).toBeNull();
    expect(log.join("")).toMatch(/not resuming from .*: the training data changed since the checkpoint \(.*rows\.csv: \d+ → \d+ bytes\); starting afresh/);
    expect(readFileSync(join(first.runDir, "checkpoint", "state.json"), "utf8")).toContain('"hash"');
  }, 120_000);
});
