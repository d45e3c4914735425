/**
 * Comments under `nnc fmt`: each stays with the token it follows on its line (a trailing comment) or
 * precedes on a line of its own (an own-line comment).
 *
 * The property test puts comments of every kind at random token boundaries of random valid programs
 * (the acceptance programs and the hostile generator's well-formed ones) and checks, independently of
 * the formatter's own safety check, that the layout
 * 1. parses again to the same tree;
 * 2. holds every comment exactly once;
 * 3. keeps each comment's anchor. Tokens of the output are matched, in order, with those of the
 *    input (the layout drops only `;`, trailing commas and empty `()`); a comment's anchor is the
 *    matched token before it and whether it starts on the line where that token ends (only spaces
 *    and one-line comments between). The anchor must be the same in the output — so a comment stays
 *    between the same two tokens — and an own-line comment must start its line there;
 * 4. is a fixed point: formatting it again changes nothing.
 */
import type { IToken } from "chevrotain";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { format, layOut } from "../../compiler/format/format.js";
import { sameTree } from "../../compiler/format/same-tree.js";
import { parse } from "../../grammar/parse.js";
import { lex } from "../../grammar/lex.js";
import { hostileProgram } from "../hostile/programs.js";
import { acceptancePrograms } from "../support/samples.js";

/** NNC_FORMAT_RUNS sets the number of programs of the property test (default 300). */
const RUNS = Number(process.env.NNC_FORMAT_RUNS ?? 300);

const fmt = (text: string): string => format(text, "c.nn").text;

describe("nnc fmt keeps comments with what they follow", () => {
  it("keeps a shape comment after its stage when the pipeline is broken into lines", () => {
    const before = "model M {\n  input x: [4]\n  x -> dense(8) -> dense(6) // [6]\n    -> dense(3)\n}\n";
    const after = "model M {\n  input x: [4]\n  x\n    -> dense(8)\n    -> dense(6) // [6]\n    -> dense(3)\n}\n";
    expect(fmt(before)).toBe(after);
    expect(fmt(after)).toBe(after);
  });

  it("keeps an end-of-line comment after the stage with arguments it follows", () => {
    const before = "model M {\n  input x: [4]\n  x -> dense(8, activation: relu)  // eight units\n}\n";
    const after = "model M {\n  input x: [4]\n  x -> dense(8, activation: relu) // eight units\n}\n";
    expect(fmt(before)).toBe(after);
    // The same line followed by another stage: the pipeline is broken, the comment stays on its stage.
    const longer = "model M {\n  input x: [4]\n  x -> dense(8, activation: relu)  // eight units\n    -> dense(3) // out\n}\n";
    expect(fmt(longer)).toBe("model M {\n  input x: [4]\n  x\n    -> dense(8, activation: relu)  // eight units\n    -> dense(3)                    // out\n}\n");
  });

  it("keeps comments inside argument lists, statements and trainings where they were", () => {
    const before = [
      "model M(width: int = 8, // hidden units",
      "        depth: int = 2) {",
      "  input x: [4]",
      "  // the trunk",
      "  let h = x -> dense(width, // units",
      "    // why relu",
      "    activation: relu) /* inline */ -> dense(3)",
      "  h ; // last",
      "}",
      "train M {",
      "  data: mnist // digits",
      "  optimizer: sgd(lr: 0.1, /* small */ momentum: 0.9)",
      "  /// the end",
      "}",
    ].join("\n");
    const after = [
      "model M(width: int = 8, // hidden units",
      "    depth: int = 2) {",
      "  input x: [4]",
      "  // the trunk",
      "  let h = x",
      "    -> dense(width, // units",
      "      // why relu",
      "      activation: relu) /* inline */",
      "    -> dense(3)",
      "  h // last",
      "}",
      "",
      "train M {",
      "  data: mnist // digits",
      "  optimizer: sgd(lr: 0.1, /* small */ momentum: 0.9)",
      "  /// the end",
      "}",
      "",
    ].join("\n");
    expect(fmt(before)).toBe(after);
    expect(fmt(after)).toBe(after);
  });

  it("keeps a comment on its own line before the stage it precedes", () => {
    const before = "model M {\n  input x: [4]\n  x -> dense(8)\n  // the head\n  -> dense(3) /// doc\n  -> softmax\n}\n";
    expect(fmt(before)).toBe("model M {\n  input x: [4]\n  x\n    -> dense(8)\n    // the head\n    -> dense(3) /// doc\n    -> softmax\n}\n");
  });
});

// ------------------------------------------------------------------------------------------ property

/** Comments to insert before a token, `#` standing for a number that makes each comment's text unique. */
const COMMENTS = [
  " // t#\n", // after the token before, at the end of its line
  "\n// o#\n", // on a line of its own
  "\n\n// g#\n", // on a line of its own, after a blank line
  " /* b# */ ", // between two tokens on one line
  "\n/* ob# */\n", // a block comment on a line of its own
  " /* m#\n   spans lines */ ", // a block comment over two lines
  " /// td#\n", // a doc comment at the end of a line
  "\n/// d#\n", // a doc comment on a line of its own
];

const validPrograms = acceptancePrograms()
  .map((p) => p.text)
  .filter((text) => parse(text, "v.nn").diagnostics.length === 0);

const program: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...validPrograms) },
  { weight: 1, arbitrary: hostileProgram.filter((text) => parse(text, "h.nn").diagnostics.length === 0) },
);

/** A valid program with comments put at random token boundaries (before a token, or at the end). */
const commented: fc.Arbitrary<string> = fc
  .record({
    text: program,
    insertions: fc.array(fc.record({ at: fc.nat(), kind: fc.nat(COMMENTS.length - 1) }), { minLength: 1, maxLength: 16 }),
  })
  .map(({ text, insertions }) => {
    const tokens = lex(text).tokens;
    const at = (boundary: number): number => (boundary < tokens.length ? tokens[boundary].startOffset : text.length);
    const sorted = insertions
      .map((ins, id) => ({ offset: at(ins.at % (tokens.length + 1)), snippet: COMMENTS[ins.kind].replace("#", `_${id}`) }))
      .sort((a, b) => a.offset - b.offset);
    let out = "";
    let from = 0;
    for (const { offset, snippet } of sorted) {
      out += text.slice(from, offset) + snippet;
      from = offset;
    }
    return out + text.slice(from);
  })
  .filter((text) => parse(text, "c.nn").diagnostics.length === 0);

interface TestAnchor {
  readonly text: string;
  /** The index in the output of the token before the comment, −1 when there is none. */
  readonly after: number;
  readonly trailing: boolean;
  /** Only whitespace before the comment on its line. */
  readonly startsLine: boolean;
}

/** Each comment with the token before it (as an index given by `indexOf`) and whether it trails it. */
function anchors(text: string, indexOf: (tokenIndex: number) => number): TestAnchor[] {
  const { tokens, comments } = lex(text);
  let t = -1;
  return comments.map((c) => {
    while (t + 1 < tokens.length && tokens[t + 1].startOffset < c.startOffset) t++;
    // The last token before the comment that the output keeps.
    let kept = t;
    while (kept >= 0 && indexOf(kept) < 0) kept--;
    const between = kept >= 0 ? text.slice(tokens[kept].endOffset! + 1, c.startOffset) : "\n";
    const lineStart = text.lastIndexOf("\n", c.startOffset - 1) + 1;
    return {
      text: c.image.trimEnd(),
      after: kept >= 0 ? indexOf(kept) : -1,
      trailing: !between.includes("\n"),
      startsLine: text.slice(lineStart, c.startOffset).trim() === "",
    };
  });
}

/**
 * Matches the output's tokens with the input's, in order: each output token with the next input token
 * of the same text (strings by kind only); the input tokens skipped must be ones the layout drops.
 * Returns, per input token, the index of its output token or −1.
 */
function matchTokens(input: readonly IToken[], output: readonly IToken[]): number[] {
  const map = new Array<number>(input.length).fill(-1);
  let i = 0;
  output.forEach((o, k) => {
    const same = (t: IToken) => (o.image.startsWith('"') ? t.image.startsWith('"') : t.image === o.image);
    while (i < input.length && !same(input[i])) {
      expect([";", ",", "(", ")"], `dropped ${input[i].image} at ${input[i].startOffset}`).toContain(input[i].image);
      i++;
    }
    expect(i, `output token ${o.image} at ${o.startOffset} has no input token`).toBeLessThan(input.length);
    map[i++] = k;
  });
  for (; i < input.length; i++) expect([";", ",", "(", ")"]).toContain(input[i].image);
  return map;
}

function checkLayout(text: string): void {
  const { file } = parse(text, "c.nn");
  const laidOut = layOut(text, file);
  expect(laidOut, "the layout matches every token").toBeDefined();
  const out = laidOut!.text;
  // The formatter's own checks pass: it applies this layout rather than keeping the text as written.
  expect(format(text, "c.nn").text).toBe(out);

  // 1. The same tree.
  const again = parse(out, "c.nn");
  expect(again.diagnostics).toEqual([]);
  expect(sameTree(file, again.file)).toBe(true);

  // 2. Every comment exactly once: the same multiset of texts (each inserted one is unique).
  const texts = (t: string) => lex(t).comments.map((c) => c.image.trimEnd());
  expect(texts(out).sort()).toEqual(texts(text).sort());

  // 3. The same anchors; own-line comments start their line.
  const map = matchTokens(lex(text).tokens, lex(out).tokens);
  const before = anchors(text, (i) => map[i]);
  const after = anchors(out, (i) => i);
  expect(after.map(({ text, after, trailing }) => ({ text, after, trailing }))).toEqual(before.map(({ text, after, trailing }) => ({ text, after, trailing })));
  for (const a of after) if (!a.trailing) expect(a.startsLine, `${a.text} starts its line`).toBe(true);

  // 4. Idempotent.
  expect(fmt(out)).toBe(out);
}

describe("nnc fmt on comments at random token boundaries", () => {
  it("keeps the tree, every comment once and each comment's anchor, idempotently", () => {
    fc.assert(fc.property(commented, checkLayout), { numRuns: RUNS });
  }, 120_000);

  it("does so on the acceptance programs as written", () => {
    for (const text of validPrograms) checkLayout(text);
  });
});
