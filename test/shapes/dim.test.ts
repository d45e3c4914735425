import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  add,
  ceilDiv,
  constValue,
  dimConst,
  dimEquals,
  dimSymbol,
  dimToJson,
  dimToString,
  DimOverflow,
  evaluateDim,
  exactly,
  floorDiv,
  isConst,
  isDefinitelyNonPositive,
  isPositive,
  lowerBound,
  MAX_FACTORS,
  MAX_NESTED_DIVISIONS,
  MAX_TERMS,
  mul,
  neg,
  parseDim,
  sub,
  substitute,
  symbolsOf,
  type Dim,
} from "../../compiler/shapes/dim.js";

const RUNS = { numRuns: 400 };
const T = dimSymbol("T");
const H = dimSymbol("H");
const W = dimSymbol("W");
const n = dimConst;
const show = (text: string): string => dimToString(parseDim(text));

/** An arithmetic expression over a few symbols, built both as a Dim and with plain integer arithmetic. */
type Expr =
  | { readonly k: "const"; readonly n: number }
  | { readonly k: "sym"; readonly name: string }
  | { readonly k: "add" | "sub" | "mul"; readonly a: Expr; readonly b: Expr }
  | { readonly k: "scale"; readonly c: number; readonly a: Expr }
  | { readonly k: "floor" | "ceil"; readonly a: Expr; readonly d: number };

const SYMBOLS = ["A", "B", "T"] as const;

function toDim(e: Expr): Dim {
  switch (e.k) {
    case "const":
      return dimConst(e.n);
    case "sym":
      return dimSymbol(e.name);
    case "add":
      return add(toDim(e.a), toDim(e.b));
    case "sub":
      return sub(toDim(e.a), toDim(e.b));
    case "mul":
      return mul(toDim(e.a), toDim(e.b));
    case "scale":
      return mul(dimConst(e.c), toDim(e.a));
    case "floor":
      return floorDiv(toDim(e.a), e.d);
    case "ceil":
      return ceilDiv(toDim(e.a), e.d);
  }
}

function evalInt(e: Expr, env: ReadonlyMap<string, number>): number {
  const value = evalRaw(e, env);
  return value === 0 ? 0 : value; // Math.ceil(-0.5) is -0
}

function evalRaw(e: Expr, env: ReadonlyMap<string, number>): number {
  switch (e.k) {
    case "const":
      return e.n;
    case "sym":
      return env.get(e.name) ?? Number.NaN;
    case "add":
      return evalInt(e.a, env) + evalInt(e.b, env);
    case "sub":
      return evalInt(e.a, env) - evalInt(e.b, env);
    case "mul":
      return evalInt(e.a, env) * evalInt(e.b, env);
    case "scale":
      return e.c * evalInt(e.a, env);
    case "floor":
      return Math.floor(evalInt(e.a, env) / e.d);
    case "ceil":
      return Math.ceil(evalInt(e.a, env) / e.d);
  }
}

const leafArb: fc.Arbitrary<Expr> = fc.oneof(
  fc.integer({ min: -6, max: 6 }).map((v): Expr => ({ k: "const", n: v })),
  fc.constantFrom(...SYMBOLS).map((name): Expr => ({ k: "sym", name })),
);

/** Expressions with add, sub, multiplication by a constant, floor and ceil divisions (linear in the symbols). */
function linearArb(depth: number): fc.Arbitrary<Expr> {
  if (depth === 0) return leafArb;
  const sub_ = linearArb(depth - 1);
  return fc.oneof(
    { arbitrary: leafArb, weight: 2 },
    { arbitrary: fc.record({ k: fc.constantFrom("add" as const, "sub" as const), a: sub_, b: sub_ }), weight: 3 },
    { arbitrary: fc.record({ k: fc.constant("scale" as const), c: fc.integer({ min: -4, max: 4 }), a: sub_ }), weight: 2 },
    {
      arbitrary: fc.record({ k: fc.constantFrom("floor" as const, "ceil" as const), a: sub_, d: fc.integer({ min: 1, max: 5 }) }),
      weight: 3,
    },
  );
}

/** Expressions that may also multiply two symbolic sides (flatten of `[H, W]`, parameter counts). */
function polyArb(depth: number): fc.Arbitrary<Expr> {
  if (depth === 0) return leafArb;
  const sub_ = polyArb(depth - 1);
  return fc.oneof(
    { arbitrary: linearArb(1), weight: 2 },
    { arbitrary: fc.record({ k: fc.constantFrom("add" as const, "sub" as const, "mul" as const), a: sub_, b: sub_ }), weight: 3 },
    {
      arbitrary: fc.record({ k: fc.constantFrom("floor" as const, "ceil" as const), a: sub_, d: fc.integer({ min: 1, max: 4 }) }),
      weight: 2,
    },
  );
}

const linear = linearArb(4);
const poly = polyArb(3);
const valueArb = fc.integer({ min: -12, max: 12 });
const envArb = fc.tuple(valueArb, valueArb, valueArb).map(([a, b, t]) => new Map([["A", a], ["B", b], ["T", t]]));
const positiveEnvArb = fc
  .tuple(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 30 }))
  .map(([a, b, t]) => new Map([["A", a], ["B", b], ["T", t]]));
const asBindings = (env: ReadonlyMap<string, number>): Map<string, Dim> => new Map([...env].map(([k, v]) => [k, dimConst(v)]));

function expectSame(a: Dim, b: Dim): void {
  expect(dimToString(a)).toBe(dimToString(b));
  expect(dimEquals(a, b)).toBe(true);
}

describe("construction and queries", () => {
  it("keeps constants exact", () => {
    expect(constValue(add(n(3), n(4)))).toBe(7);
    expect(constValue(floorDiv(n(-7), 2))).toBe(-4);
    expect(constValue(ceilDiv(n(-7), 2))).toBe(-3);
    expect(constValue(ceilDiv(n(7), 2))).toBe(4);
    expect(constValue(mul(n(6), n(-7)))).toBe(-42);
    expect(isConst(n(0))).toBe(true);
    expect(isConst(T)).toBe(false);
    expect(constValue(T)).toBeUndefined();
  });

  it("divides exactly when every coefficient and the constant are multiples of the divisor", () => {
    expectSame(floorDiv(mul(n(2), T), 2), T);
    expectSame(floorDiv(add(mul(n(4), T), n(6)), 2), add(mul(n(2), T), n(3)));
    expectSame(ceilDiv(mul(n(3), H), 3), H);
    expectSame(floorDiv(T, 1), T);
  });

  it("cancels terms and sorts symbols", () => {
    expect(isConst(sub(add(T, H), add(H, T)))).toBe(true);
    expect(symbolsOf(add(floorDiv(mul(W, H), 2), T))).toEqual(["H", "T", "W"]);
    expect(symbolsOf(n(3))).toEqual([]);
  });

  it("substitutes and re-normalizes", () => {
    const conv = sub(T, n(2));
    expect(constValue(substitute(conv, new Map([["T", n(50)]])))).toBe(48);
    const pool = parseDim("floor((T - 2) / 2)");
    expect(constValue(substitute(pool, new Map([["T", n(50)]])))).toBe(24);
    expectSame(substitute(pool, new Map([["T", mul(n(2), H)]])), sub(H, n(1)));
    expectSame(substitute(add(T, H), new Map([["T", n(1)]])), add(H, n(1)));
    expect(evaluateDim(pool, new Map([["T", 9]]))).toBe(3);
    expect(() => evaluateDim(T, new Map())).toThrow(RangeError);
  });

  it("rejects divisors and constants that are not positive integers", () => {
    expect(() => floorDiv(T, 0)).toThrow(RangeError);
    expect(() => ceilDiv(T, 1.5)).toThrow(RangeError);
    expect(() => dimConst(0.5)).toThrow(RangeError);
    expect(() => dimSymbol("not a name")).toThrow(RangeError);
  });

  it("gives an overflow outcome, never a rounded value, when a number would pass 2^53 − 1", () => {
    const big = 2 ** 52;
    expect(exactly(() => add(n(big), n(big)))).toEqual({ ok: false, reason: "a number in it would exceed 2^53 − 1 (9,007,199,254,740,991)" });
    expect(exactly(() => mul(n(2 ** 31), n(2 ** 31)))).toMatchObject({ ok: false });
    expect(exactly(() => mul(T, n(2 ** 31)))).toMatchObject({ ok: true });
    expect(exactly(() => mul(mul(T, n(2 ** 31)), n(2 ** 31)))).toEqual({ ok: false, reason: "a coefficient would exceed 2^53 − 1 (9,007,199,254,740,991)" });
    expect(exactly(() => dimConst(2 ** 53))).toEqual({ ok: false, reason: "a constant dimension would exceed 2^53 − 1 (9,007,199,254,740,991)" });
    expect(exactly(() => dimConst(Infinity))).toMatchObject({ ok: false });
    // Pooling T by 2^26 and then by 2^27 merges into one division by 2^53.
    expect(exactly(() => floorDiv(floorDiv(T, 2 ** 26), 2 ** 27))).toEqual({ ok: false, reason: "a divisor would exceed 2^53 − 1 (9,007,199,254,740,991)" });
    expect(() => add(n(big), n(big))).toThrow(DimOverflow);
  });

  it("bounds the size of a dimension, so that no operation costs more than its operands' size", () => {
    // (a + b) * (c + d) * … multiplies out to 2^k terms.
    const sums = Array.from({ length: 8 }, (_, i) => add(dimSymbol(`a${i}`), dimSymbol(`b${i}`)));
    expect(exactly(() => sums.reduce(mul))).toEqual({ ok: false, reason: `it would have more than ${MAX_TERMS} terms` });
    expect(exactly(() => sums.slice(0, 6).reduce(mul))).toMatchObject({ ok: true });
    const power = (k: number) => Array.from({ length: k }, () => T).reduce(mul);
    expect(exactly(() => power(MAX_FACTORS))).toMatchObject({ ok: true });
    expect(exactly(() => power(MAX_FACTORS + 1))).toEqual({ ok: false, reason: `a product would have more than ${MAX_FACTORS} factors` });
    // floor(floor(T / 3) * 2 / 3)… cannot merge: each step nests one division deeper.
    let nested: Dim = T;
    let outcome = exactly(() => nested);
    let steps = 0;
    while (outcome.ok) {
      nested = outcome.value;
      outcome = exactly(() => floorDiv(mul(nested, n(2)), 3));
      steps++;
    }
    expect(steps).toBe(MAX_NESTED_DIVISIONS + 1);
    expect(outcome).toEqual({ ok: false, reason: `it would nest more than ${MAX_NESTED_DIVISIONS} divisions` });
  });

  it("lets other exceptions through `exactly`: they are bugs, not overflows", () => {
    expect(() => exactly(() => floorDiv(T, 0))).toThrow(RangeError);
    expect(() => exactly(() => dimConst(0.5))).toThrow(RangeError);
  });

  it("bounds a dimension from below for sizes of at least 1", () => {
    expect(lowerBound(n(7))).toBe(7);
    expect(lowerBound(mul(n(3), mul(T, H)))).toBe(3);
    expect(lowerBound(sub(T, n(2)))).toBe(-1);
    expect(lowerBound(neg(T))).toBe(-Infinity);
  });

  it("decides positivity where it can", () => {
    expect(isPositive(n(1))).toBe(true);
    expect(isPositive(n(0))).toBe(false);
    expect(isPositive(n(-3))).toBe(false);
    expect(isPositive(sub(T, n(2)))).toBe("unknown");
    expect(isPositive(floorDiv(T, 2))).toBe("unknown");
    expect(isPositive(ceilDiv(T, 2))).toBe(true);
    expect(isPositive(add(T, n(1)))).toBe(true);
    expect(isPositive(sub(n(1), T))).toBe(false);
    expect(isDefinitelyNonPositive(n(0))).toBe(true);
    expect(isDefinitelyNonPositive(n(2))).toBe(false);
    expect(isDefinitelyNonPositive(sub(T, n(2)))).toBe(false);
  });
});

describe("printing", () => {
  it("prints the forms shape rules produce", () => {
    const conv = sub(T, n(2));
    expect(dimToString(conv)).toBe("T - 2");
    expect(dimToString(add(floorDiv(sub(conv, n(2)), 2), n(1)))).toBe("floor((T - 2) / 2)");
    expect(dimToString(ceilDiv(T, 2))).toBe("ceil(T / 2)");
    expect(dimToString(ceilDiv(conv, 2))).toBe("floor((T - 1) / 2)"); // the same integer, read as a valid window
    expect(dimToString(add(floorDiv(sub(T, n(3)), 2), n(1)))).toBe("floor((T - 1) / 2)");
    expect(dimToString(ceilDiv(T, 3))).toBe("ceil(T / 3)");
    expect(dimToString(ceilDiv(ceilDiv(T, 2), 2))).toBe("ceil(T / 4)");
    expect(dimToString(ceilDiv(conv, 3))).toBe("floor(T / 3)"); // ceil((T - 2) / 3) is the same integer
    expect(dimToString(add(mul(n(2), T), n(1)))).toBe("2 * T + 1");
    expect(dimToString(mul(H, W))).toBe("H * W");
    expect(dimToString(mul(W, H))).toBe("H * W");
    expect(dimToString(floorDiv(floorDiv(T, 2), 2))).toBe("floor(T / 4)");
    expect(dimToString(add(add(n(3), T), H))).toBe("H + T + 3");
    expect(dimToString(neg(T))).toBe("-T");
    expect(dimToString(n(-5))).toBe("-5");
    expect(dimToString(sub(mul(n(9), mul(H, H)), neg(H)))).toBe("9 * H * H + H");
    expect(dimToString(mul(sub(T, n(2)), H))).toBe("H * T - 2 * H");
    expect(dimToString(floorDiv(mul(n(2), T), 3))).toBe("floor((2 * T) / 3)");
    expect(dimToString(add(floorDiv(H, 2), floorDiv(W, 2)))).toBe("floor(H / 2) + floor(W / 2)");
  });

  it("gives numbers for constants and text otherwise in JSON", () => {
    expect(dimToJson(n(48))).toBe(48);
    expect(dimToJson(sub(T, n(2)))).toBe("T - 2");
  });

  it("parses what it prints, and equivalent spellings", () => {
    expect(show("T - 2")).toBe("T - 2");
    expect(show("floor((T - 2 - 2) / 2) + 1")).toBe("floor((T - 2) / 2)");
    expect(show("ceil((T - 2) / 2)")).toBe("floor((T - 1) / 2)");
    expect(show("floor((T + 1) / 2)")).toBe("ceil(T / 2)");
    expect(show("1 + 2 * T")).toBe("2 * T + 1");
    expect(show("-(3 - T)")).toBe("T - 3");
    expect(show("W * H")).toBe("H * W");
    expect(() => parseDim("T +")).toThrow(SyntaxError);
    expect(() => parseDim("floor(T / H)")).toThrow(SyntaxError);
    expect(() => parseDim("T T")).toThrow(SyntaxError);
  });
});

describe("properties", () => {
  it("evaluates like integer arithmetic, for any integer values of the symbols", () => {
    fc.assert(
      fc.property(fc.oneof(linear, poly), envArb, (e, env) => {
        const d = toDim(e);
        const want = evalInt(e, env);
        expect(evaluateDim(d, env)).toBe(want);
        expect(constValue(substitute(d, asBindings(env)))).toBe(want);
      }),
      RUNS,
    );
  });

  it("binding some symbols and then the rest is binding all at once", () => {
    fc.assert(
      fc.property(poly, envArb, (e, env) => {
        const d = toDim(e);
        const partial = substitute(d, new Map([["T", dimConst(env.get("T") ?? 0)]]));
        expect(symbolsOf(partial)).not.toContain("T");
        expect(constValue(substitute(partial, asBindings(env)))).toBe(evalInt(e, env));
      }),
      RUNS,
    );
  });

  it("reads back what it prints", () => {
    fc.assert(
      fc.property(fc.oneof(linear, poly), (e) => {
        const d = toDim(e);
        const back = parseDim(dimToString(d));
        expect(dimEquals(back, d), `${dimToString(d)} read back as ${dimToString(back)}`).toBe(true);
        expect(dimToJson(d)).toBe(constValue(d) ?? dimToString(d));
      }),
      RUNS,
    );
  });

  it("does not depend on the order or grouping of a sum", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(poly, fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 1, maxLength: 6 }),
        (items) => {
          const dims = items.map(([e]) => toDim(e));
          const leftToRight = dims.reduce((acc, d) => add(acc, d));
          const shuffled = [...items].sort((x, y) => x[1] - y[1]).map(([e]) => toDim(e));
          const rightToLeft = shuffled.reduceRight((acc, d) => add(d, acc));
          expectSame(leftToRight, rightToLeft);
        },
      ),
      RUNS,
    );
  });

  it("distributes constant and symbolic products, and multiplies in any order", () => {
    fc.assert(
      fc.property(poly, poly, poly, fc.integer({ min: -5, max: 5 }), (ea, eb, ec, k) => {
        const [a, b, c] = [toDim(ea), toDim(eb), toDim(ec)];
        expectSame(mul(dimConst(k), add(a, b)), add(mul(dimConst(k), a), mul(b, dimConst(k))));
        expectSame(sub(a, b), add(a, neg(b)));
        expectSame(mul(a, b), mul(b, a));
        // The product of three random polynomials can pass the representation's limits (tested
        // on their own above): the laws are about products that fit.
        const fits = (make: () => Dim): Dim | undefined => {
          try {
            return make();
          } catch (error) {
            if (error instanceof DimOverflow) return undefined;
            throw error;
          }
        };
        const pairs: [() => Dim, () => Dim][] = [
          [() => mul(a, add(b, c)), () => add(mul(a, b), mul(c, a))],
          [() => mul(mul(a, b), c), () => mul(a, mul(b, c))],
        ];
        for (const [left, right] of pairs) {
          const [l, r] = [fits(left), fits(right)];
          if (l !== undefined && r !== undefined) expectSame(l, r);
        }
      }),
      RUNS,
    );
  });

  it("moves whole multiples of the divisor out of a division", () => {
    fc.assert(
      fc.property(poly, poly, fc.integer({ min: 1, max: 6 }), (ea, ec, k) => {
        const [a, c] = [toDim(ea), toDim(ec)];
        expectSame(floorDiv(add(a, mul(dimConst(k), c)), k), add(floorDiv(a, k), c));
        expectSame(ceilDiv(add(mul(c, dimConst(k)), a), k), add(c, ceilDiv(a, k)));
        expectSame(floorDiv(mul(dimConst(k), a), k), a);
      }),
      RUNS,
    );
  });

  it("merges nested divisions of linear dimensions (pool after pool)", () => {
    const linearOnly: fc.Arbitrary<Expr> = fc
      .tuple(fc.integer({ min: -6, max: 6 }), fc.integer({ min: -6, max: 6 }), fc.integer({ min: -9, max: 9 }))
      .map(([a, t, c]): Expr => ({
        k: "add",
        a: { k: "scale", c: a, a: { k: "sym", name: "A" } },
        b: { k: "add", a: { k: "scale", c: t, a: { k: "sym", name: "T" } }, b: { k: "const", n: c } },
      }));
    const kArb = fc.integer({ min: 1, max: 5 });
    fc.assert(
      fc.property(linearOnly, kArb, kArb, (e, j, k) => {
        const l = toDim(e);
        expectSame(floorDiv(floorDiv(l, j), k), floorDiv(l, j * k));
        expectSame(ceilDiv(ceilDiv(l, j), k), ceilDiv(l, j * k));
      }),
      RUNS,
    );
  });

  it("says positive or not only when that holds for every size of the symbols", () => {
    fc.assert(
      fc.property(fc.oneof(linear, poly), positiveEnvArb, (e, env) => {
        const d = toDim(e);
        const value = evaluateDim(d, env);
        const verdict = isPositive(d);
        if (verdict === true) expect(value).toBeGreaterThan(0);
        if (verdict === false) expect(value).toBeLessThanOrEqual(0);
        if (isConst(d)) expect(verdict).toBe(value > 0);
      }),
      RUNS,
    );
  });
});
