/** runtime/core/vote.ts: an ensemble's vote, by majority (ties to the higher mean) or by the mean output. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { classOf, meanOutput, probabilitiesOfScores, trueClasses, voteMetrics, votedClasses } from "../../runtime/core/vote.js";

const f32 = (...values: number[]) => Float32Array.from(values);

describe("classOf and meanOutput", () => {
  it("takes the argmax of a row (the first of equal values), or for one unit, output > 0.5", () => {
    expect(classOf(f32(0.1, 0.7, 0.2, 0.9, 0.05), 2, 3)).toBe(1);
    expect(classOf(f32(0.4, 0.4, 0.2), 0, 3)).toBe(0);
    expect(classOf(f32(0.2, 0.51), 1, 1)).toBe(1);
    expect(classOf(f32(0.5), 0, 1)).toBe(0);
  });

  it("averages the members element-wise", () => {
    expect(Array.from(meanOutput([f32(1, 2), f32(3, 6)]))).toEqual([2, 4]);
    expect(meanOutput([])).toEqual(new Float32Array(0));
  });
});

describe("votedClasses", () => {
  it("by majority, a tie going to the class with the higher mean output", () => {
    // Row 0: one vote each; class 0 has the higher mean (0.65 against 0.35).
    // Row 1: one vote each; class 1 has the higher mean (0.675 against 0.325).
    const a = f32(0.9, 0.1, 0.55, 0.45);
    const b = f32(0.4, 0.6, 0.1, 0.9);
    expect(Array.from(votedClasses([a, b], 2, "majority"))).toEqual([0, 1]);
    // Three classes: 0 and 2 tie at one vote each and 2 has the higher mean (0.3 against 0.25);
    // class 1 has the highest mean (0.45) but no vote, so only the mean vote picks it.
    const three = [f32(0.5, 0.45, 0.05), f32(0, 0.45, 0.55)];
    expect(Array.from(votedClasses(three, 3, "majority"))).toEqual([2]);
    expect(Array.from(votedClasses(three, 3, "mean"))).toEqual([1]);
    // Three members, three classes, one vote each: the highest mean of all.
    expect(Array.from(votedClasses([f32(0.5, 0.1, 0.4), f32(0.05, 0.35, 0.6), f32(0.3, 0.4, 0.3)], 3, "majority"))).toEqual([2]);
  });

  it("majority and mean differ when one confident member outweighs two hesitant ones", () => {
    const members = [f32(0.51, 0.49), f32(0.51, 0.49), f32(0, 1)];
    expect(Array.from(votedClasses(members, 2, "majority"))).toEqual([0]);
    expect(Array.from(votedClasses(members, 2, "mean"))).toEqual([1]);
  });

  it("a single sigmoid unit votes 0 or 1, ties going to the side of the mean", () => {
    expect(Array.from(votedClasses([f32(0.6), f32(0.7), f32(0.1)], 1, "majority"))).toEqual([1]);
    expect(Array.from(votedClasses([f32(0.6), f32(0.7), f32(0.1)], 1, "mean"))).toEqual([0]);
    // One vote each: the mean 0.55 is on 1's side, 0.35 on 0's.
    expect(Array.from(votedClasses([f32(0.9, 0.6), f32(0.2, 0.1)], 1, "majority"))).toEqual([1, 0]);
  });

  it("votes every step of a sequence output: a row per step", () => {
    // Two members, one example of three steps over two classes.
    const a = f32(0.9, 0.1, 0.2, 0.8, 0.6, 0.4);
    const b = f32(0.8, 0.2, 0.7, 0.3, 0.1, 0.9);
    // Step 0: both 0. Steps 1 and 2: one vote each, the mean (0.55, 0.65) on class 1's side.
    expect(Array.from(votedClasses([a, b], 2, "majority"))).toEqual([0, 1, 1]);
    expect(Array.from(votedClasses([a, b], 2, "mean"))).toEqual([0, 1, 1]);
    // Three members: step 1 then has a majority for 0 that the mean (0.6 for 1) does not.
    const c = f32(0.9, 0.1, 0.6, 0.4, 0.2, 0.8);
    expect(Array.from(votedClasses([a, b, c], 2, "majority"))).toEqual([0, 0, 1]);
  });

  it("with one member, both votes are that member's class of each row", () => {
    const case_ = fc.integer({ min: 1, max: 6 }).chain((units) =>
      fc.tuple(fc.constant(units), fc.integer({ min: 1, max: 10 }).chain((rows) => fc.float32Array({ noNaN: true, minLength: rows * units, maxLength: rows * units }))),
    );
    fc.assert(
      fc.property(case_, ([units, values]) => {
        const expected = Array.from({ length: values.length / units }, (_, r) => classOf(values, r * units, units));
        expect(Array.from(votedClasses([values], units, "majority"))).toEqual(expected);
        expect(Array.from(votedClasses([values], units, "mean"))).toEqual(expected);
      }),
    );
  });

  it("the same members in any order vote the same", () => {
    // The mean is accumulated in float32, so its rounding depends on the order of the members; a
    // tie of two classes' exact means may then go either way. Multiples of 1/1024 over 1, 2 or 4
    // members keep every mean exact, ties included.
    const case_ = fc.integer({ min: 1, max: 4 }).chain((units) =>
      fc.tuple(
        fc.constant(units),
        fc.integer({ min: 1, max: 5 }).chain((rows) =>
          fc.constantFrom(1, 2, 4).chain((n) => fc.array(fc.array(fc.integer({ min: 0, max: 1024 }), { minLength: rows * units, maxLength: rows * units }), { minLength: n, maxLength: n })),
        ),
      ),
    );
    fc.assert(
      fc.property(case_, ([units, lists]) => {
        const members = lists.map((l) => Float32Array.from(l, (v) => v / 1024));
        for (const vote of ["majority", "mean"] as const) {
          expect(Array.from(votedClasses([...members].reverse(), units, vote))).toEqual(Array.from(votedClasses(members, units, vote)));
        }
      }),
    );
  });
});

describe("voteMetrics", () => {
  it("measures class outputs by the voted classes' accuracy and real ones by the mean output's mae, named per output", () => {
    const kind = { values: f32(1, 0, 0, 1, 1, 0), shape: [2], classes: ["cat", "dog"] };
    const size = { values: f32(1, 2, 3), shape: [1], classes: null };
    const member1 = [f32(0.9, 0.1, 0.3, 0.7, 0.2, 0.8), f32(1, 2, 4)];
    const member2 = [f32(0.8, 0.2, 0.6, 0.4, 0.4, 0.6), f32(2, 2, 2)];
    // Rows: both say cat (right); one vote each, mean 0.45 / 0.55 → dog (right); both say dog (wrong).
    expect(voteMetrics([member1, member2], [kind, size], ["kind", "size"], "majority")).toEqual({
      kind_accuracy: 2 / 3,
      size_mae: (0.5 + 0 + 0) / 3,
    });
    // One output: the metrics are named as written.
    expect(voteMetrics([[member1[0]], [member2[0]]], [kind], ["kind"], "mean")).toEqual({ accuracy: 2 / 3 });
  });

  it("counts each step of a sequence output, and 0/1 targets of a single unit", () => {
    const steps = { values: f32(1, 0, 0, 1, 0, 1, 1, 0), shape: [2, 2], classes: ["a", "b"] };
    expect(Array.from(trueClasses(steps))).toEqual([0, 1, 1, 0]);
    expect(voteMetrics([[f32(0.9, 0.1, 0.2, 0.8, 0.6, 0.4, 0.7, 0.3)]], [steps], ["tags"], "majority")).toEqual({ accuracy: 3 / 4 });
    const binary = { values: f32(1, 0, 1), shape: [1], classes: ["no", "yes"] };
    expect(Array.from(trueClasses(binary))).toEqual([1, 0, 1]);
    expect(voteMetrics([[f32(0.9, 0.6, 0.2)]], [binary], ["yes"], "majority")).toEqual({ accuracy: 1 / 3 });
  });

  it("votes with the probabilities of members that give raw scores (from logits)", () => {
    const binary = { values: f32(1, 0, 1), shape: [1], classes: ["no", "yes"] };
    // Scores 0.3, -0.4 and 0.2 are probabilities above, below and above 0.5: all right; read as
    // probabilities themselves, all three would say "no".
    const scores = [[f32(0.3, -0.4, 0.2)]];
    expect(voteMetrics(scores, [binary], ["yes"], "majority", [true])).toEqual({ accuracy: 1 });
    expect(voteMetrics(scores, [binary], ["yes"], "majority")).toEqual({ accuracy: 1 / 3 });
    // A mean vote averages the probabilities: scores 3 and −1 are 0.95 and 0.27, whose mean 0.61 says "yes".
    const one = { values: f32(1), shape: [1], classes: ["no", "yes"] };
    expect(voteMetrics([[f32(3)], [f32(-1)]], [one], ["yes"], "mean", [true])).toEqual({ accuracy: 1 });
    expect(voteMetrics([[f32(3)], [f32(-1)]], [one], ["yes"], "mean")).toEqual({ accuracy: 1 });
  });
});

describe("probabilitiesOfScores", () => {
  it("is the sigmoid of a single unit and the softmax of each row, and keeps the argmax", () => {
    expect(Array.from(probabilitiesOfScores(f32(0, 1.1198808, -0.11988084), 1)).map((p) => Number(p.toFixed(4)))).toEqual([0.5, 0.754, 0.4701]);
    const rows = probabilitiesOfScores(f32(1, 2, 3, 1000, 0, -1000), 3);
    expect(Array.from(rows.subarray(0, 3)).map((p) => Number(p.toFixed(4)))).toEqual([0.09, 0.2447, 0.6652]);
    expect(Array.from(rows.subarray(3))).toEqual([1, 0, 0]);
    fc.assert(
      // Scores a tenth apart at least: nearer ones may round to one probability.
      fc.property(fc.uniqueArray(fc.integer({ min: -500, max: 500 }), { minLength: 4, maxLength: 4 }), (tenths) => {
        const scores = Float32Array.from(tenths, (t) => t / 10);
        const p = probabilitiesOfScores(scores, 4);
        expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
        for (const v of p) expect(v >= 0 && v <= 1).toBe(true);
        expect(classOf(p, 0, 4)).toBe(classOf(scores, 0, 4));
      }),
    );
  });
});
