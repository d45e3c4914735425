/**
 * Slips of Python, Keras and JavaScript habits (`grammar/slips.ts`): each is exactly one diagnostic,
 * at the slip, with its message, help and fix; the rest of the file is checked as if the fix had been
 * applied (a genuine error later in the file is still reported, and nothing else is); and applying
 * the fix gives a program that checks clean. A property test applies slips at random places in
 * random valid programs.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkProgram, type CheckResult } from "../../compiler/check/check.js";
import type { Diagnostic } from "../../compiler/diagnostics/diagnostic.js";
import { LAYER_NAMES } from "../../compiler/layers/registry.js";
import { summarize } from "../../compiler/check/summary.js";
import { foreignName } from "../../grammar/keras-names.js";
import { parse } from "../../grammar/parse.js";
import { lex } from "../../grammar/lex.js";
import { relex } from "../../grammar/relex.js";
import { reparse } from "../../grammar/reparse.js";
import { textChange } from "../../grammar/text-change.js";
import { acceptancePrograms } from "../support/samples.js";

const PATH = "/virtual/slips.nn";
/** A library the programs may `use`. */
const BLOCKS = "/virtual/blocks.nn";

/** Checks `text` as the file at PATH (which may use BLOCKS), without reading data files. */
function check(text: string): CheckResult {
  const files: Record<string, string> = { [PATH]: text, [BLOCKS]: "block Twice(x) { x -> relu -> relu }\n" };
  return checkProgram([PATH], { readFile: (p) => files[p], dataFiles: false });
}

/** `text` with the edits of a diagnostic's first fix applied. */
function applyFix(text: string, d: Diagnostic): string {
  const edits = [...d.fixes[0].edits].sort((a, b) => b.range.start.offset - a.range.start.offset);
  let out = text;
  for (const e of edits) out = out.slice(0, e.range.start.offset) + e.newText + out.slice(e.range.end.offset);
  return out;
}

/** The offsets of `inner` inside the `nth` (from 0) occurrence of `context` in `text`. */
function spanOf(text: string, context: string, inner = context, nth = 0): [number, number] {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(context, at + 1);
    if (at < 0) throw new Error(`\`${context}\` not found`);
  }
  const start = at + context.indexOf(inner);
  return [start, start + inner.length];
}

/** What checks the same: the diagnostics (without ranges' offsets moved by the fix), models and trainings. */
function outcome(result: CheckResult): unknown {
  return {
    diagnostics: result.diagnostics.map((d) => [d.code, d.message]),
    models: result.models.map((m) => {
      const s = summarize(m);
      return { ...s, layers: s.layers.map(({ line: _line, ...rest }) => rest) };
    }),
    trainings: result.trainings.map((t) => t.name),
  };
}

const NET = `model Net {
  input x: [784]
  x -> dense(30, activation: relu) -> dense(10, activation: softmax)
}
`;

const CNN = `model Cnn {
  input image: [28, 28, 1]
  image
    -> conv2d(8, kernel: 3, activation: relu)
    -> maxpool(2)
    -> flatten
    -> dense(10, activation: softmax)
}
`;

const TRAIN = `
train Net {
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
  epochs: 1
}
`;

/** A genuine error after the slip: it must still be reported, and be the only other diagnostic. */
const LATER = `
model Later {
  input z: [4]
  z -> dropout(1.5)
}
`;

/** The help of a keyword written where a name goes. */
const KEYWORD_HELP = "pick another name; the keywords are `use`, `block`, `model`, `train`, `input`, `output`, `let`, `true` and `false`";

interface SlipCase {
  readonly name: string;
  /** The program with the slip (LATER is appended). */
  readonly text: string;
  readonly code: string;
  /** Where the diagnostic is: [context, inner, nth occurrence of context]. */
  readonly at: readonly [string, string?, number?];
  readonly message: string;
  readonly help: string;
  /** The text after the fix, or null for a slip without one (then `withoutSlip` checks clean). */
  readonly fixed: string | null;
  readonly fixTitle?: string;
  readonly withoutSlip?: string;
}

const CASES: SlipCase[] = [
  {
    name: "a missing `->` between two stages on one line",
    text: NET.replace("relu) -> dense(10", "relu) dense(10"),
    code: "E001",
    at: ["dense(10", "dense"],
    message: "expected `->` between stages",
    help: "insert `->`",
    fixTitle: "Insert `->`",
    fixed: NET,
  },
  {
    name: "a missing `->` at the start of a continuation line",
    text: CNN.replace("    -> maxpool(2)", "    maxpool(2)"),
    code: "E001",
    at: ["maxpool"],
    message: "expected `->` between stages",
    help: "insert `->`",
    fixed: CNN,
  },
  {
    name: "a missing `->` before a labelled stage",
    text: NET.replace("relu) -> dense(10", "relu) out: dense(10"),
    code: "E001",
    at: ["out:", "out"],
    message: "expected `->` between stages",
    help: "insert `->`",
    fixed: NET.replace("relu) -> dense(10", "relu) -> out: dense(10"),
  },
  {
    name: "`=` for a named argument",
    text: NET.replace("dense(10, activation: softmax)", "dense(10, activation = softmax)"),
    code: "E001",
    at: ["activation = softmax", "="],
    message: "use `:` for a named argument, not `=`",
    help: "replace `=` with `:`",
    fixTitle: "Replace `=` with `:`",
    fixed: NET,
  },
  {
    name: "`=` without spaces for a named argument",
    text: NET.replace("dense(10, activation: softmax)", "dense(10, activation=softmax)"),
    code: "E001",
    at: ["activation=softmax", "="],
    message: "use `:` for a named argument, not `=`",
    help: "replace `=` with `:`",
    fixed: NET,
  },
  {
    name: "`=` for a named argument of a data source",
    text: NET + TRAIN.replace("flat: true", "flat = true"),
    code: "E001",
    at: ["flat = true", "="],
    message: "use `:` for a named argument, not `=`",
    help: "replace `=` with `:`",
    fixed: NET + TRAIN,
  },
  {
    name: "`=` for a named argument that is a keyword",
    text: NET + TRAIN.replace("mnist(flat: true)", "mnist(flat: true, train = 50000)"),
    code: "E001",
    at: ["train = 50000", "="],
    message: "use `:` for a named argument, not `=`",
    help: "replace `=` with `:`",
    fixed: NET + TRAIN.replace("mnist(flat: true)", "mnist(flat: true, train: 50000)"),
  },
  {
    name: "`=` after a training key",
    text: NET + TRAIN.replace("data: mnist", "data = mnist"),
    code: "E001",
    at: ["data = mnist", "="],
    message: "use `:` after a training key, not `=`",
    help: "replace `=` with `:`",
    fixed: NET + TRAIN,
  },
  {
    name: "`=` after an input's name",
    text: NET.replace("input x: [784]", "input x = [784]"),
    code: "E001",
    at: ["x = [784]", "="],
    message: "use `:` after an input's name, not `=`",
    help: "replace `=` with `:`",
    fixed: NET,
  },
  {
    name: "a missing `,` between arguments",
    text: NET.replace("dense(10, activation: softmax)", "dense(10 activation: softmax)"),
    code: "E001",
    at: ["activation: softmax", "activation"],
    message: "expected `,` between arguments",
    help: "insert `,`",
    fixTitle: "Insert `,`",
    fixed: NET,
  },
  {
    name: "Keras's `Dense`",
    text: NET.replace("dense(10", "Dense(10"),
    code: "E100",
    at: ["Dense"],
    message: "unknown layer `Dense`; nnc's layers are lower case: `dense`",
    help: "write `dense`",
    fixTitle: "Replace with `dense`",
    fixed: NET,
  },
  {
    name: "Keras's `Conv2D`",
    text: CNN.replace("conv2d(", "Conv2D("),
    code: "E100",
    at: ["Conv2D"],
    message: "unknown layer `Conv2D`; nnc's layers are lower case: `conv2d`",
    help: "write `conv2d`",
    fixed: CNN,
  },
  {
    name: "Keras's `MaxPooling2D`",
    text: CNN.replace("maxpool(2)", "MaxPooling2D(2)"),
    code: "E100",
    at: ["MaxPooling2D"],
    message: "unknown layer `MaxPooling2D`; nnc's layers are lower case: `maxpool`",
    help: "write `maxpool`",
    fixed: CNN,
  },
  {
    name: "Keras's `Flatten` without parentheses",
    text: CNN.replace("-> flatten", "-> Flatten"),
    code: "E100",
    at: ["Flatten"],
    message: "unknown layer `Flatten`; nnc's layers are lower case: `flatten`",
    help: "write `flatten`",
    fixed: CNN,
  },
  {
    name: "Keras's `kernel_size`",
    text: CNN.replace("kernel: 3", "kernel_size: 3"),
    code: "E102",
    at: ["kernel_size"],
    message: "`conv2d` has no argument `kernel_size`",
    help: "nnc calls it `kernel`",
    fixTitle: "Replace with `kernel`",
    fixed: CNN,
  },
  {
    name: "Python's `False`",
    text: NET.replace("dense(10, activation: softmax)", "dense(10, activation: softmax, use_bias: False)"),
    code: "E100",
    at: ["False"],
    message: "unknown name `False`; nnc's booleans are lower case: `false`",
    help: "write `false`",
    fixed: NET.replace("dense(10, activation: softmax)", "dense(10, activation: softmax, use_bias: false)"),
  },
  {
    name: "Keras's `input_shape=(784,)` in a layer call",
    text: NET.replace("dense(30, activation: relu)", "dense(30, activation: relu, input_shape=(784,))"),
    code: "E001",
    at: ["input_shape=(784,)"],
    message: "the input shape is declared with `input x: [784]`, not with `input_shape`",
    help: "remove `input_shape`; the model's `input` gives the shape",
    fixTitle: "Remove `input_shape`",
    fixed: NET,
  },
  {
    name: "Keras's `input_shape: [...]` as the first argument",
    text: CNN.replace("conv2d(8, kernel", "conv2d(input_shape: [28, 28, 1], 8, kernel"),
    code: "E001",
    at: ["input_shape: [28, 28, 1]"],
    message: "the input shape is declared with `input image: [28, 28, 1]`, not with `input_shape`",
    help: "remove `input_shape`; the model's `input` gives the shape",
    fixed: CNN,
  },
  {
    name: 'an activation in quotes: `"relu"`',
    text: NET.replace("activation: relu", 'activation: "relu"'),
    code: "E104",
    at: ['"relu"'],
    message: "activation names are written without quotes: `relu`",
    help: "remove the quotes",
    fixTitle: "Replace with `relu`",
    fixed: NET,
  },
  {
    name: "a Keras loss in quotes",
    text: NET + TRAIN.replace("loss: cross_entropy", 'loss: "categorical_crossentropy"'),
    code: "E104",
    at: ['"categorical_crossentropy"'],
    message: "loss names are written without quotes: `cross_entropy`",
    help: "remove the quotes",
    fixed: NET + TRAIN,
  },
  {
    name: "a Keras loss name",
    text: NET + TRAIN.replace("loss: cross_entropy", "loss: categorical_crossentropy"),
    code: "E100",
    at: ["categorical_crossentropy"],
    message: "unknown loss `categorical_crossentropy`; nnc calls it `cross_entropy`",
    help: "write `cross_entropy`",
    fixed: NET + TRAIN,
  },
  {
    name: "tuple parentheses for an input's shape",
    text: CNN.replace("[28, 28, 1]", "(28, 28, 1)"),
    code: "E001",
    at: ["(28, 28, 1)"],
    message: "shapes are written in brackets: `[28, 28, 1]`",
    help: "replace `(` and `)` with `[` and `]`",
    fixTitle: "Use `[28, 28, 1]`",
    fixed: CNN,
  },
  {
    name: "tuple parentheses for a list argument",
    text: NET.replace("x -> dense(30", "x -> reshape((28, 28)) -> flatten -> dense(30"),
    code: "E001",
    at: ["(28, 28)"],
    message: "lists are written in brackets: `[28, 28]`",
    help: "replace `(` and `)` with `[` and `]`",
    fixed: NET.replace("x -> dense(30", "x -> reshape([28, 28]) -> flatten -> dense(30"),
  },
  {
    name: "a binding without `let`",
    text: NET.replace("  x -> dense(30, activation: relu) -> dense", "  h = x -> dense(30, activation: relu)\n  h -> dense"),
    code: "E001",
    at: ["h = x", "h"],
    message: "a binding starts with `let`",
    help: "insert `let`",
    fixTitle: "Insert `let`",
    fixed: NET.replace("  x -> dense(30, activation: relu) -> dense", "  let h = x -> dense(30, activation: relu)\n  h -> dense"),
  },
  {
    name: "JavaScript's `const`",
    text: NET.replace("  x -> dense(30, activation: relu) -> dense", "  const h = x -> dense(30, activation: relu)\n  h -> dense"),
    code: "E001",
    at: ["const"],
    message: "nnc binds names with `let`, not `const`",
    help: "replace `const` with `let`",
    fixed: NET.replace("  x -> dense(30, activation: relu) -> dense", "  let h = x -> dense(30, activation: relu)\n  h -> dense"),
  },
  {
    name: "`return` in a block",
    text: `block Hidden(x) {\n  return x -> dense(30, activation: relu)\n}\n${NET.replace("x -> dense(30, activation: relu)", "x -> Hidden")}`,
    code: "E001",
    at: ["return"],
    message: "nnc has no `return`: the last expression is the result",
    help: "remove `return`",
    fixTitle: "Remove `return`",
    fixed: `block Hidden(x) {\n  x -> dense(30, activation: relu)\n}\n${NET.replace("x -> dense(30, activation: relu)", "x -> Hidden")}`,
  },
  {
    name: "`Sequential([...])` after `->`",
    text: NET.replace("x -> dense(30, activation: relu) -> dense(10, activation: softmax)", "x -> Sequential([dense(30, activation: relu), dense(10, activation: softmax)])"),
    code: "E001",
    at: ["Sequential"],
    message: "nnc has no `Sequential`: chain the layers with `->`",
    help: "write `dense(30, activation: relu) -> dense(10, activation: softmax)`",
    fixTitle: "Chain the layers with `->`",
    fixed: NET,
  },
  {
    name: "`,` between training entries",
    text: NET + TRAIN.replace("loss: cross_entropy", "loss: cross_entropy,"),
    code: "E001",
    at: ["cross_entropy,", ","],
    message: "training entries are not separated by `,`",
    help: "remove the `,`; a new line or `;` separates entries",
    fixed: NET + TRAIN,
  },
  {
    name: "a Python comment",
    text: NET.replace("  input x: [784]", "  # flattened MNIST images\n  input x: [784]"),
    code: "E002",
    at: ["# flattened", "#"],
    message: "comments start with `//`, not `#`",
    help: "replace `#` with `//`",
    fixTitle: "Replace `#` with `//`",
    fixed: NET.replace("  input x: [784]", "  // flattened MNIST images\n  input x: [784]"),
  },
  {
    name: "a single-quoted string",
    text: `use 'blocks.nn'\n${NET}`,
    code: "E002",
    at: ["'blocks.nn'"],
    message: 'strings are written in double quotes: `"blocks.nn"`',
    help: "replace `'` with `\"`",
    fixTitle: "Use double quotes",
    fixed: `use "blocks.nn"\n${NET}`,
  },
  {
    name: "`import` of a file",
    text: `import "blocks.nn"\n${NET}`,
    code: "E001",
    at: ['import "blocks.nn"'],
    message: "nnc has no `import`: another `.nn` file's declarations come with `use`",
    help: 'write `use "file.nn"`',
    fixTitle: "Replace with `use`",
    fixed: `use "blocks.nn"\n${NET}`,
  },
  {
    name: "a Python `import`",
    text: `import tensorflow as tf\n${NET}`,
    code: "E001",
    at: ["import tensorflow as tf"],
    message: "nnc has no `import`: another `.nn` file's declarations come with `use`",
    help: 'write `use "file.nn"`',
    fixed: null,
    withoutSlip: NET,
  },
  {
    name: "a Python `from … import`",
    text: `from tensorflow.keras.layers import Dense, Flatten\n${NET}`,
    code: "E001",
    at: ["from tensorflow.keras.layers import Dense, Flatten"],
    message: "nnc has no `from … import`: another `.nn` file's declarations come with `use`",
    help: 'write `use "file.nn"`',
    fixed: null,
    withoutSlip: NET,
  },
  {
    name: "a Python `def` with its body",
    text: `${NET}\ndef build(width):\n    h = Dense(width, activation='relu')  # hidden\n    return h\n`,
    code: "E001",
    at: ["def build(width):"],
    message: "nnc has no `def`: a reusable group of layers is a `block`",
    help: "write `block Name(x) { x -> … }`",
    fixed: null,
    withoutSlip: NET,
  },
  {
    name: "a Python `class` with its body",
    text: `class Net(nn.Module):\n    def forward(self, x):\n        return self.fc(x)\n\n${NET}`,
    code: "E001",
    at: ["class Net(nn.Module):"],
    message: "nnc has no `class`: a network is a `model`",
    help: "write `model Name { input x: [784]; x -> … }`",
    fixed: null,
    withoutSlip: NET,
  },
  {
    name: "a Keras model assigned at the top level",
    text: `model = Sequential([\n    Dense(30, activation='relu'),\n    Dense(10, activation='softmax'),\n])\n${NET}`,
    code: "E001",
    at: ["model = Sequential(["],
    message: "nnc has no assignments outside a model: a network is declared with `model Name { … }`",
    help: "inside it, `input x: [784]` declares the input and `->` chains the layers",
    fixed: null,
    withoutSlip: NET,
  },
  {
    name: "Keras's `model.fit(...)`",
    text: `${NET}model.fit(x_train, y_train, epochs=5)\n`,
    code: "E001",
    at: ["model.fit(x_train, y_train, epochs=5)"],
    message: "nnc has no `model.fit`: a training is declared with `train Model { … }`",
    help: "write `train Model { data: …; loss: …; optimizer: … }`",
    fixed: null,
    withoutSlip: NET,
  },
  {
    name: "`Sequential([...])` as a model's body: the layers applied to its input",
    text: NET.replace("x -> dense(30, activation: relu) -> dense(10, activation: softmax)", "Sequential([dense(30, activation: relu), dense(10, activation: softmax)])"),
    code: "E001",
    at: ["Sequential"],
    message: "nnc has no `Sequential`: chain the layers with `->`",
    help: "write `x -> dense(30, activation: relu) -> dense(10, activation: softmax)`",
    fixed: NET,
  },
  {
    name: "PyTorch's `Sequential(...)` in a block",
    text: `block Hidden(h) {\n  Sequential(dense(30), relu)\n}\n${NET.replace("dense(30, activation: relu)", "Hidden")}`,
    code: "E001",
    at: ["Sequential"],
    message: "nnc has no `Sequential`: chain the layers with `->`",
    help: "write `h -> dense(30) -> relu`",
    fixed: `block Hidden(h) {\n  h -> dense(30) -> relu\n}\n${NET.replace("dense(30, activation: relu)", "Hidden")}`,
  },
  {
    name: "a number without its leading digit (`.5`)",
    text: NET.replace("relu) -> dense(10", "relu) -> dropout(.5) -> dense(10"),
    code: "E002",
    at: ["dropout(.5)", ".5"],
    message: "a number starts with a digit: `.5` is written `0.5`",
    help: "write `0.5`",
    fixTitle: "Write `0.5`",
    fixed: NET.replace("relu) -> dense(10", "relu) -> dropout(0.5) -> dense(10"),
  },
  {
    name: "`output = …`: `output` taken for a name",
    text: NET.replace("  x -> dense(30", "  output = x -> dense(30"),
    code: "E001",
    at: ["output = x", "output"],
    message: "`output` is a keyword and cannot name a binding: `output EXPR` marks an output",
    help: "remove the `=` to mark the output (`output y = …` names it); to bind a value, write `let` and another name",
    fixTitle: "Remove the `=`",
    fixed: NET.replace("  x -> dense(30", "  output x -> dense(30"),
  },
  {
    name: "a keyword as a binding's name, used after it",
    text: NET.replace("  x -> dense(30, activation: relu) -> dense", "  let train = x -> dense(30, activation: relu)\n  train -> dense"),
    code: "E001",
    at: ["let train", "train"],
    message: "`train` is a keyword and cannot name a binding",
    help: KEYWORD_HELP,
    fixed: null,
    withoutSlip: NET.replace("  x -> dense(30, activation: relu) -> dense", "  let hidden = x -> dense(30, activation: relu)\n  hidden -> dense"),
  },
  {
    name: "a keyword as an input's name",
    text: NET.replace("input x", "input model").replace("  x ->", "  model ->"),
    code: "E001",
    at: ["input model", "model"],
    message: "`model` is a keyword and cannot name an input",
    help: KEYWORD_HELP,
    fixed: null,
    withoutSlip: NET,
  },
  {
    name: "a keyword as an output's name",
    text: NET.replace("  x -> dense(30", "  output output = x -> dense(30"),
    code: "E001",
    at: ["output = x", "output"],
    message: "`output` is a keyword and cannot name an output",
    help: KEYWORD_HELP,
    fixed: null,
    withoutSlip: NET.replace("  x -> dense(30", "  output y = x -> dense(30"),
  },
];

describe("each slip", () => {
  for (const c of CASES) {
    it(`${c.name}: one diagnostic at the slip, the rest checked as if fixed`, () => {
      const text = c.text + LATER;
      const result = check(text);
      const [start, end] = spanOf(text, c.at[0], c.at[1], c.at[2]);
      const later = spanOf(text, "dropout(1.5)", "1.5");
      expect(result.diagnostics.map((d) => [d.code, d.range.start.offset, d.range.end.offset, d.message, d.help])).toEqual([
        [c.code, start, end, c.message, c.help],
        ["E105", later[0], later[1], "1.5 is out of range: expected a value in [0, 1)", undefined],
      ]);
      const slip = result.diagnostics[0];
      if (c.fixed === null) {
        expect(slip.fixes).toEqual([]);
        expect(check(c.withoutSlip!).diagnostics).toEqual([]);
        return;
      }
      expect(slip.fixes).toHaveLength(1);
      if (c.fixTitle) expect(slip.fixes[0].title).toBe(c.fixTitle);
      for (const e of slip.fixes[0].edits) expect(e.file).toBe(PATH);
      const fixed = applyFix(text, slip);
      expect(fixed).toBe(c.fixed + LATER);
      expect(check(c.fixed).diagnostics).toEqual([]);
    });
  }

  it("the parse of a slip is the parse of its fix, apart from the slip's diagnostic", () => {
    const strip = (value: unknown) => JSON.parse(JSON.stringify(value, (k, v) => (k === "range" || k === "doc" ? undefined : v)));
    for (const c of CASES) {
      // Keras names and quoted names are the checker's; an `import` is left out of the tree, not read as `use`.
      if (c.fixed === null || ["E100", "E102", "E104"].includes(c.code) || c.name.includes("import")) continue;
      const slipped = parse(c.text, "p.nn");
      const fixed = parse(c.fixed, "p.nn");
      expect(fixed.diagnostics, c.name).toEqual([]);
      const kept = (decls: readonly unknown[]) => strip(decls);
      // `(28, 28, 1)` is read as the list it stands for, `[784,]` reads as `[784]`: the trees agree.
      expect(kept(slipped.file.decls), c.name).toEqual(kept(fixed.file.decls));
    }
  });

  it("reparsing after an edit gives what a fresh parse gives, slips and all", () => {
    for (const c of CASES) {
      const text = c.text + LATER;
      const before = parse(`// first\n${text}`, "r.nn");
      const again = reparse(before, text, "r.nn");
      const fresh = parse(text, "r.nn");
      expect(again.diagnostics, c.name).toEqual(fresh.diagnostics);
    }
  });
});

describe("editing slips in and out", () => {
  /** What an editor types that makes or undoes a slip. */
  const PIECES = ["#", "# c\n", "'", "'a'", "= ", " =", "(1, 2)", "import x\n", "def f(x):\n    return x\n", "Sequential([relu, dense(2)])", "return ", "h = ", ";", ",", "\n    ", " dense(3) ", "input_shape=(4,)", "\n", "model = Sequential(\n", "x.fit(", "from a import b\n", '"', ".5", "let train = ", " train ", "output = ", "\n  model -> "];
  const samples = acceptancePrograms().map((p) => p.text);

  it("relexing and reparsing give what lexing and parsing afresh give", () => {
    const slipEdit = fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), length: fc.nat({ max: 10 }), piece: fc.constantFrom(...PIECES) });
    fc.assert(
      fc.property(fc.constantFrom(...samples), fc.array(slipEdit, { minLength: 1, maxLength: 5 }), (sample, edits) => {
        let text = sample;
        let lexed = lex(text);
        let parsed = parse(text, "e.nn");
        for (const e of edits) {
          const at = Math.floor(e.at * text.length);
          const next = text.slice(0, at) + e.piece + text.slice(at + e.length);
          lexed = relex(lexed, text, next, textChange(text, next));
          const fresh = lex(next);
          expect(lexed.tokens.map((t) => [t.tokenType.name, t.image, t.startOffset])).toEqual(fresh.tokens.map((t) => [t.tokenType.name, t.image, t.startOffset]));
          parsed = reparse(parsed, next, "e.nn");
          const again = parse(next, "e.nn");
          expect(parsed.diagnostics).toEqual(again.diagnostics);
          expect(JSON.stringify(parsed.file)).toBe(JSON.stringify(again.file));
          text = next;
        }
      }),
      { numRuns: 300 },
    );
  }, 60_000);
});

describe("look-alikes that are not slips", () => {
  it("check clean", () => {
    const programs = [
      // A statement after another on one line (newlines are not significant), and after `;`.
      "model M { input x: [784] x -> dense(10) }",
      "model M {\n  input x: [784]\n  let a = x -> relu; a -> dense(10)\n}",
      // A statement on the next line at the same indentation is a statement, not a stage.
      "block B(x) {\n  let h = x -> dense(4)\n  relu(h + x)\n}\nmodel M {\n  input x: [4]\n  x -> B\n}",
      // Parentheses around one value, and a user's blocks called `Dense` and `Sequential`.
      "model M {\n  input x: [784]\n  x -> dense((10 + 20) * 2)\n}",
      "block Sequential(x, n: int) { x -> dense(n) }\nmodel M {\n  input x: [784]\n  x -> Sequential(10)\n}",
      // Keyword-named arguments, `=` for a parameter's default and an output's name.
      "model M(width: int = 30) {\n  input x: [784]\n  output y = x -> dense(width) -> dense(10)\n}\ntrain M {\n  data: mnist(flat: true, train: 50000)\n  loss: mse\n  optimizer: sgd(lr: 0.1)\n}",
      // Embedding's `input_dim` is Keras's vocabulary, not a shape: nnc calls it `vocab` (E102 below).
    ];
    for (const text of programs) expect(check(text).diagnostics.map((d) => d.message), text).toEqual([]);
    const embedding = check("model M {\n  input t: int32[8]\n  t -> embedding(input_dim: 100, dim: 4) -> flatten\n}");
    expect(embedding.diagnostics.map((d) => [d.code, d.message, d.help])).toEqual([["E102", "`embedding` has no argument `input_dim`", "nnc calls it `vocab`"]]);
  });
});

describe("semicolons", () => {
  it("are allowed at the end of every line: statements, entries, declarations and `use`", () => {
    const text = `${NET.replace("[784]", "[784];").replace("softmax)\n", "softmax);\n").replace("}\n", "};\n")}${TRAIN.replace(/\n  (\w+: .*)/g, "\n  $1;").replace(/}\n$/, "};\n")};\n`;
    expect(text).toContain("};\n\ntrain");
    expect(check(text).diagnostics).toEqual([]);
    expect(check(`;\n${text};;\n`).diagnostics).toEqual([]);
  });

  it("never error, wherever a statement, entry or declaration ends its line (property)", () => {
    const lines = (NET + CNN + TRAIN).split("\n");
    // A line ends a statement unless it opens a body or the pipeline goes on on the next line.
    const ends = (i: number) => lines[i].trim() !== "" && !lines[i].trimEnd().endsWith("{") && !(lines[i + 1] ?? "").trim().startsWith("->");
    fc.assert(
      fc.property(fc.subarray(lines.map((_, i) => i)), (picked) => {
        const text = lines.map((l, i) => (picked.includes(i) && ends(i) ? `${l};` : l)).join("\n");
        expect(check(text).diagnostics.map((d) => d.message)).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });
});

describe("Keras and PyTorch layer names", () => {
  it("map to nnc's layers", () => {
    const expected: Record<string, string> = {
      Dense: "dense",
      Linear: "dense",
      Conv2D: "conv2d",
      Conv1D: "conv1d",
      MaxPooling2D: "maxpool",
      MaxPooling1D: "maxpool1d",
      Dropout: "dropout",
      BatchNormalization: "batchnorm",
      LayerNormalization: "layernorm",
      Flatten: "flatten",
      LSTM: "lstm",
      GRU: "gru",
      SimpleRNN: "rnn",
      Embedding: "embedding",
      GlobalAveragePooling2D: "global_avgpool",
      GlobalMaxPooling2D: "global_maxpool",
      AveragePooling2D: "avgpool",
      Reshape: "reshape",
      Bidirectional: "bidirectional",
      TimeDistributed: "time_distributed",
      Concatenate: "concat",
      LeakyReLU: "leaky_relu",
      ReLU: "relu",
      Softmax: "softmax",
    };
    for (const [keras, nnc] of Object.entries(expected)) {
      expect(LAYER_NAMES, nnc).toContain(nnc);
      expect(foreignName(keras, "layer or block", LAYER_NAMES), keras).toEqual({ message: `unknown layer \`${keras}\`; nnc's layers are lower case: \`${nnc}\``, replacement: nnc });
    }
    // A block may be called `Dense`: only unknown names are reported, and a user's block is no layer.
    expect(check(`block Dense(x, n: int) { x -> dense(n) }\n${NET.replace("dense(10, activation: softmax)", "Dense(10) -> softmax")}`).diagnostics).toEqual([]);
  });

  it("are checked as the layers they name: their arguments and what follows them", () => {
    const result = check(NET.replace("dense(10, activation: softmax)", "Dense(10, activation: sofmax) -> conv2d(4, kernel: 3)"));
    expect(result.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ["E100", "unknown layer `Dense`; nnc's layers are lower case: `dense`"],
      ["E100", "unknown activation `sofmax`"],
      ["E200", expect.stringContaining("conv2d")],
    ]);
    expect(result.models[0].layers.map((l) => l.def.name)).toEqual(["dense", "dense"]);
    const wrapped = check("model M {\n  input s: [8, 4]\n  s -> Bidirectional(LSTM(16)) -> dense(2)\n}");
    expect(wrapped.diagnostics.map((d) => d.message)).toEqual([
      "unknown layer `Bidirectional`; nnc's layers are lower case: `bidirectional`",
      "unknown layer `LSTM`; nnc's layers are lower case: `lstm`",
    ]);
  });

  it("are not suggested for names nnc does not have", () => {
    expect(foreignName("Attention", "layer or block", LAYER_NAMES)).toBeUndefined();
    expect(foreignName("Dense", "activation", ["relu"])).toBeUndefined();
  });
});

// ------------------------------------------------------------------------------ property

/** One layer of a pipeline on a rank-1 tensor (as stages: an activation layer follows a dense layer without one). */
const stage = fc.oneof(
  fc.tuple(fc.integer({ min: 2, max: 64 }), fc.constantFrom("relu", "elu", "linear")).map(([u, a]) => `dense(${u}, activation: ${a})`),
  fc.tuple(fc.integer({ min: 2, max: 64 }), fc.constantFrom("relu", "leaky_relu(alpha: 0.2)", "elu")).map(([u, a]) => `dense(${u}) -> ${a}`),
  fc.constantFrom("dropout(0.5)", "batchnorm", "layernorm(epsilon: 0.001)"),
);

/** A model of dense stages, laid out on one line or one stage per line; sometimes through a `let`. */
const model = fc
  .record({
    name: fc.constantFrom("Mlp", "Net", "Deep"),
    width: fc.integer({ min: 2, max: 900 }),
    hidden: fc.array(stage, { minLength: 1, maxLength: 4 }),
    more: fc.array(stage, { minLength: 0, maxLength: 3 }),
    multiline: fc.boolean(),
    binding: fc.boolean(),
  })
  .map(({ name, width, hidden, more, multiline, binding }) => {
    const chain = (from: string, layers: string[]) => {
      const stages = layers.flatMap((l) => l.split(" -> "));
      return multiline ? [from, ...stages.map((s) => `    -> ${s}`)].join("\n") : [from, ...stages].join(" -> ");
    };
    const last = [...more, "dense(10, activation: softmax)"];
    const body = binding ? `  let h = ${chain("x", hidden)}\n  ${chain("h", last)}` : `  ${chain("x", [...hidden, ...last])}`;
    return { name, text: (w: number) => `model ${name} {\n  input x: [${w}]\n${body}\n}\n`, width };
  });

/** A model and sometimes its training on flattened MNIST (then the input is 784 wide). */
const program = fc
  .record({ model, train: fc.boolean(), epochs: fc.integer({ min: 1, max: 20 }), lr: fc.constantFrom("0.1", "0.01", "1e-3") })
  .map(({ model, train, epochs, lr }) => {
    const training = train ? `\ntrain ${model.name} {\n  data: mnist(flat: true)\n  loss: cross_entropy\n  optimizer: sgd(lr: ${lr})\n  epochs: ${epochs}\n}\n` : "";
    return model.text(train ? 784 : model.width) + training;
  });

/** A slip applied at the `k`-th of its places: the new text and where its diagnostic starts. */
type Slipper = (text: string, k: number) => { text: string; at: number } | undefined;

/** The offsets of every match of `pattern` (global) in `text`. */
function matches(text: string, pattern: RegExp): RegExpExecArray[] {
  return [...text.matchAll(pattern)];
}

/** Picks the `k`-th (mod count) match, or undefined when there is none. */
function pick<T>(list: T[], k: number): T | undefined {
  return list.length ? list[k % list.length] : undefined;
}

const SLIPS: Record<string, Slipper> = {
  // `a -> b` on one line becomes `a b`; `\n    -> b` becomes `\n    b`.
  missingArrow: (text, k) => {
    const m = pick(matches(text, /( -> |(?<=\n {4})-> )/g), k);
    if (!m) return undefined;
    const replaced = m[0] === " -> " ? " " : "";
    return { text: text.slice(0, m.index) + replaced + text.slice(m.index + m[0].length), at: m.index + replaced.length };
  },
  equalsForArgument: (text, k) => {
    const m = pick(matches(text, /(?<=\(.*)(\w+): (?=[^\n]*\))/g), k);
    if (!m) return undefined;
    const colon = m.index + m[1].length;
    return { text: `${text.slice(0, colon)} =${text.slice(colon + 1)}`, at: colon + 1 };
  },
  equalsForKey: (text, k) => {
    const m = pick(matches(text, /(?<=\n {2})(data|loss|optimizer|epochs):/g), k);
    if (!m) return undefined;
    const colon = m.index + m[1].length;
    return { text: `${text.slice(0, colon)} =${text.slice(colon + 1)}`, at: colon + 1 };
  },
  missingComma: (text, k) => {
    const m = pick(matches(text, /, (?=\w+: )/g), k);
    if (!m) return undefined;
    return { text: text.slice(0, m.index) + " " + text.slice(m.index + 2), at: m.index + 1 };
  },
  kerasLayer: (text, k) => {
    const names: Record<string, string> = { dense: "Dense", dropout: "Dropout", batchnorm: "BatchNormalization", layernorm: "LayerNormalization", relu: "ReLU" };
    const m = pick(matches(text, /(?<=-> |\n {4}-> )(dense|dropout|batchnorm|layernorm|relu)\b/g), k);
    if (!m) return undefined;
    return { text: text.slice(0, m.index) + names[m[1]] + text.slice(m.index + m[1].length), at: m.index };
  },
  quotedActivation: (text, k) => {
    const m = pick(matches(text, /(?<=activation: )(\w+)/g), k);
    if (!m) return undefined;
    return { text: `${text.slice(0, m.index)}"${m[1]}"${text.slice(m.index + m[1].length)}`, at: m.index };
  },
  tupleShape: (text) => {
    const m = /input x: \[(\d+)\]/.exec(text);
    if (!m) return undefined;
    const at = m.index + "input x: ".length;
    return { text: `${text.slice(0, at)}(${m[1]},)${text.slice(at + m[1].length + 2)}`, at };
  },
  inputShape: (text, k) => {
    const width = /input x: \[(\d+)\]/.exec(text)?.[1];
    const m = pick(matches(text, /dense\(\d+/g), k);
    if (!m || !width) return undefined;
    const at = m.index + m[0].length;
    return { text: `${text.slice(0, at)}, input_shape=(${width},)${text.slice(at)}`, at: at + 2 };
  },
  leadingDot: (text, k) => {
    const m = pick(matches(text, /(?<=[(: ])0(?=\.\d)/g), k);
    if (!m) return undefined;
    return { text: text.slice(0, m.index) + text.slice(m.index + 1), at: m.index };
  },
  outputEquals: (text) => {
    // The model's last statement, which is its output.
    const m = matches(text, /\n {2}(?=[xh]\b)/g).at(-1);
    if (!m) return undefined;
    const at = m.index + 3;
    return { text: `${text.slice(0, at)}output = ${text.slice(at)}`, at };
  },
  missingLet: (text) => {
    const at = text.indexOf("let h = ");
    return at < 0 ? undefined : { text: text.slice(0, at) + text.slice(at + 4), at };
  },
  hashComment: (text, k) => {
    const m = pick(matches(text, /\n(?=\s*(input|let|x|h|data|loss|epochs)\b)/g), k);
    if (!m) return undefined;
    return { text: `${text.slice(0, m.index)}  # a note${text.slice(m.index)}`, at: m.index + 2 };
  },
  sequential: (text) => {
    const m = / -> ((?:\w+(?:\([^()\n]*\))? -> )+\w+(?:\([^()\n]*\))?)\n/.exec(text);
    if (!m) return undefined;
    const stages = m[1].split(" -> ");
    return { text: `${text.slice(0, m.index)} -> Sequential([${stages.join(", ")}])\n${text.slice(m.index + m[0].length)}`, at: m.index + 4 };
  },
};

describe("slips at random places in random valid programs", () => {
  it("give exactly one diagnostic, at the slip, whose fix gives back a program that checks like the original", () => {
    fc.assert(
      fc.property(program, fc.constantFrom(...Object.keys(SLIPS)), fc.nat(), (original, kind, k) => {
        const before = check(original);
        fc.pre(before.diagnostics.length === 0);
        const slipped = SLIPS[kind](original, k);
        if (!slipped) return;
        const result = check(slipped.text);
        expect(
          result.diagnostics.map((d) => [d.range.start.offset, d.message]),
          `${kind}:\n${slipped.text}`,
        ).toEqual([[slipped.at, result.diagnostics[0]?.message]]);
        const slip = result.diagnostics[0];
        expect(slip.fixes, kind).toHaveLength(1);
        const fixed = applyFix(slipped.text, slip);
        expect(outcome(check(fixed)), `${kind}:\n${fixed}`).toEqual(outcome(before));
      }),
      { numRuns: 250 },
    );
  });

  it("give one diagnostic for a Python statement between declarations, and the file checks as without it", () => {
    const PYTHON = ["import numpy as np", "from keras import layers", "def f(x):\n    return x", "class M(Model):\n    pass", "model = Sequential([Dense(10)])", "model.compile(optimizer='adam')"];
    fc.assert(
      fc.property(program, fc.constantFrom(...PYTHON), fc.nat(), (original, python, k) => {
        const starts = [0, ...matches(original, /\n(?=model|train)/g).map((m) => m.index + 1)];
        const at = starts[k % starts.length];
        const text = `${original.slice(0, at)}${python}\n${original.slice(at)}`;
        const result = check(text);
        expect(result.diagnostics.map((d) => [d.code, d.range.start.offset]), text).toEqual([["E001", at]]);
        expect(outcome({ ...result, diagnostics: [] })).toEqual(outcome(check(original)));
      }),
      { numRuns: 100 },
    );
  });
});

describe("keywords where a name goes", () => {
  /** The keywords a binding or an input may be misnamed with and then used by (`true` and `false` are values). */
  const WORDS = ["use", "block", "model", "train", "input", "output", "let"];

  it("give one diagnostic for each of the reported programs, and nothing else", () => {
    const programs: [string, string][] = [
      ["model M {\n  input x: [4]\n  let train = x -> dense(2)\n  train\n}\n", "`train` is a keyword and cannot name a binding"],
      ["model M {\n  input x: [4]\n  output = x -> dense(3)\n}\n", "`output` is a keyword and cannot name a binding: `output EXPR` marks an output"],
      ["model M {\n  input x: [4]\n  output output = x -> dense(3)\n}\n", "`output` is a keyword and cannot name an output"],
    ];
    for (const [text, message] of programs) expect(check(text).diagnostics.map((d) => [d.code, d.message]), text).toEqual([["E001", message]]);
  });

  it("give one diagnostic, at the name, and the file checks as with another name (property)", () => {
    /** The outcome with the input named back: the keyword version names its input with the keyword. */
    const renamed = (result: CheckResult, from: string, to: string) => {
      const o = outcome({ ...result, diagnostics: [] }) as { models: { inputs: { name: string }[] }[] };
      return { ...o, models: o.models.map((m) => ({ ...m, inputs: m.inputs.map((i) => ({ ...i, name: i.name === from ? to : i.name })) })) };
    };
    fc.assert(
      fc.property(program, fc.constantFrom(...WORDS), fc.constantFrom("h", "x"), (original, word, name) => {
        if (name === "h" && !original.includes("let h =")) return;
        const before = check(original);
        fc.pre(before.diagnostics.length === 0);
        const text = original.replace(new RegExp(`\\b${name}\\b`, "g"), word);
        const at = name === "h" ? text.indexOf(`let ${word} =`) + 4 : text.indexOf(`input ${word}:`) + 6;
        const result = check(text);
        expect(
          result.diagnostics.map((d) => [d.code, d.range.start.offset, d.message]),
          text,
        ).toEqual([["E001", at, `\`${word}\` is a keyword and cannot name ${name === "h" ? "a binding" : "an input"}`]]);
        expect(renamed(result, word, name)).toEqual(outcome(before));
      }),
      { numRuns: 120 },
    );
  });
});
