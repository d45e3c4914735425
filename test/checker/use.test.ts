import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkProgram } from "../../compiler/check.js";

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
