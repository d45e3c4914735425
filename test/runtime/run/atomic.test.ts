/**
 * Temporary files of atomic writes that a kill left behind are removed at the next start, and only
 * those: nnc's own name pattern, in the run folder and its checkpoint folder, of writers that are gone.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { removeStaleTempFiles, writeError, writeFileAtomic } from "../../../runtime/core/atomic.js";
import { RunFolder } from "../../../runtime/run/run-folder.js";

const root = resolve(import.meta.dirname, "../../..");
const out = join(root, ".test-out", "atomic", String(process.pid));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) child.kill("SIGKILL");
});

/** The id of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "0"]);
  return child.pid!;
}

function fresh(name: string): string {
  const dir = join(out, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

describe("removeStaleTempFiles", () => {
  it("removes the temporary files of writers that are gone, and nothing else", async () => {
    const dir = fresh("stale");
    const dead = deadPid();
    // A live process started before its file was made: a write in progress, kept.
    const live = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
    children.push(live);
    await new Promise((r) => setTimeout(r, 300));
    const processStart = Date.now() - process.uptime() * 1000;
    const files = {
      dead: `.tensors-epoch-3.bin.${dead}.${Date.now() - 5000}.tmp`,
      reused: `.weights.bin.${process.pid}.${Math.floor(processStart - 60_000)}.tmp`,
      writing: `.tensors-epoch-4.bin.${live.pid}.${Date.now()}.tmp`,
      other: ".notes.tmp",
      mine: "model.json",
      alike: `.state.json.${dead}.abc.tmp`,
    };
    for (const name of Object.values(files)) writeFileSync(join(dir, name), "x");
    mkdirSync(join(dir, "nested"));
    writeFileSync(join(dir, "nested", files.dead), "x");

    expect(removeStaleTempFiles(dir).sort()).toEqual([files.dead, files.reused].sort());
    expect(readdirSync(dir).sort()).toEqual([files.writing, files.other, files.mine, files.alike, "nested"].sort());
    // Only the folder given: a subfolder is its own run's.
    expect(existsSync(join(dir, "nested", files.dead))).toBe(true);
    live.kill("SIGKILL");
  });

  it("a run killed again and again while writing its checkpoint leaves temporary files that its next start removes", async () => {
    const dir = fresh("killed");
    const checkpoint = join(dir, "checkpoint");
    mkdirSync(checkpoint);
    const writer = `
      import { writeFileAtomic } from ${JSON.stringify(join(root, "dist/runtime/core/atomic.js"))};
      const bytes = new Uint8Array(64 * 1024 * 1024).fill(7);
      process.stdout.write("ready\\n");
      for (;;) writeFileAtomic(${JSON.stringify(join(checkpoint, "tensors-epoch-1.bin"))}, bytes);
    `;
    for (let kill = 0; kill < 5; kill++) {
      const child = spawn(process.execPath, ["--input-type=module", "-e", writer], { stdio: ["ignore", "pipe", "inherit"] });
      children.push(child);
      await new Promise<void>((ready) => child.stdout!.once("data", () => ready()));
      // Kill it in the middle of a write (each takes tens of milliseconds).
      await new Promise((r) => setTimeout(r, 150 + 37 * kill));
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));
    }
    const leftovers = () => readdirSync(checkpoint).filter((n) => n.endsWith(".tmp"));
    expect(leftovers().length).toBeGreaterThan(0);
    new RunFolder(dir).start({ label: "x", source: "x.nn", sourcePath: join(dir, "x.nn") }, {} as never, {}, {} as never, {} as never);
    expect(leftovers()).toEqual([]);
  }, 60_000);
});

describe("write errors name the file and say what happened", () => {
  const error = (code: string) => Object.assign(new Error(`${code}: something, write`), { code });
  it("the disk is full, permission denied, a folder that cannot be made", () => {
    expect(writeError(join(process.cwd(), "runs", "x", "weights.bin"), error("ENOSPC")).message).toBe("cannot write runs/x/weights.bin: the disk is full (ENOSPC)");
    expect(writeError("/nonexistent-root/x/y.bin", error("EDQUOT")).message).toBe("cannot write /nonexistent-root/x/y.bin: the disk quota is exceeded (EDQUOT)");
    expect(writeError(join(process.cwd(), "a.json"), error("EACCES")).message).toBe("cannot write a.json: permission denied (EACCES)");
    expect(writeError(join(process.cwd(), "a.json"), error("EROFS")).message).toBe("cannot write a.json: the file system is read-only (EROFS)");
  });

  it("writeFileAtomic leaves the target and no temporary file when the write fails", () => {
    const dir = fresh("fails");
    const target = join(dir, "state.json");
    writeFileSync(target, "old");
    // A target whose folder is a file: the temporary file cannot be made.
    expect(() => writeFileAtomic(join(target, "inner.json"), "new")).toThrow(/cannot write .*state\.json\/inner\.json: a part of the path is a file, not a folder \(ENOTDIR\)/);
    expect(readFileSync(target, "utf8")).toBe("old");
    expect(readdirSync(dir)).toEqual(["state.json"]);
    expect(statSync(target).size).toBe(3);
  });
});
