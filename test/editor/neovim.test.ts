/**
 * The language server through a client nobody here wrote: Debian's Neovim (0.7), headless, with
 * its built-in LSP client (test/editor/neovim/drive.lua). Diagnostics, hover, go to definition, a
 * quick fix, rename and formatting, each applied to the buffer by Neovim itself.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const found = spawnSync("nvim", ["--version"], { encoding: "utf8" });
const installed = found.status === 0;
// CI installs Debian's neovim (.ci/run): there the test must run, not skip.
const required = process.env.NNC_REQUIRE_EDITOR === "1";

const SOURCE = `block Stage(x, width: int) {
  x -> dense(width, activation: relu)
}
model Net {
  input image: [784]
  image -> Stage(30)   ->   dense(10, activation: sofmax)
}
`;

describe.skipIf(!installed && !required)("Neovim's LSP client", () => {
  it("shows diagnostics and hover, goes to a definition, applies a quick fix, renames and formats", () => {
    expect(installed, "neovim is not installed (Debian: apt-get install neovim)").toBe(true);
    const dir = mkdtempSync(join(tmpdir(), "nnc-nvim-"));
    const file = join(dir, "net.nn");
    writeFileSync(file, SOURCE);
    const out = join(dir, "out.json");
    const positions = { hover: [5, 12], definition: [5, 12], rename: [0, 7], newName: "Layer" };
    const run = spawnSync("nvim", ["--headless", "-u", "NONE", "-c", `luafile ${join(ROOT, "test", "editor", "neovim", "drive.lua")}`, file], {
      cwd: dir,
      env: { ...process.env, NNC_OUT: out, NNC_SERVER: `${process.execPath} ${join(ROOT, "bin", "nnc.js")} lsp --stdio`, NNC_POSITIONS: JSON.stringify(positions) },
      encoding: "utf8",
      timeout: 90_000,
    });
    expect(run.status, run.stderr + run.stdout).toBe(0);
    const seen = JSON.parse(readFileSync(out, "utf8")) as {
      diagnostics: { code: string; message: string; line: number; column: number }[];
      hover: string;
      definition: { line: number; character: number };
      actions: string[];
      afterFix: string;
      afterRename: string;
      afterFormat: string;
    };
    expect(seen.diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([["E100", 5, 50]]);
    expect(seen.diagnostics[0].message).toContain("unknown activation `sofmax`");
    // Neovim shows only the message: the help travels in it.
    expect(seen.diagnostics[0].message).toContain("did you mean `softmax`?");
    expect(seen.hover).toContain("[30]");
    expect(seen.definition).toEqual({ line: 0, character: 6 });
    expect(seen.actions[0]).toContain("softmax");
    expect(seen.afterFix).toContain("activation: softmax");
    expect(seen.afterRename).toContain("block Layer(x, width: int)");
    expect(seen.afterRename).toContain("image -> Layer(30)");
    expect(seen.afterFormat).toContain("image -> Layer(30) -> dense(10, activation: softmax)");
  }, 120_000);
});
