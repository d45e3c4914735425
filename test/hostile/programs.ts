/**
 * Generators of hostile `.nn` programs for property tests: well-formed programs (mostly) whose
 * layers get extreme arguments — sizes of 0, −1 and 2^64, numbers beyond 1.8e308, arithmetic that
 * gives NaN or infinity, integers past 2^53, symbolic dimensions hundreds of terms long — and whose
 * blocks nest, fan out and call each other in cycles; and chains and nestings of any depth.
 */
import fc from "fast-check";

// ------------------------------------------------------------------------------------------ numbers

/** Integers at and around every limit: 0, negatives, 2^31 − 1, 2^31, 2^53 ± 1, 2^64, malformed. */
const EXTREME_INTS = [
  "0", "-1", "1", "2", "3", "7", "64", "1_000", "65535", "67108864", "134217728", "2147483647", "2147483648", "4294967296",
  "9007199254740991", "9007199254740993", "18446744073709551616", "1" + "0".repeat(400), "1__0", "1_",
];

/** Numbers with a fraction or an exponent, tiny to infinite. */
const EXTREME_FLOATS = ["0.5", "0.0", "0.999999999999", "1e-3", "1e-320", "5e-324", "1e308", "1.7976931348623157e308", "1e309", "1e400", "2.5e10"];

/** Arithmetic that overflows, divides by zero, or gives NaN. */
const HOSTILE_ARITHMETIC = ["1e309 - 1e309", "1e308 * 10", "1e308 + 1e308", "0 / 0", "1 / 0", "-(1e308 * 10)", "1e400 * 0", "9007199254740991 + 2", "2147483647 * 2147483647", "2 - 3"];

const smallInt = fc.integer({ min: -3, max: 300 }).map(String);

/** A number as written: mostly ordinary, often extreme. */
const number: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: smallInt },
  { weight: 3, arbitrary: fc.constantFrom(...EXTREME_INTS) },
  { weight: 2, arbitrary: fc.constantFrom(...EXTREME_FLOATS) },
  { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_ARITHMETIC) },
);

/** Names a model may have in scope: its `int` parameters `p` (with a default) and `q` (symbolic), dimension symbols. */
const SYMBOLS = ["p", "q", "T", "N", "C"];

/** Products, powers and sums of symbols that multiply out to long dimensions, and divisions that nest. */
const longSymbolic: fc.Arbitrary<string> = fc
  .record({ kind: fc.constantFrom("power", "sums", "divisions", "sum"), k: fc.integer({ min: 2, max: 120 }), symbol: fc.constantFrom(...SYMBOLS) })
  .map(({ kind, k, symbol }) => {
    switch (kind) {
      case "power":
        return Array(k).fill(symbol).join(" * ");
      case "sums":
        return Array.from({ length: Math.min(k, 24) }, (_, i) => `(${SYMBOLS[i % SYMBOLS.length]} + ${i + 1})`).join(" * ");
      case "divisions":
        return `${symbol}${" / 3 * 2".repeat(Math.min(k, 40))}`;
      default:
        return Array.from({ length: k }, (_, i) => `${SYMBOLS[i % SYMBOLS.length]} * ${i + 2}`).join(" + ");
    }
  });

/** An integer-ish argument: a number, a symbol, or arithmetic of them, a few levels deep. */
const scalar: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    { weight: 6, arbitrary: number },
    { weight: 2, arbitrary: fc.constantFrom(...SYMBOLS) },
    { weight: 1, arbitrary: longSymbolic },
    { weight: 1, arbitrary: fc.tuple(tie("expr"), fc.constantFrom("+", "-", "*", "/"), tie("expr")).map(([a, op, b]) => `${a} ${op} ${b}`) },
    { weight: 1, arbitrary: tie("expr").map((e) => `(${e})`) },
    { weight: 1, arbitrary: tie("expr").map((e) => `-${e}`) },
  ),
})).expr;

const fraction = fc.oneof(fc.constantFrom("0.5", "0.1", "0", "1", "-0.5", "1.5"), number);
const padding = fc.constantFrom("same", "valid", "sideways");
const activation = fc.constantFrom("relu", "tanh", "sigmoid", "softmax", "linear", "leaky_relu", "rleu");

// ------------------------------------------------------------------------------------------ layers

/** One stage of a pipeline (after `->`), with extreme arguments. */
const stage: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(scalar, activation).map(([u, a]) => `dense(${u}, activation: ${a})`),
  scalar.map((u) => `dense(${u})`),
  fc.tuple(scalar, scalar, scalar, padding, scalar).map(([f, k, s, p, d]) => `conv2d(${f}, kernel: ${k}, stride: ${s}, padding: ${p}, dilation: ${d})`),
  fc.tuple(scalar, scalar, padding).map(([f, k, p]) => `conv1d(${f}, kernel: ${k}, padding: ${p})`),
  fc.tuple(fc.constantFrom("maxpool", "avgpool", "l2pool", "maxpool1d", "avgpool1d"), scalar).map(([l, k]) => `${l}(${k})`),
  fc.tuple(fc.constantFrom("maxpool", "maxpool1d"), scalar, scalar, padding).map(([l, k, s, p]) => `${l}(${k}, stride: ${s}, padding: ${p})`),
  fc.constantFrom("flatten", "global_avgpool", "global_maxpool", "relu", "tanh", "sigmoid", "softmax", "batchnorm", "layernorm", "elu", "softplus"),
  fc.array(scalar, { minLength: 1, maxLength: 4 }).map((dims) => `reshape([${dims.join(", ")}])`),
  fc.array(fc.oneof(scalar, fc.constant("-1")), { minLength: 1, maxLength: 3 }).map((dims) => `reshape([${dims.join(", ")}])`),
  fraction.map((r) => `dropout(${r})`),
  number.map((m) => `batchnorm(momentum: ${m}, epsilon: ${m})`),
  number.map((a) => `leaky_relu(alpha: ${a})`),
  fc.tuple(scalar, scalar).map(([v, d]) => `embedding(${v}, ${d})`),
  fc.tuple(fc.constantFrom("lstm", "gru", "rnn"), scalar, fc.boolean(), fraction).map(([l, u, seq, d]) => `${l}(${u}, return_sequences: ${seq}, dropout: ${d})`),
  fc.tuple(fc.constantFrom("lstm", "gru"), scalar).map(([l, u]) => `bidirectional(${l}(${u}))`),
  scalar.map((u) => `time_distributed(dense(${u}))`),
  scalar.map((n) => `repeat(${n})`),
);

/** An input shape: rank 1 to 4, dimensions extreme or symbolic; sometimes token ids. */
const shape: fc.Arbitrary<string> = fc
  .tuple(fc.boolean(), fc.array(fc.oneof({ weight: 3, arbitrary: number }, { weight: 2, arbitrary: fc.constantFrom("T", "N", "C") }, { weight: 1, arbitrary: scalar }), { minLength: 1, maxLength: 4 }))
  .map(([ids, dims]) => `${ids ? "int32" : ""}[${dims.join(", ")}]`);

// ------------------------------------------------------------------------------------------ programs

/**
 * Blocks `B0 … B(n−1)`: each applies a few stages and calls the next (with an extreme `int`
 * argument), some call it twice (fan-out, once in the chain so expansion stays linear), and the last
 * may call the first (a cycle).
 */
const blocks: fc.Arbitrary<string[]> = fc
  .record({
    n: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: 4 }) }, { weight: 1, arbitrary: fc.integer({ min: 5, max: 120 }) }),
    stages: fc.array(fc.array(stage, { maxLength: 2 }), { minLength: 120, maxLength: 120 }),
    fanOutAt: fc.integer({ min: -1, max: 120 }),
    cycle: fc.boolean(),
    widths: fc.array(scalar, { minLength: 120, maxLength: 120 }),
  })
  .map(({ n, stages, fanOutAt, cycle, widths }) =>
    Array.from({ length: n }, (_, i) => {
      const body = ["x", ...stages[i]].join(" -> ");
      const next = i + 1 < n ? `B${i + 1}` : cycle && n > 0 ? "B0" : undefined;
      const call = next ? (i === fanOutAt ? `${next}(h, width: ${widths[i]}) + ${next}(h)` : `h -> ${next}(width: ${widths[i]})`) : "h";
      return `block B${i}(x, width: int = 3) {\n  let h = ${body}\n  ${call}\n}`;
    }),
  );

/**
 * A model statement, as the value bound to the next `h`: a pipeline of stages from the previous
 * value, a merge, a block call, or arithmetic on a tensor.
 */
const statement: fc.Arbitrary<(previous: string) => string> = fc.oneof(
  { weight: 4, arbitrary: fc.array(stage, { maxLength: 6 }).map((stages) => (h: string) => [h, ...stages].join(" -> ")) },
  { weight: 1, arbitrary: fc.constantFrom((h: string) => `${h} + ${h}`, (h: string) => `concat(${h}, ${h}, axis: 0)`, (h: string) => `multiply(${h}, x)`, (h: string) => `${h} * 2`) },
  { weight: 1, arbitrary: scalar.map((w) => (h: string) => `${h} -> B0(width: ${w})`) },
);

const training: fc.Arbitrary<string> = fc
  .record({ p: scalar, lr: number, epochs: scalar, batch: scalar, validation: fraction })
  .map(({ p, lr, epochs, batch, validation }) => `train M(p: ${p}) {\n  data: mnist\n  loss: cross_entropy\n  optimizer: sgd(lr: ${lr})\n  epochs: ${epochs}\n  batch_size: ${batch}\n  validation: ${validation}\n}`);

/** A whole program: blocks, a model with parameters `p` and `q`, and sometimes a training. */
export const hostileProgram: fc.Arbitrary<string> = fc
  .record({
    blocks,
    p: number,
    shape,
    statements: fc.array(statement, { minLength: 1, maxLength: 5 }),
    last: fc.array(stage, { maxLength: 4 }),
    training: fc.option(training, { nil: undefined }),
  })
  .map(({ blocks, p, shape, statements, last, training }) => {
    // B0 is called only when there are blocks; the symbols T, N and C are bound by a second input.
    const usable = statements.filter((next) => blocks.length > 0 || !next("h").includes("B0"));
    const lets = usable.map((next, i) => `  let h${i + 1} = ${next(`h${i}`)}\n`).join("");
    const output = [`h${usable.length}`, ...last].join(" -> ");
    const model = `model M(p: int = ${p}, q: int) {\n  input x: ${shape}\n  input s: [T, N, C]\n  let h0 = x\n${lets}  output ${output}\n  output t = s -> flatten\n}`;
    return [...blocks, model, ...(training ? [training] : [])].join("\n\n") + "\n";
  });

// ------------------------------------------------------------------------------------------ depth

/** The shapes of input that nest as deep as they are long, or deeper than any person writes. */
export const DEPTH_KINDS = ["pipeline", "negations", "terms", "tensorSum", "parentheses", "calls", "blockChain", "blockCycle", "trainingTerms"] as const;
export type DepthKind = (typeof DEPTH_KINDS)[number];

/** A program of kind `kind` whose depth or length is `n`. */
export function deepProgram(kind: DepthKind, n: number): string {
  const model = (body: string) => `model M {\n  input x: [4]\n  ${body}\n}\n`;
  switch (kind) {
    case "pipeline":
      return model(`x${" -> relu".repeat(n)}`);
    case "negations":
      // ± 1 + 2 is positive whatever the parity of n.
      return model(`x -> dense(${"- ".repeat(n)}1 + 2)`);
    case "terms":
      return model(`x -> dense(${Array(n).fill("1").join(" + ")})`);
    case "tensorSum":
      return model(Array(n).fill("x").join(" + "));
    case "parentheses":
      return model(`x -> dense(${"(".repeat(n)}1${")".repeat(n)})`);
    case "calls":
      return model(`${"relu(".repeat(n)}x${")".repeat(n)}`);
    case "blockChain":
      return `${Array.from({ length: n }, (_, i) => `block B${i}(x) { x -> ${i === n - 1 ? "relu" : `B${i + 1}`} }`).join("\n")}\n${model("x -> B0")}`;
    case "blockCycle":
      return `${Array.from({ length: n }, (_, i) => `block B${i}(x) { x -> B${(i + 1) % n} }`).join("\n")}\n${model("x -> B0")}`;
    case "trainingTerms":
      return `${model("x -> dense(2)")}train M {\n  data: mnist\n  loss: mse\n  optimizer: sgd(lr: ${"- ".repeat(n)}0.5 + 1)\n  epochs: ${Array(n).fill("1").join(" + ")}\n  batch_size: ${"- ".repeat(n)}1 + 2\n}\n`;
  }
}

/** Sizes from 10 to 5,000, mostly small: big ones cost the most time. */
export const depth: fc.Arbitrary<number> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 10, max: 200 }) },
  { weight: 3, arbitrary: fc.integer({ min: 201, max: 1500 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1501, max: 5000 }) },
);
