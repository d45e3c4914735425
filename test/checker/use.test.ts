import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkProgram } from "../../compiler/check/check.js";
import { MAX_SOURCE_BYTES, readSourceFile } from "../../compiler/checker/program.js";

function files(contents: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "nnc-use-"));
  for (const [name, text] of Object.entries(contents)) writeFileSync(join(dir, name), text);
  return dir;
}

const codes = (dir: string, root: string) =>
  checkProgram([join(dir, root)]).diagnostics.map((d) => `${d.code}@${d.file.split("/").pop()}:${d.range.start.line}`);

describe("use", () => {
  it("makes the blocks of another file visible", () => {
    const dir = files({
      "blocks.nn": "block ConvPool(x, filters: int) {\n  x -> conv2d(filters, kernel: 5, activation: relu) -> maxpool(2)\n}\n",
      "net.nn": 'use "./blocks.nn"\nmodel Net {\n  input image: [28, 28, 1]\n  image -> ConvPool(20) -> flatten -> dense(10, activation: softmax)\n}\n',
    });
    expect(codes(dir, "net.nn")).toEqual([]);
    const result = checkProgram([join(dir, "net.nn")]);
    expect(result.models[0].layers[0].definedAt.file).toBe(join(dir, "blocks.nn"));
    expect(result.models[0].layers[0].site.range.start.line).toBe(4);
  });

  it("E107 for a missing file", () => {
    const dir = files({ "net.nn": 'use "./missing.nn"\nmodel M { input x: [4]  x -> dense(1) }\n' });
    expect(codes(dir, "net.nn")).toEqual(["E107@net.nn:1"]);
  });

  it("E106 for a use cycle", () => {
    const dir = files({
      "a.nn": 'use "./b.nn"\nblock A(x) { x -> relu }\n',
      "b.nn": 'use "./a.nn"\nblock B(x) { x -> relu }\n',
    });
    expect(codes(dir, "a.nn")).toEqual(["E106@b.nn:1"]);
  });

  it("reports errors inside a used block at the block's file", () => {
    const dir = files({
      "blocks.nn": "block Big(x) {\n  x -> conv2d(4, kernel: 9)\n}\n",
      "net.nn": 'use "./blocks.nn"\nmodel M {\n  input image: [5, 5, 1]\n  image -> Big\n}\n',
    });
    expect(codes(dir, "net.nn")).toEqual(["E201@blocks.nn:2"]);
  });
});

describe("use of something that is not a `.nn` file", () => {
  const checkUse = (target: string) => {
    const dir = files({ "net.nn": `use ${JSON.stringify(target)}\nmodel M { input x: [4]  x -> dense(1) }\n` });
    return checkProgram([join(dir, "net.nn")]).diagnostics;
  };
  const only107 = (target: string): string => {
    const diagnostics = checkUse(target);
    expect(diagnostics.map((d) => `${d.code}@${d.range.start.line}`)).toEqual(["E107@1"]);
    return diagnostics[0].message;
  };

  // Before the fix each of these read without end (54 s and 16.8 GB for /dev/zero) or blocked forever.
  it.skipIf(!existsSync("/dev/zero"))("E107 for a character device, never read", { timeout: 10_000 }, () => {
    expect(only107("/dev/zero")).toBe('cannot read "/dev/zero": it is a character device, not a file');
    expect(only107("/dev/urandom")).toBe('cannot read "/dev/urandom": it is a character device, not a file');
  });

  it.skipIf(!hasMkfifo())("E107 for a FIFO, never opened (opening one blocks until a writer comes)", { timeout: 10_000 }, () => {
    const dir = files({});
    execFileSync("mkfifo", [join(dir, "pipe.nn")]);
    expect(only107(join(dir, "pipe.nn"))).toMatch(/: it is a FIFO \(named pipe\), not a file$/);
  });

  it("E107 for a folder", () => {
    const dir = files({});
    mkdirSync(join(dir, "lib.nn"));
    expect(only107(join(dir, "lib.nn"))).toMatch(/: it is a folder, not a file$/);
  });

  it("E107 for a file over the cap, with its size; the file is never read", () => {
    const dir = files({});
    // Sparse: 9 MB that take no room on the disk.
    writeFileSync(join(dir, "huge.nn"), "");
    truncateSync(join(dir, "huge.nn"), 9 * 1024 * 1024);
    expect(only107(join(dir, "huge.nn"))).toMatch(/: it is 9 MB; a `\.nn` file nnc reads is at most 8 MB$/);
    expect(MAX_SOURCE_BYTES).toBe(8 * 1024 * 1024);
  });

  it("E107 at the start of a root that is not a file", { timeout: 10_000 }, () => {
    const dir = files({});
    const diagnostics = checkProgram([dir]).diagnostics;
    expect(diagnostics.map((d) => [d.code, d.file, d.range.start.offset, d.message])).toEqual([["E107", dir, 0, `cannot read ${JSON.stringify(dir)}: it is a folder, not a file`]]);
    if (existsSync("/dev/zero")) expect(checkProgram(["/dev/zero"]).diagnostics.map((d) => d.code)).toEqual(["E107"]);
  });

  it("still reads a file at the cap, and reports one a byte over (readSourceFile)", () => {
    const dir = files({ "ten.nn": "0123456789", "eleven.nn": "0123456789A" });
    expect(readSourceFile(join(dir, "ten.nn"), 10)).toBe("0123456789");
    expect(readSourceFile(join(dir, "eleven.nn"), 10)).toEqual({ problem: "it is 11 bytes; a `.nn` file nnc reads is at most 10 bytes" });
    expect(readSourceFile(join(dir, "missing.nn"), 10)).toBeUndefined();
  });

  it.skipIf(!existsSync("/proc/self/maps"))("caps what it reads even when stat says 0 bytes (files under /proc)", () => {
    expect(readSourceFile("/proc/self/maps", 16)).toEqual({ problem: expect.stringMatching(/^it is more than 16 bytes; a `\.nn` file nnc reads is at most 16 bytes$/) });
  });
});

function hasMkfifo(): boolean {
  try {
    execFileSync("mkfifo", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
