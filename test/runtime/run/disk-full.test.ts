/**
 * A full disk and a read-only mount, for real: a 1.4 MB tmpfs mounted for the test (skipped where
 * mounting is not permitted). `nnc train` names the file and what happened, says which checkpoint
 * is kept, exits 1, prints no stack trace and leaves no temporary file.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../../..");
const base = join(root, ".test-out", "disk-full", String(process.pid));
const mount = join(base, "mnt");

const mounted = (() => {
  rmSync(base, { recursive: true, force: true });
  mkdirSync(mount, { recursive: true });
  return spawnSync("mount", ["-t", "tmpfs", "-o", "size=1400k", "tmpfs", mount]).status === 0;
})();

afterAll(() => {
  if (mounted) spawnSync("umount", [mount]);
});

const SOURCE = `model Net {
  input image: [784]
  output digit = image -> dense(100, activation: relu) -> dense(10, activation: softmax)
}
train Net {
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: adam(lr: 0.001)
  epochs: 3
  seed: 1
  checkpoint: every(1)
}
`;

function train(runDir: string) {
  const file = join(base, "net.nn");
  writeFileSync(file, SOURCE);
  // Run from `base`: messages show paths relative to the working folder.
  return spawnSync(process.execPath, [join(root, "bin", "nnc.js"), "train", file, "--limit", "300", "--run-dir", runDir], { encoding: "utf8", cwd: base });
}

const errorLine = (stderr: string) => stderr.split("\n").find((l) => l.startsWith("error:"));

describe.skipIf(!mounted)("writing a run on a full or read-only disk (a 1.4 MB tmpfs)", () => {
  it("a full disk: the checkpoint that does not fit is named, the previous one is kept, exit 1", () => {
    const runDir = join(mount, "run");
    const run = train(runDir);
    expect(run.status, run.stderr).toBe(1);
    // The report (uPlot inlined, ~115 KB, rewritten each epoch) and the first checkpoint (weights and
    // Adam's two slots: 954 KB) fit; the second checkpoint does not.
    expect(errorLine(run.stderr)).toBe("error: training Net failed: cannot write mnt/run/checkpoint/tensors-epoch-2.bin: the disk is full (ENOSPC); the last checkpoint (epoch 1) is kept");
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect((JSON.parse(readFileSync(join(runDir, "checkpoint", "state.json"), "utf8")) as { epoch: number }).epoch).toBe(1);
    expect([...readdirSync(runDir), ...readdirSync(join(runDir, "checkpoint"))].filter((n) => n.endsWith(".tmp"))).toEqual([]);
  }, 60_000);

  it("a read-only mount: the folder is named before any data is read, exit 1", () => {
    expect(spawnSync("mount", ["-o", "remount,ro", mount]).status).toBe(0);
    const existing = train(join(mount, "run"));
    expect(existing.status, existing.stderr).toBe(1);
    expect(errorLine(existing.stderr)).toBe("error: training Net failed: cannot write in the folder mnt/run: mnt is on a read-only file system (EROFS)");
    expect(existing.stderr).not.toContain("data:");
    const missing = train(join(mount, "new", "run"));
    expect(missing.status).toBe(1);
    expect(errorLine(missing.stderr)).toBe("error: training Net failed: cannot create the folder mnt/new/run: mnt is on a read-only file system (EROFS)");
    expect(missing.stderr).not.toMatch(/ENOENT|\n\s+at /);
  }, 60_000);
});
