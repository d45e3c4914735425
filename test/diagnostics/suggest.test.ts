/**
 * "Did you mean": the bounded search gives exactly the answers of the plain one (the full distance
 * matrix against every candidate) for every name it suggests for, and its work stays bounded for
 * hostile inputs: very long names, and thousands of misspelled references among thousands of names.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkSource } from "../../compiler/check/check.js";
import { boundedEditDistance, didYouMean, editDistance, MAX_SUGGEST_LENGTH } from "../../compiler/diagnostics/suggest.js";

/** `didYouMean` as it was before its work was bounded: every candidate, the full matrix. */
function plainDidYouMean(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  if (!lower) return undefined;
  const limit = Math.max(1, Math.floor(lower.length / 3));
  let best: { candidate: string; distance: number; prefix: number } | undefined;
  for (const candidate of new Set(candidates)) {
    if (candidate === name) continue;
    const c = candidate.toLowerCase();
    const distance = editDistance(lower, c);
    if (distance > limit) continue;
    let prefix = 0;
    while (prefix < lower.length && prefix < c.length && lower[prefix] === c[prefix]) prefix++;
    if (!best || distance < best.distance || (distance === best.distance && (prefix > best.prefix || (prefix === best.prefix && candidate < best.candidate)))) {
      best = { candidate, distance, prefix };
    }
  }
  return best?.candidate;
}

/** Short strings over few letters, so that near and equal strings are common. */
const word = (maxLength: number) => fc.string({ unit: fc.constantFrom("a", "b", "c", "A", "B", "_", "1"), maxLength });

/** A name and a variant of it: a few random edits (substitute, insert, delete, swap neighbours). */
const mutated = (base: string, edits: readonly [number, number, string][]): string => {
  let s = base;
  for (const [kind, at, ch] of edits) {
    const i = s.length === 0 ? 0 : at % s.length;
    if (kind === 0) s = s.slice(0, i) + ch + s.slice(i + 1);
    else if (kind === 1) s = s.slice(0, i) + ch + s.slice(i);
    else if (kind === 2) s = s.slice(0, i) + s.slice(i + 1);
    else if (i + 1 < s.length) s = s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);
  }
  return s;
};
const editList = fc.array(fc.tuple(fc.nat(3), fc.nat(100), fc.constantFrom("a", "b", "x", "E", "_", "9")), { maxLength: 4 });

describe("boundedEditDistance", () => {
  it("is the plain distance when that is within the bound, and bound + 1 otherwise", () => {
    fc.assert(
      fc.property(word(14), word(14), fc.nat(7), (a, b, max) => {
        expect(boundedEditDistance(a, b, max)).toBe(Math.min(editDistance(a, b), max + 1));
      }),
      { numRuns: 5000 },
    );
  });

  it("agrees on near strings (a few edits apart) of every length up to the cap", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 0, maxLength: MAX_SUGGEST_LENGTH }), editList, fc.nat(22), (a, edits, max) => {
        const b = mutated(a, edits);
        expect(boundedEditDistance(a, b, max)).toBe(Math.min(editDistance(a, b), max + 1));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("didYouMean", () => {
  it("answers as the plain search does, for any name up to the cap and any candidates", () => {
    fc.assert(
      fc.property(word(12), fc.array(word(12), { maxLength: 40 }), (name, candidates) => {
        expect(didYouMean(name, candidates)).toBe(plainDidYouMean(name, candidates));
      }),
      { numRuns: 3000 },
    );
  });

  it("answers as the plain search does when asked many times about a large, growing list (its index and memo)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: fc.constantFrom("a", "b", "c", "d", "_", "1", "2"), minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 120 }),
        fc.array(fc.tuple(fc.nat(1000), editList, fc.nat(3)), { minLength: 1, maxLength: 30 }),
        (names, queries) => {
          let scope = names.slice(0, Math.ceil(names.length / 2));
          for (const [which, edits, grow] of queries) {
            // The scope grows as `let`s do, and is asked about as a fresh array each time, as the checker does.
            scope = [...scope, ...names.slice(scope.length, scope.length + grow)];
            const name = mutated(names[which % names.length], edits);
            expect(didYouMean(name, [...scope])).toBe(plainDidYouMean(name, scope));
            expect(didYouMean(name, new Set(scope))).toBe(plainDidYouMean(name, scope));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("keeps its answers for realistic names", () => {
    const layers = ["dense", "conv2d", "maxpool", "avgpool", "flatten", "dropout", "relu", "softmax", "batchnorm", "lstm", "gru"];
    expect(didYouMean("dens", layers)).toBe("dense");
    expect(didYouMean("Conv2D", layers)).toBe("conv2d");
    expect(didYouMean("maxpol", layers)).toBe("maxpool");
    expect(didYouMean("sofmtax", layers)).toBe("softmax");
    expect(didYouMean("zzz", layers)).toBeUndefined();
    expect(didYouMean("", layers)).toBeUndefined();
  });

  it("suggests nothing for a name longer than MAX_SUGGEST_LENGTH, without comparing it", { timeout: 10_000 }, () => {
    const long = "a".repeat(MAX_SUGGEST_LENGTH + 1);
    expect(didYouMean(long, [long.slice(1)])).toBeUndefined();
    expect(didYouMean(long.slice(1), [long.slice(2)])).toBe(long.slice(2));
    // One 1 MB identifier took 44 s and 630 MB before the cap.
    const huge = "a".repeat(1_000_000);
    expect(didYouMean(huge, ["dense", huge.slice(1), `${huge}b`])).toBeUndefined();
    expect(didYouMean("dense", [huge, "dens"])).toBe("dens");
  });
});

/** A model with `n` bindings, then `n` references to them, each misspelled (or not), each in its own `let`. */
function program(n: number, misspelled: boolean): string {
  const lines = ["model M {", "  input x: [4]"];
  for (let i = 0; i < n; i++) lines.push(`  let value_${i} = x -> dense(4)`);
  for (let i = 0; i < n; i++) lines.push(`  let use_${i} = ${misspelled ? "valeu" : "value"}_${i} -> relu`);
  lines.push(`  x -> dense(1)`, "}");
  return `${lines.join("\n")}\n`;
}

function fastest(runs: number, work: () => void): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    work();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

describe("misspelled references at scale", () => {
  // Before: 2,000 misspelled references among 2,000 bindings took 44 s (every reference compared with
  // every binding through a freshly allocated matrix). Now the misspellings cost about what the
  // references themselves cost, however many there are.
  it("cost a bounded multiple of the same program spelled right, and grow linearly", { timeout: 60_000 }, () => {
    const n = 1500;
    const right = program(n, false);
    const wrong = program(n, true);
    expect(checkSource(wrong).diagnostics.filter((d) => d.code === "E100")).toHaveLength(n);
    expect(checkSource(wrong).diagnostics.find((d) => d.code === "E100")?.help).toBe("did you mean `value_0`?");
    const baseline = fastest(3, () => checkSource(right));
    const misspelled = fastest(3, () => checkSource(wrong));
    expect(misspelled / baseline).toBeLessThan(4);

    const small = fastest(3, () => checkSource(program(n / 4, true)));
    // Linear growth is 4×; quadratic would be 16×.
    expect(misspelled / small).toBeLessThan(10);
  });
});
