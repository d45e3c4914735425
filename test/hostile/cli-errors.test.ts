/**
 * The command line never shows a JavaScript stack trace: a fault in the sources is a diagnostic
 * (exit 1), a mistake in the command line a usage error (exit 2), and anything else is nnc's own
 * bug, reported in one line with a request to report it (exit 70; the stack only with NNC_DEBUG).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { MAX_SOURCE_BYTES } from "../../compiler/checker/program.js";
import { INTERNAL_ERROR_EXIT, main } from "../../compiler/cli/main.js";

// `nnc check` and `nnc summary` fail inside the checker when a file's text says so: a stand-in for
// any bug that escapes a command.
vi.mock("../../compiler/check/check.js", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../compiler/check/check.js")>();
  return {
    ...original,
    checkProgram: (...args: Parameters<typeof original.checkProgram>) => {
      const result = original.checkProgram(...args);
      if ([...result.program.units.values()].some((u) => u.text.includes("// crash the checker"))) throw new TypeError("cannot read properties of undefined (reading 'shape')");
      return result;
    },
  };
});

async function run(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), color: false });
  return { code, stdout, stderr };
}

const dir = mkdtempSync(join(tmpdir(), "nnc-cli-errors-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.unstubAllEnvs());

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("an internal error", () => {
  const crashing = () => file("crash.nn", "// crash the checker\nmodel M {\n  input x: [4]\n  x -> relu\n}\n");

  it("is one line and a note asking for a report, exit 70, without a stack trace", async () => {
    vi.stubEnv("NNC_DEBUG", "");
    for (const command of ["check", "summary"]) {
      const r = await run(command, crashing());
      expect(r.code).toBe(INTERNAL_ERROR_EXIT);
      expect(r.code).toBe(70);
      expect(r.stderr).toBe(
        `nnc ${command}: internal error: cannot read properties of undefined (reading 'shape')\n` +
          "This is a bug in nnc, not in your files; please report it with the input that caused it (NNC_DEBUG=1 shows where it happened).\n",
      );
    }
  });

  it("comes with its stack when NNC_DEBUG is set", async () => {
    vi.stubEnv("NNC_DEBUG", "1");
    const r = await run("check", crashing());
    expect(r.code).toBe(70);
    expect(r.stderr).toMatch(/^nnc check: internal error: cannot read properties of undefined \(reading 'shape'\)\nThis is a bug in nnc, not in your files; please report it with the input that caused it\.\nTypeError: .*\n\s+at /);
  });

  it("is listed among the exit codes of the usage", async () => {
    expect((await run("help")).stdout).toContain("70 an internal error");
  });
});

describe("nnc fmt on what it cannot read", () => {
  it("names the file and why, and goes on with the others", async () => {
    const huge = file("huge.nn", `// ${"x".repeat(MAX_SOURCE_BYTES)}\n`);
    const messy = file("messy.nn", "model M { input x: [4]\n x -> relu }\n");
    const r = await run("fmt", huge, messy);
    expect(r.code).toBe(1);
    expect(r.stderr.startsWith(`nnc fmt: cannot read \`${huge}\`: it is `)).toBe(true);
    expect(r.stderr.endsWith("; a `.nn` file nnc reads is at most 8 MB\n")).toBe(true);
    expect(r.stdout).toBe(`formatted ${messy}\n`);
  });
});

describe("a reader that closes the pipe early", () => {
  it("ends the command quietly with 141, as Unix tools do (`nnc summary FILE | head`)", async () => {
    const source = file("piped.nn", "model M { input x: [4]\n x -> dense(3) }\n");
    const child = spawn(process.execPath, [resolve(import.meta.dirname, "../../bin/nnc.js"), "summary", source], { stdio: ["ignore", "pipe", "pipe"] });
    // Closed before nnc has started: its first write meets a closed pipe (EPIPE).
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((done) => child.on("exit", done));
    expect(stderr).toBe("");
    // Nothing of the summary reached a reader: 141, as `seq 100000 | head -1` gives seq.
    expect(code).toBe(141);
  }, 30_000);

  it("a training whose output pipe closes stops with 141, not 0: it saved nothing", async () => {
    const source = file("piped-train.nn", "model M {\n  input image: [784]\n  output digit = image -> dense(10, activation: softmax)\n}\n\ntrain t: M {\n  data: mnist(flat: true)\n  loss: cross_entropy\n  optimizer: sgd(lr: 0.1)\n  batch_size: 10\n  epochs: 3\n}\n");
    const runDir = join(dirname(source), "piped-run");
    const child = spawn(process.execPath, [resolve(import.meta.dirname, "../../bin/nnc.js"), "train", source, "--limit", "300", "--run-dir", runDir], { stdio: ["ignore", "pipe", "pipe"] });
    // The reader of the log is gone before the training writes its first line (as after `2>&1 |
    // head -1`; closed at once, so that the whole log cannot fit in the pipe before it is closed).
    child.stderr.destroy();
    let stdout = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    const code = await new Promise<number | null>((done) => child.on("exit", done));
    expect(code, `stdout: ${stdout}`).toBe(141);
    expect(existsSync(join(runDir, "model.json"))).toBe(false);
  }, 60_000);
});
