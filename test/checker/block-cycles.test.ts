import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkSource } from "../../compiler/check/check.js";
import { expectDiagnostics } from "../support/expect-diagnostics.js";

const NO_FILES = { readFile: () => undefined, dataFiles: false };

/** Whether the graph (each block's callees, by index) has a cycle: Kahn's algorithm leaves some block. */
function hasCycle(calls: readonly (readonly number[])[]): boolean {
  const indegree = calls.map(() => 0);
  for (const callees of calls) for (const c of new Set(callees)) indegree[c]++;
  const ready = indegree.flatMap((d, i) => (d === 0 ? [i] : []));
  let removed = 0;
  for (let b = ready.pop(); b !== undefined; b = ready.pop()) {
    removed++;
    for (const c of new Set(calls[b])) if (--indegree[c] === 0) ready.push(c);
  }
  return removed < calls.length;
}

/** Blocks `B0 … Bn−1`, one per line from line 1, each piping its input through its callees in order. */
function program(calls: readonly (readonly number[])[], modelCalls: readonly number[]): string {
  const blocks = calls.map((callees, i) => `block B${i}(x) { ${["x", ...callees.map((c) => `B${c}`)].join(" -> ")} }`);
  const model = modelCalls.length ? [`model M { input x: [4]  ${["x", ...modelCalls.map((c) => `B${c}`)].join(" -> ")} }`] : [];
  return [...blocks, ...model].join("\n");
}

describe("E106 cycles of blocks", () => {
  it("reports each cycle once, at a call that closes it, whether models call the blocks or not", () => {
    const graph = fc.integer({ min: 1, max: 7 }).chain((n) =>
      fc.record({
        calls: fc.array(fc.array(fc.nat(n - 1), { maxLength: 3 }), { minLength: n, maxLength: n }),
        modelCalls: fc.array(fc.nat(n - 1), { maxLength: 4 }),
      }),
    );
    fc.assert(
      fc.property(graph, ({ calls, modelCalls }) => {
        const text = program(calls, modelCalls);
        const cycles = checkSource(text, "cycles.nn", NO_FILES).diagnostics.filter((d) => d.code === "E106");
        expect(cycles.length > 0).toBe(hasCycle(calls));
        // The same reports when no model calls the blocks: a cycle is a fault of the declarations.
        const alone = checkSource(program(calls, []), "cycles.nn", NO_FILES).diagnostics.filter((d) => d.code === "E106");
        expect(alone.map((d) => [d.range, d.message])).toEqual(cycles.map((d) => [d.range, d.message]));
        const remaining = calls.map((callees) => [...callees]);
        const reported = new Set<string>();
        for (const d of cycles) {
          const caller = d.range.start.line - 1;
          const line = text.split("\n")[caller];
          const callee = Number(line.slice(d.range.start.column, d.range.end.column - 1));
          // Once per pair of blocks, and the chain is a real path of calls that ends with this one.
          expect(reported.has(`${caller}→${callee}`)).toBe(false);
          reported.add(`${caller}→${callee}`);
          const chain = d.message.replace(/^block `B\d+` calls itself: /, "").split(" → ").map((b) => Number(b.slice(1)));
          expect(chain[0]).toBe(chain[chain.length - 1]);
          expect(chain.slice(-2)).toEqual([caller, callee]);
          for (let i = 0; i + 1 < chain.length; i++) expect(calls[chain[i]]).toContain(chain[i + 1]);
          remaining[caller] = remaining[caller].filter((c) => c !== callee);
        }
        // Without the reported calls no cycle is left: every cycle was reported.
        expect(hasCycle(remaining)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it("follows calls into the blocks of a used file", () => {
    const files: Record<string, string> = { "lib.nn": "block Twice(x) { x -> Twice }\n" };
    const result = checkSource(`use "./lib.nn"\nblock Local(x) { x -> Local }\n`, "main.nn", { readFile: (p) => files[p.replace(/^.*\//, "")], dataFiles: false });
    expect(result.diagnostics.map((d) => `${d.file.replace(/^.*\//, "")}:${d.range.start.line} ${d.code} ${d.message}`)).toEqual([
      "lib.nn:1 E106 block `Twice` calls itself: Twice → Twice",
      "main.nn:2 E106 block `Local` calls itself: Local → Local",
    ]);
  });

  it("reports a block that calls itself twice once", () => {
    expectDiagnostics(`block R(x) { x -> R -> R }               // expect: E106 col 19: block \`R\` calls itself: R → R`);
  });
});
