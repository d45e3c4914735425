/**
 * What the checker does at the edges of what it can represent: inputs nested or chained deeper than
 * any program written by hand, and numbers too large to compute with or to build. Every one is a
 * diagnostic (never an exception), at the place at fault, with the limit in the message.
 */
import { describe, expect, it } from "vitest";
import { checkSource, type CheckResult } from "../../compiler/check/check.js";
import { MAX_BLOCK_DEPTH, MAX_EVALUATION_DEPTH, MAX_EXPANSIONS } from "../../compiler/checker/elaborate.js";
import { renderTable } from "../../compiler/cli/summary-command.js";
import { format } from "../../compiler/format/format.js";
import { summarize } from "../../compiler/check/summary.js";
import { diagnosticWith, expectDiagnostics } from "../support/expect-diagnostics.js";

const NO_FILES = { readFile: () => undefined, dataFiles: false };

function check(text: string): CheckResult {
  return checkSource(text, "limits.nn", NO_FILES);
}

/** Codes and messages, the W404s of a long `-> relu` chain left out. */
function errors(result: CheckResult): string[] {
  return result.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.code} ${d.message}`);
}

/** A chain of `n` blocks, each calling the next; the last applies relu. */
function blockChain(n: number): string {
  const blocks = Array.from({ length: n }, (_, i) => `block B${i}(x) { x -> ${i === n - 1 ? "relu" : `B${i + 1}`} }`);
  return `${blocks.join("\n")}\nmodel M { input x: [4]\n x -> B0 }`;
}

/** A cycle of `n` blocks: B0 → B1 → … → B(n-1) → B0. */
function blockCycle(n: number): string {
  const blocks = Array.from({ length: n }, (_, i) => `block B${i}(x) { x -> B${(i + 1) % n} }`);
  return `${blocks.join("\n")}\nmodel M { input x: [4]\n x -> B0 }`;
}

describe("input as deep as it is long", () => {
  it("checks, formats and summarizes chains of stages, terms, minus signs and additions thousands long", () => {
    const programs = [
      `model M { input x: [4]\n x${" -> relu".repeat(1800)} }`,
      `model M { input x: [4]\n x -> dense(${Array(3000).fill("1").join("+")}) }`,
      `model M { input x: [4]\n x -> dense(${"- ".repeat(5000)}1) }`,
      `model M { input x: [4]\n ${Array(3000).fill("x").join(" + ")} }`,
    ];
    for (const text of programs) {
      const result = check(text);
      expect(errors(result)).toEqual([]);
      expect(format(text, "f.nn").changed).toBe(true);
      const table = renderTable(summarize(result.models[0]));
      expect(table).toContain("Total params");
    }
    expect(check(programs[1]).models[0].layers[0].output?.shape.map((d) => d.constant)).toEqual([3000]);
    expect(check(programs[2]).models[0].layers[0].output?.shape.map((d) => d.constant)).toEqual([1]);
    expect(check(programs[3]).models[0].layers).toHaveLength(2999);
  });

  it("records the value of every link of a chain, as for a short one", () => {
    const result = check(`model M { input x: [4]\n x${" -> relu".repeat(3000)} }`);
    let values = 0;
    result.values.forEach((v) => (values += v.length));
    // The dimension 4, the input's name, x, and each of the 3000 pipes once.
    expect(values).toBe(3003);
    const kinds = new Map<string, number>();
    result.values.forEach((v, node) => kinds.set(node.kind, (kinds.get(node.kind) ?? 0) + v.length));
    expect(Object.fromEntries(kinds)).toEqual({ Number: 1, Identifier: 1, Name: 1, Pipe: 3000 });
  });

  it(`stops a chain of blocks ${MAX_BLOCK_DEPTH} calls deep with E105, and says so once`, () => {
    const result = check(blockChain(1000));
    expect(errors(result)).toEqual([
      `E105 blocks nest more than ${MAX_BLOCK_DEPTH} calls deep here (B0 → B1 → B2 → B3 → B4 → B5 → … (53 more) … → B59 → B60 → B61 → B62 → B63 → B64); nnc expands at most ${MAX_BLOCK_DEPTH} levels`,
    ]);
    // The blocks past the limit are called all the same: no W401 for them.
    expect(result.diagnostics).toHaveLength(1);
    expect(errors(check(blockChain(MAX_BLOCK_DEPTH)))).toEqual([]);
  });

  it("reports a cycle of blocks as E106 however long it is, at the call that closes it", () => {
    for (const n of [2, 500, 1000]) {
      const result = check(blockCycle(n));
      expect(errors(result), `cycle of ${n}`).toHaveLength(1);
      expect(diagnosticWith(result, "E106").message).toMatch(/^block `B0` calls itself: B0 → B1 → /);
      expect(diagnosticWith(result, "E106").message).toMatch(new RegExp(`B${n - 1} → B0$`));
      expect(diagnosticWith(result, "E106").range.start.line).toBe(n);
      expect(result.diagnostics.filter((d) => d.code === "W401")).toEqual([]);
    }
    expect(diagnosticWith(check(blockCycle(1000)), "E106").message).toBe(
      "block `B0` calls itself: B0 → B1 → B2 → B3 → B4 → B5 → … (989 more) … → B995 → B996 → B997 → B998 → B999 → B0",
    );
  });

  it(`stops a model that would expand to more than ${MAX_EXPANSIONS.toLocaleString("en-US")} layers and block calls beyond its source's length`, () => {
    // Each block calls the next twice: 2^30 calls if nothing stopped it.
    const blocks = Array.from({ length: 30 }, (_, i) => `block F${i}(x) { ${i === 29 ? "x -> relu" : `F${i + 1}(x) + F${i + 1}(x)`} }`);
    const text = `${blocks.join("\n")}\nmodel M { input x: [4]\n F0(x) }`;
    // The budget: the constant, plus the characters of the model and of the blocks it expanded.
    const budget = MAX_EXPANSIONS + text.length - 30; // the 30 line breaks between declarations
    expect(errors(check(text))).toEqual([`E105 model \`M\` expands to more than ${budget.toLocaleString("en-US")} layers and block calls; nnc stops here`]);
    // A model written out layer by layer is never stopped, however long.
    const long = check(`model M { input x: [4]\n x${" -> relu".repeat(MAX_EXPANSIONS + 1000)} }`);
    expect(errors(long)).toEqual([]);
    expect(long.models[0].layers).toHaveLength(MAX_EXPANSIONS + 1000);
  });

  it(`stops evaluation nested more than ${MAX_EVALUATION_DEPTH} levels deep through blocks`, () => {
    // Each block nests 50 calls around the call of the next: brackets within the parser's limit.
    const n = 10;
    const blocks = Array.from({ length: n }, (_, i) => `block B${i}(x) { ${i === n - 1 ? "x" : `${"relu(".repeat(50)}B${i + 1}(x)${")".repeat(50)}`} }`);
    const result = check(`${blocks.join("\n")}\nmodel M { input x: [4]\n B0(x) }`);
    expect(errors(result)).toEqual([
      `E105 expressions nest more than ${MAX_EVALUATION_DEPTH} levels deep here, counting the block calls that lead here; nnc evaluates at most ${MAX_EVALUATION_DEPTH}`,
    ]);
  });

  it("reports brackets nested 10,000 deep once, as the parser's E001", () => {
    const result = check(`model M { input x: [4]\n x -> dense(${"(".repeat(10_000)}1${")".repeat(10_000)}) }`);
    expect(errors(result)).toEqual(["E001 brackets nest more than 64 levels deep here; the rest of the file is not checked"]);
  });
});

describe("numbers too large to compute with or to build", () => {
  it("E105 at the argument for a size beyond what a tensor holds", () => {
    const result = expectDiagnostics(`
model M {
  input x: [4]
  x -> dense(18446744073709551616)       // expect: E105 col 14: \`18446744073709551616\` is too large: a size is at most 2,147,483,647 (2^31 − 1)
}`);
    const d = diagnosticWith(result, "E105");
    expect(d.message).toBe("`18446744073709551616` is too large: a size is at most 2,147,483,647 (2^31 − 1)");
    expect(d.range.start.column).toBe(14);
    expect(d.help).toMatch(/one tensor holds at most 2,147,483,647 \(2\^31 − 1\) values/);
    expectDiagnostics(`
model M {
  input x: [4]
  x -> dense(2147483647)                 // expect: E105 col 8: dense would have 10,737,418,235 parameters, more than a layer's weights may hold, 2,147,483,647 (2^31 − 1)
}`);
    expect(diagnosticWith(check("model M {\n input x: [4]\n x -> dense(2147483647)\n}"), "E105").message).toBe(
      "dense would have 10,737,418,235 parameters, more than a layer's weights may hold, 2,147,483,647 (2^31 − 1)",
    );
  });

  it("E105 for an integer that is not exact, where any integer goes", () => {
    const result = check("model M {\n input x: [4]\n x -> dense(4)\n}\ntrain M { data: mnist\n loss: mse\n optimizer: sgd\n seed: 9007199254740993 }");
    expect(diagnosticWith(result, "E105").message).toBe("`9007199254740993` is too large to be exact: integers go up to 9,007,199,254,740,991 (2^53 − 1)");
  });

  it("E105 at the dimension for a declared dimension beyond 2^31 − 1, quoting it as written", () => {
    const result = expectDiagnostics(`
model M {
  input x: [9007199254740993]            // expect: E105 col 13: the dimension \`9007199254740993\` is too large: a dimension is at most 2,147,483,647 (2^31 − 1)
  x -> relu
}`);
    expect(diagnosticWith(result, "E105").message).toBe("the dimension `9007199254740993` is too large: a dimension is at most 2,147,483,647 (2^31 − 1)");
  });

  it("E105 at the shape for an input whose examples hold more values than a tensor", () => {
    const result = expectDiagnostics(`
model M {
  input x: [100000, 100000, 100000]      // expect: E105 col 12: an example of [100000, 100000, 100000] holds 1,000,000,000,000,000 values, more than a tensor holds, 2,147,483,647 (2^31 − 1)
  x -> flatten
}`);
    expect(diagnosticWith(result, "E105").message).toBe(
      "an example of [100000, 100000, 100000] holds 1,000,000,000,000,000 values, more than a tensor holds, 2,147,483,647 (2^31 − 1)",
    );
    expect(diagnosticWith(check("model M {\n input x: [T, 50000, 50000]\n x\n}"), "E105").message).toMatch(/^an example of \[T, 50000, 50000\] holds at least 2,500,000,000 values/);
  });

  it("E105 at the layer for an output that holds more values than a tensor", () => {
    const result = expectDiagnostics(`
model M {
  input x: [1000000]
  x -> repeat(100000)                    // expect: E105 col 8: repeat gives [100000, 1000000]: one example would hold 100,000,000,000 values, more than a tensor holds, 2,147,483,647 (2^31 − 1)
}`);
    expect(diagnosticWith(result, "E105").message).toBe(
      "repeat gives [100000, 1000000]: one example would hold 100,000,000,000 values, more than a tensor holds, 2,147,483,647 (2^31 − 1)",
    );
  });

  it("E105 at the layer when a symbolic output size cannot be computed exactly", () => {
    const result = expectDiagnostics(`
model M {
  input x: [T, 4]
  x
    -> maxpool1d(67108864)
    -> maxpool1d(134217728)              // expect: E105 col 8: maxpool1d cannot compute its output shape exactly: a divisor would exceed 2^53 − 1 (9,007,199,254,740,991)
}`);
    expect(diagnosticWith(result, "E105").message).toBe("maxpool1d cannot compute its output shape exactly: a divisor would exceed 2^53 − 1 (9,007,199,254,740,991)");
  });

  it("E105 at the expression for dimension arithmetic that overflows or grows past tracking", () => {
    const params = Array.from({ length: 16 }, (_, i) => `p${i}: int`).join(", ");
    const sums = Array.from({ length: 8 }, (_, i) => `(p${2 * i} + p${2 * i + 1})`).join(" * ");
    const grows = check(`model M(${params}) {\n input x: [4]\n x -> dense(${sums})\n}`);
    expect(errors(grows)).toEqual(["E105 this dimension cannot be computed exactly: it would have more than 64 terms"]);
    const overflows = check("model M(n: int) {\n input x: [4]\n x -> dense(n * 2147483647 * 2147483647)\n}");
    expect(errors(overflows)).toEqual(["E105 this dimension cannot be computed exactly: a coefficient would exceed 2^53 − 1 (9,007,199,254,740,991)"]);
  });

  it("E105 at the literal for a number beyond 1.8e308", () => {
    const result = expectDiagnostics(`
model M {
  input x: [4]
  x -> dense(1e400)                      // expect: E105 col 14: the number 1e400 is too large: numbers go up to about 1.8e308
}`);
    const d = diagnosticWith(result, "E105");
    expect(d.message).toBe("the number 1e400 is too large: numbers go up to about 1.8e308");
    expect([d.range.start.column, d.range.end.column]).toEqual([14, 19]);
    const training = check("model M {\n input x: [4]\n x -> dense(4)\n}\ntrain M { data: mnist\n loss: mse\n optimizer: sgd(lr: 1e400) }");
    expect(diagnosticWith(training, "E105").message).toBe("the number 1e400 is too large: numbers go up to about 1.8e308");
  });

  it("E105 for arithmetic that gives NaN or infinity, in models and in trainings", () => {
    expectDiagnostics(`
model M {
  input x: [4]
  x -> dropout(1e309 - 1e309)            // expect: E105 col 16: the number 1e309 is too large: numbers go up to about 1.8e308 // expect: E105 col 24: the number 1e309 is too large: numbers go up to about 1.8e308
}`);
    const infinite = check("model M {\n input x: [4]\n x -> dropout(rate: 1e308 * 10 - 1)\n}");
    expect(errors(infinite)).toEqual(["E105 1e+308 * 10 evaluates to infinity: numbers go up to about 1.8e308"]);
    expect(diagnosticWith(infinite, "E105").range.start.column).toBe(21);
    const training = check("model M {\n input x: [4]\n x -> dense(4)\n}\ntrain M { data: mnist\n loss: mse\n optimizer: sgd(lr: -1e308 - 1e308) }");
    expect(diagnosticWith(training, "E105").message).toBe("-1e+308 - 1e+308 evaluates to minus infinity: numbers go up to about 1.8e308");
  });
});
