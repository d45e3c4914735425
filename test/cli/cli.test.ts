import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../compiler/cli/main.js";

/** Runs the CLI in-process and captures what it prints. */
async function run(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), color: false });
  return { code, stdout, stderr };
}

function file(text: string, name = "net.nn"): string {
  const path = join(mkdtempSync(join(tmpdir(), "nnc-cli-")), name);
  writeFileSync(path, text);
  return path;
}

const good = `model Net {
  input image: [28, 28, 1]
  image -> conv2d(20, kernel: 5) -> maxpool(2) -> flatten -> dense(10, activation: softmax)
}
`;

describe("nnc check", () => {
  it("exits 0 on a clean file and 1 on errors, with a code frame", async () => {
    expect((await run("check", file(good))).code).toBe(0);
    const bad = await run("check", file("model M {\n  input x: [4]\n  x -> dense(10, activation: rleu)\n}\n"));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("error[E100]: unknown activation `rleu`");
    expect(bad.stderr).toContain(" 3 |   x -> dense(10, activation: rleu)");
    expect(bad.stderr).toContain("help: did you mean `relu`?");
  });

  it("prints the JSON format of the reference", async () => {
    const r = await run("check", "--format", "json", file("model M {\n  input x: [4]\n  x -> dropout(1.5)\n}\n"));
    const json = JSON.parse(r.stdout);
    expect(json.diagnostics[0]).toMatchObject({
      severity: "error",
      code: "E105",
      range: { start: { line: 3, column: 16 }, end: { line: 3, column: 19 } },
    });
    expect(typeof json.diagnostics[0].file).toBe("string");
  });

  it("exits 2 on usage errors", async () => {
    expect((await run("check")).code).toBe(2);
    expect((await run("check", "/no/such/file.nn")).code).toBe(2);
    expect((await run("frobnicate")).code).toBe(2);
    expect((await run("check", "--format", "xml", file(good))).code).toBe(2);
  });
});

describe("nnc help", () => {
  it("answers --help on every command with its own usage, without running it", async () => {
    for (const command of ["check", "summary", "compile", "train", "fmt", "lsp"]) {
      const r = await run(command, "--help");
      expect(r.code).toBe(0);
      expect(r.stdout.split("\n")[0]).toMatch(new RegExp(`^Usage: nnc ${command}\\b`));
      expect((await run("help", command)).stdout).toBe(r.stdout);
    }
    expect((await run("train", "-h")).stdout).toContain("--epochs N");
  });

  it("takes `--help` after `--` as a file name, and names the command's usage on a usage error", async () => {
    const r = await run("check", "--", "--help");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--help");
    const wrong = await run("train", "--epoch", "3", file(good));
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("unknown option `--epoch`; did you mean `--epochs`?");
    expect(wrong.stderr).toContain("Usage: nnc train FILE");
    expect((await run("fmt", "--frobnicate", file(good))).stderr).toContain("unknown option `--frobnicate`; the options are `--check`");
    expect((await run("help", "frobnicate")).code).toBe(2);
  });
});

describe("nnc summary", () => {
  it("prints the JSON summary of §7", async () => {
    const r = await run("summary", "--format", "json", file(good));
    expect(r.code).toBe(0);
    const [model] = JSON.parse(r.stdout).models;
    expect(model).toMatchObject({
      name: "Net",
      inputs: [{ name: "image", shape: [28, 28, 1] }],
      outputs: [{ shape: [10] }],
      params: 520 + 28810,
      trainable: 520 + 28810,
      nonTrainable: 0,
    });
    expect(model.layers.map((l: { name: string; kind: string; line: number; output: number[]; params: number }) => [l.name, l.kind, l.line, l.output, l.params])).toEqual([
      ["conv2d_1", "conv2d", 3, [24, 24, 20], 520],
      ["maxpool_1", "maxpool", 3, [12, 12, 20], 0],
      ["flatten_1", "flatten", 3, [2880], 0],
      ["dense_1", "dense", 3, [10], 28810],
    ]);
  });

  it("prints a table", async () => {
    const r = await run("summary", file(good));
    expect(r.stdout).toContain("Model: Net");
    expect(r.stdout).toMatch(/conv2d_1\s+conv2d\s+\[24, 24, 20\]\s+520/);
    expect(r.stdout).toContain("Total params: 29,330\nTrainable params: 29,330\nNon-trainable params: 0\n");
  });

  it("counts batch norm's moving mean and variance as non-trainable, as Keras does", async () => {
    const path = file("model Net {\n  input image: [28, 28, 1]\n  image -> conv2d(8, kernel: 3) -> batchnorm -> flatten -> dense(10, activation: softmax)\n}\n", "batchnorm.nn");
    const table = await run("summary", path);
    expect(table.stdout).toContain("Total params: 54,202\nTrainable params: 54,186\nNon-trainable params: 16\n");
    const [model] = JSON.parse((await run("summary", "--format", "json", path)).stdout).models;
    expect(model.layers[1]).toMatchObject({ name: "batchnorm_1", params: 32, trainable: 16, nonTrainable: 16 });
    expect(model).toMatchObject({ params: 54202, trainable: 54186, nonTrainable: 16 });
  });

  it("selects a model and suggests one", async () => {
    const path = file(good);
    expect(JSON.parse((await run("summary", "--format", "json", "--model", "Net", path)).stdout).models).toHaveLength(1);
    const r = await run("summary", "--model", "Nett", path);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("did you mean `Net`?");
  });
});

describe("nnc fmt", () => {
  it("rewrites a file, then --check passes", async () => {
    const path = file("model Net { input x: [4] ; x->dense( 2 ) }\n");
    expect((await run("fmt", "--check", path)).code).toBe(1);
    expect((await run("fmt", path)).code).toBe(0);
    expect(readFileSync(path, "utf8")).not.toBe("model Net { input x: [4] ; x->dense( 2 ) }\n");
    expect((await run("fmt", "--check", path)).code).toBe(0);
  });

  it("leaves a file with syntax errors untouched", async () => {
    const text = "model Net { input x: [4 x -> }\n";
    const path = file(text);
    expect((await run("fmt", path)).code).toBe(1);
    expect(readFileSync(path, "utf8")).toBe(text);
  });

  it.skipIf(process.platform === "win32")("keeps the permissions of the file it rewrites, private ones too", async () => {
    // Root reads a file whose mode denies everyone; it must stay so denied after the rewrite.
    const modes = [0o600, 0o640, 0o604, 0o444, ...(process.getuid?.() === 0 ? [0o000] : [])];
    for (const mode of modes) {
      const path = file("model Net { input x: [4] ; x->dense( 2 ) }\n");
      chmodSync(path, mode);
      const r = await run("fmt", path);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(`formatted ${path}\n`);
      expect(statSync(path).mode & 0o777, mode.toString(8)).toBe(mode);
    }
  });
});

/** The command line itself, in a child process run as user `nobody` when the tests run as root (who may read anything). */
function runAsAnotherUser(args: readonly string[]): { status: number | null; stderr: string } {
  const asRoot = process.getuid?.() === 0;
  const child = spawnSync(process.execPath, [NNC, ...args], { encoding: "utf8", ...(asRoot ? { uid: 65534, gid: 65534 } : {}) });
  return { status: child.status, stderr: child.stderr };
}

const NNC = resolve(import.meta.dirname, "../../bin/nnc.js");

describe.skipIf(process.platform === "win32")("a file the user may not read", () => {
  /** A folder anyone may enter, holding `unread.nn` (mode 000) and `user.nn`, which uses it. */
  function unreadable(): { dir: string; unread: string; user: string } {
    const dir = mkdtempSync(join(tmpdir(), "nnc-unreadable-"));
    chmodSync(dir, 0o755);
    const unread = join(dir, "unread.nn");
    writeFileSync(unread, good);
    chmodSync(unread, 0o000);
    const user = join(dir, "user.nn");
    writeFileSync(user, 'use "unread.nn"\nmodel M {\n  input x: [4]\n  x -> dense(2)\n}\n');
    chmodSync(user, 0o644);
    return { dir, unread, user };
  }

  it("named on the command line, is a usage error of every command that reads sources, saying why and what to do", () => {
    const { dir, unread } = unreadable();
    const commands = [["check"], ["summary"], ["compile", "--out-dir", join(dir, "gen")], ["fmt"], ["train"]];
    for (const [command, ...options] of commands) {
      const r = runAsAnotherUser([command, unread, ...options]);
      expect(r.status, `${command}: ${r.stderr}`).toBe(2);
      expect(r.stderr.split("\n")[0]).toBe(`nnc ${command}: cannot read \`${unread}\`: permission denied; give your user read access (\`chmod u+r ${unread}\` if you own it; \`ls -l\` shows who may read it)`);
    }
    // A folder that may not be listed, and a file in a folder that may not be entered.
    const closed = join(dir, "closed");
    mkdirSync(closed);
    writeFileSync(join(closed, "net.nn"), good);
    chmodSync(closed, 0o000);
    const listed = runAsAnotherUser(["check", closed]);
    expect(listed.status).toBe(2);
    expect(listed.stderr.split("\n")[0]).toBe(`nnc check: cannot read \`${closed}\`: permission denied; give your user read access (\`chmod u+rx ${closed}\` if you own it; \`ls -l\` shows who may read it)`);
    const inside = runAsAnotherUser(["check", join(closed, "net.nn")]);
    expect(inside.status).toBe(2);
    expect(inside.stderr).toContain("permission denied on a folder that leads to it");
    chmodSync(closed, 0o700);
  }, 60_000);

  it("named by a `use`, is E107 at the `use`, with its line shown", () => {
    const { user } = unreadable();
    const r = runAsAnotherUser(["check", user]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('error[E107]: cannot read "unread.nn": permission denied');
    expect(r.stderr).toContain(' 1 | use "unread.nn"');
    expect(r.stderr).not.toMatch(/\|\n\n/);
  }, 30_000);
});
