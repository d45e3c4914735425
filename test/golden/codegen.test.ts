/**
 * Generated modules as golden files: what `nnc compile` writes for a few examples of different
 * kinds, kept in codegen/ so a change to code generation shows up as a diff in review.
 * `UPDATE_EXPECT=1` rewrites them (test/golden/README.md).
 */
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { checkProgram } from "../../compiler/check/check.js";
import { generateModule } from "../../compiler/codegen/emit-module.js";
import { expectFile } from "../support/expect-file.js";

const root = resolve(import.meta.dirname, "../..");

/** Each example, named as `nnc compile` run from the repository root names it, and its golden file. */
const examples = [
  { source: "examples/mnist/1_baseline.nn", golden: "mlp-baseline.ts.txt" },
  { source: "examples/mnist/2_conv_pool.nn", golden: "conv-pool-with-use.ts.txt" },
  { source: "examples/sequences/adding.nn", golden: "recurrent-adding.ts.txt" },
  { source: "examples/mnist/7_ensemble.nn", golden: "ensemble.ts.txt" },
];

describe("generated modules (golden files in test/golden/codegen/)", () => {
  it.each(examples)("$source", async ({ source, golden }) => {
    const result = checkProgram([join(root, source)]);
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const generated = await generateModule({ result, file: result.program.roots[0], sourceName: source });
    expect(generated.failures).toEqual([]);
    expectFile(join(import.meta.dirname, "codegen", golden), generated.text);
  }, 60_000);
});
