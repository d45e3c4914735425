/** Folders on the command line: checked through (recursively) where several files are taken, refused clearly where one is. */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../compiler/cli/main.js";

async function run(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), color: false });
  return { code, stdout, stderr };
}

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), "nnc-folders-"));
  mkdirSync(join(dir, "models", "deep"), { recursive: true });
  mkdirSync(join(dir, "node_modules", "pkg"), { recursive: true });
  writeFileSync(join(dir, "models", "good.nn"), "model Good {\n  input x: [4]\n  x -> dense(2)\n}\n");
  writeFileSync(join(dir, "models", "deep", "bad.nn"), "model Bad {\n  input x: [4]\n  x -> dens(2)\n}\n");
  writeFileSync(join(dir, "models", "notes.txt"), "not a source");
  // Never searched: a dependency's sources are not the project's.
  writeFileSync(join(dir, "node_modules", "pkg", "broken.nn"), "model {");
  mkdirSync(join(dir, "empty"));
  return dir;
}

describe("a folder as an argument", () => {
  it("nnc check checks every .nn file below it and fails when one has errors", async () => {
    const dir = project();
    const r = await run("check", join(dir, "models"));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error[E100]: unknown layer or block `dens`");
    expect(r.stderr).toContain(join("deep", "bad.nn"));
    expect(r.stderr).not.toContain("broken.nn");
  });

  it("nnc check of a folder without .nn files is a usage error, not a silent success", async () => {
    const r = await run("check", join(project(), "empty"));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("is a folder with no .nn files in it");
  });

  it("commands that take one file refuse a folder, naming the files in it", async () => {
    const dir = project();
    for (const command of ["summary", "train"]) {
      const r = await run(command, join(dir, "models"));
      expect(r.code, command).toBe(2);
      expect(r.stderr).toContain("is a folder; this command takes one .nn file; it holds");
      expect(r.stderr).toContain("good.nn");
    }
  });

  it("nnc compile writes a module for each .nn file below it", async () => {
    const dir = project();
    writeFileSync(join(dir, "models", "deep", "bad.nn"), "model Fine {\n  input x: [4]\n  x -> dense(2)\n}\n");
    const r = await run("compile", join(dir, "models"), "--out-dir", join(dir, "gen"));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`wrote ${join(dir, "gen", "good.ts")}`);
    expect(r.stderr).toContain(`wrote ${join(dir, "gen", "bad.ts")}`);
  });
});
