/**
 * Symbolic dimensions in a canonical normal form.
 *
 * A dimension is an integer constant plus a sum of terms, each an integer coefficient times a
 * monomial: a product of one or more atoms, an atom being a symbol (`T`) or a rounded-down division
 * `floor(D / k)` of a dimension by a positive integer. Keeping every dimension in this one form makes
 * structural equality mean semantic equality for the forms shape rules produce, so `T - 2` computed
 * by two different layers compares equal and prints the same.
 *
 * Normal-form choices, and why:
 * - `ceil(D / k)` is stored as `floor((D + k - 1) / k)`: one kind of rounding means `ceil(T / 2)` built
 *   either way is one value. The printer turns it back into `ceil` when that reads better.
 * - A product of two sums is multiplied out, so `(T - 2) * H` and `T * H - 2 * H` are one value.
 * - Inside a `floor`, every coefficient and the constant lie in `[0, k)`: whole multiples of `k` move
 *   outside (`floor((T - 2) / 2)` is stored as `floor(T / 2) - 1`), a common factor of the
 *   coefficients and `k` is cancelled (`floor(2·T / 4)` is `floor(T / 2)`), and a nested division is
 *   merged (`floor(floor(T / 2) / 2)` is `floor(T / 4)`). The printer folds an outer constant back in
 *   (`floor((T - 2) / 2)`), as the language reference writes it.
 *
 * Known limit: sums of several different divisions of one expression are not simplified against each
 * other (`floor(T / 2) + ceil(T / 2)` does not become `T`, and `-floor(-T / 2)` stays `T - floor(T / 2)`
 * rather than `ceil(T / 2)`); shape rules never build such sums or negated divisions.
 *
 * Exactness and size: every coefficient and constant is a safe integer (|n| ≤ 2^53 − 1), and a
 * dimension stays small (at most `MAX_TERMS` terms, `MAX_FACTORS` factors per term, divisions nested
 * `MAX_NESTED_DIVISIONS` deep, a key of `MAX_KEY_LENGTH` characters), so that every operation costs
 * time bounded by its operands' size: multiplying sums out could otherwise grow exponentially with
 * the input (`(a + b) * (c + d) * …`). An operation that would leave these bounds throws
 * `DimOverflow`; `exactly` turns that into an outcome the caller reports as a diagnostic. Input
 * that breaks a precondition (a fraction, a divisor ≤ 0, a symbol that is not a name) is a bug in
 * the caller and throws a `RangeError`.
 */

/** The most terms a dimension keeps (`T * H + 2 * T + 1` has two terms and a constant). */
export const MAX_TERMS = 64;
/** The most atoms one term multiplies (`H * W * C` has three). */
export const MAX_FACTORS = 32;
/** How deep divisions may nest (`floor((floor(T / 3) * 2) / 3)` nests two). */
export const MAX_NESTED_DIVISIONS = 16;
/** The longest canonical key a dimension may have: a bound on its whole size, nested parts included. */
export const MAX_KEY_LENGTH = 4096;

const SAFE_LIMIT_TEXT = "2^53 − 1 (9,007,199,254,740,991)";

/**
 * Thrown by the arithmetic of this module when a result would not be exact (a number beyond
 * 2^53 − 1) or would grow past the size bounds above. Its message completes "… cannot be computed
 * exactly: " and is meant for a diagnostic; `exactly` catches it.
 */
export class DimOverflow extends Error {
  override readonly name = "DimOverflow";
}

/** The outcome of a computation on dimensions that may overflow. */
export type Exact<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

/**
 * Runs `compute`, which may use any arithmetic of this module, and gives its value, or the reason it
 * overflowed. Other exceptions (bugs) pass through.
 */
export function exactly<T>(compute: () => T): Exact<T> {
  try {
    return { ok: true, value: compute() };
  } catch (error) {
    if (error instanceof DimOverflow) return { ok: false, reason: error.message };
    throw error;
  }
}

/** A named dimension symbol, such as `T` in `input x: [T, 8]`. */
export interface SymbolAtom {
  readonly kind: "symbol";
  readonly name: string;
  /** The canonical key; symbols sort before divisions. */
  readonly key: string;
}

/**
 * `floor(arg / divisor)`, with `divisor ≥ 2` and `arg` normalized: its coefficients and constant lie in
 * `[0, divisor)` and have no common factor with the divisor.
 */
export interface FloorAtom {
  readonly kind: "floor";
  readonly arg: Dim;
  readonly divisor: number;
  /** How many divisions nest here, this one included (1 for `floor(T / 2)`). */
  readonly depth: number;
  readonly key: string;
}

/** An indivisible factor of a monomial. */
export type DimAtom = SymbolAtom | FloorAtom;

/** A coefficient times a product of atoms (`2 * T`, `H * W`, `floor(T / 2)`). */
export interface DimTerm {
  readonly coef: number;
  /** The atoms of the product, sorted by key; never empty. Repeated atoms are powers (`T * T`). */
  readonly factors: readonly DimAtom[];
  /** The canonical key of the monomial (the factors, not the coefficient). */
  readonly key: string;
}

/**
 * An immutable dimension: `constant + Σ coef · monomial`, terms sorted with nonzero coefficients and
 * distinct monomials. Two dimensions are the same value exactly when their keys are equal (within the
 * forms described in the module comment).
 */
export interface Dim {
  readonly constant: number;
  readonly terms: readonly DimTerm[];
  readonly key: string;
}

// ---------------------------------------------------------------------------------------------------
// Construction

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `n` when it is a safe integer. An integer too large to be exact (or an infinite result) is an
 * overflow; a fraction or NaN is a bug in the caller.
 */
function checkInteger(n: number, what: string): number {
  if (!Number.isSafeInteger(n)) {
    if (Number.isNaN(n) || (Number.isFinite(n) && !Number.isInteger(n))) throw new RangeError(`${what} must be an integer, got ${n}`);
    throw new DimOverflow(`${what} would exceed ${SAFE_LIMIT_TEXT}`);
  }
  return n === 0 ? 0 : n; // no -0: constValue must give 0, which Object.is-based checks tell apart
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Orders terms as polynomials are written: more factors first, then by key (`9 * C * C + C`). */
function compareTerms(a: DimTerm, b: DimTerm): number {
  return b.factors.length - a.factors.length || compareKeys(a.key, b.key);
}

function makeTerm(coef: number, factors: readonly DimAtom[]): DimTerm {
  if (factors.length > MAX_FACTORS) throw new DimOverflow(`a product would have more than ${MAX_FACTORS} factors`);
  const sorted = [...factors].sort((x, y) => compareKeys(x.key, y.key));
  return Object.freeze({ coef, factors: Object.freeze(sorted), key: sorted.map((f) => f.key).join("*") });
}

/**
 * Builds a dimension from a constant and unsorted terms, combining terms with the same monomial and
 * dropping zero coefficients. Every constructor ends here, so this is where the normal form is kept.
 */
function build(constant: number, terms: Iterable<DimTerm>): Dim {
  const byKey = new Map<string, DimTerm>();
  for (const t of terms) {
    const seen = byKey.get(t.key);
    byKey.set(t.key, seen ? { ...seen, coef: checkInteger(seen.coef + t.coef, "a coefficient") } : t);
  }
  const kept = [...byKey.values()]
    .filter((t) => t.coef !== 0)
    .map((t) => Object.freeze({ ...t }))
    .sort(compareTerms);
  if (kept.length > MAX_TERMS) throw new DimOverflow(`it would have more than ${MAX_TERMS} terms`);
  const c = checkInteger(constant, "a number in it");
  const key = `${kept.map((t) => `${t.coef}:${t.key}`).join(",")}|${c}`;
  if (key.length > MAX_KEY_LENGTH) throw new DimOverflow("it would grow too large to track symbolically");
  return Object.freeze({ constant: c, terms: Object.freeze(kept), key });
}

/** A constant dimension; `n` must be an integer (beyond 2^53 − 1 it overflows). */
export function dimConst(n: number): Dim {
  return build(checkInteger(n, "a constant dimension"), []);
}

/** A dimension symbol; `name` must be an identifier, as in the language, so that printing round-trips. */
export function dimSymbol(name: string): Dim {
  if (!IDENTIFIER.test(name)) throw new RangeError(`not a dimension symbol: ${JSON.stringify(name)}`);
  const atom: SymbolAtom = Object.freeze({ kind: "symbol", name, key: `s${name}` });
  return build(0, [makeTerm(1, [atom])]);
}

/** The sum `a + b`. */
export function add(a: Dim, b: Dim): Dim {
  return build(a.constant + b.constant, [...a.terms, ...b.terms]);
}

/** The negation `-a`. */
export function neg(a: Dim): Dim {
  return scale(a, -1);
}

/** The difference `a - b`. */
export function sub(a: Dim, b: Dim): Dim {
  return add(a, neg(b));
}

function scale(a: Dim, k: number): Dim {
  return build(
    checkInteger(a.constant * k, "a number in it"),
    a.terms.map((t) => ({ ...t, coef: checkInteger(t.coef * k, "a coefficient") })),
  );
}

/**
 * The product `a * b`. A constant factor scales the other side; two symbolic sides are multiplied out
 * into monomials (`(T - 2) * H` is `H * T - 2 * H`), which keeps products canonical too.
 */
export function mul(a: Dim, b: Dim): Dim {
  if (a.terms.length === 0) return scale(b, a.constant);
  if (b.terms.length === 0) return scale(a, b.constant);
  // Bounded by MAX_TERMS² products, so multiplying out never costs more than that.
  const terms: DimTerm[] = [];
  for (const s of a.terms) terms.push({ ...s, coef: checkInteger(s.coef * b.constant, "a coefficient") });
  for (const t of b.terms) terms.push({ ...t, coef: checkInteger(t.coef * a.constant, "a coefficient") });
  for (const s of a.terms) {
    for (const t of b.terms) terms.push(makeTerm(checkInteger(s.coef * t.coef, "a coefficient"), [...s.factors, ...t.factors]));
  }
  return build(checkInteger(a.constant * b.constant, "a number in it"), terms);
}

/** A divisor ≤ 0 or a fraction is a bug in the caller; one beyond 2^53 − 1 (pooling twice by 2^27) overflows. */
function checkDivisor(k: number): void {
  if (k > 0 && Number.isInteger(k) && !Number.isSafeInteger(k)) throw new DimOverflow(`a divisor would exceed ${SAFE_LIMIT_TEXT}`);
  if (!Number.isSafeInteger(k) || k <= 0) throw new RangeError(`a dimension divisor must be a positive integer, got ${k}`);
}

function gcd(a: number, b: number): number {
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

/**
 * `floor(a / k)` for a positive integer `k`: exact when `a` is constant or divisible by `k`
 * (`floorDiv(2·T, 2)` is `T`), otherwise a normalized `floor` atom plus the parts that divide exactly.
 * A non-positive or fractional `k` is a bug in the caller (shape rules check their arguments first)
 * and throws.
 */
export function floorDiv(a: Dim, k: number): Dim {
  checkDivisor(k);
  if (k === 1) return a;
  // floor((k·q + r) / k) = q + floor(r / k) for integer-valued q: move whole multiples of k outside.
  const outer: DimTerm[] = [];
  let inner: DimTerm[] = [];
  for (const t of a.terms) {
    const q = Math.floor(t.coef / k);
    const r = t.coef - q * k;
    if (q !== 0) outer.push({ ...t, coef: q });
    if (r !== 0) inner.push({ ...t, coef: r });
  }
  const q0 = Math.floor(a.constant / k);
  let r0 = a.constant - q0 * k;
  const whole = build(q0, outer);
  if (inner.length === 0) return whole; // floor(r0 / k) = 0 since 0 ≤ r0 < k
  // floor((g·Y + r0) / (g·k')) = floor((Y + floor(r0 / g)) / k') when g divides every coefficient and k.
  let divisor = k;
  const g = inner.reduce((acc, t) => gcd(acc, t.coef), k);
  if (g > 1) {
    inner = inner.map((t) => ({ ...t, coef: t.coef / g }));
    r0 = Math.floor(r0 / g);
    divisor = k / g;
  }
  // floor((L + floor(Z / m)) / k) = floor((m·L + Z) / (m·k)) for integer-valued L: merge a nested
  // division when it is the only one and appears once, which keeps pool-after-pool canonical.
  const nested = inner.filter((t) => t.factors.length === 1 && t.factors[0].kind === "floor");
  if (nested.length === 1 && nested[0].coef === 1) {
    const atom = nested[0].factors[0] as FloorAtom;
    const rest = build(r0, inner.filter((t) => t !== nested[0]));
    return add(whole, floorDiv(add(scale(rest, atom.divisor), atom.arg), atom.divisor * divisor));
  }
  const arg = build(r0, inner);
  const depth = 1 + Math.max(0, ...arg.terms.flatMap((t) => t.factors.map((f) => (f.kind === "floor" ? f.depth : 0))));
  if (depth > MAX_NESTED_DIVISIONS) throw new DimOverflow(`it would nest more than ${MAX_NESTED_DIVISIONS} divisions`);
  const atom: FloorAtom = Object.freeze({ kind: "floor", arg, divisor, depth, key: `~f(${arg.key}/${divisor})` });
  return add(whole, build(0, [makeTerm(1, [atom])]));
}

/**
 * `ceil(a / k)` for a positive integer `k` (the output length of 'same' padding), stored as
 * `floor((a + k - 1) / k)`, which is the same integer.
 */
export function ceilDiv(a: Dim, k: number): Dim {
  checkDivisor(k);
  return floorDiv(add(a, dimConst(k - 1)), k);
}

/**
 * The least value a dimension takes when every symbol is a size of at least 1 (the constant itself
 * for a constant dimension; may be -Infinity). Used to tell that a size is too large whatever the
 * symbols turn out to be.
 */
export function lowerBound(d: Dim): number {
  return boundsOf(d).lo;
}

// ---------------------------------------------------------------------------------------------------
// Queries

/** Whether the dimension is a known integer. */
export function isConst(d: Dim): boolean {
  return d.terms.length === 0;
}

/** The dimension's integer value when it is constant, otherwise undefined. */
export function constValue(d: Dim): number | undefined {
  return d.terms.length === 0 ? d.constant : undefined;
}

/** Whether two dimensions are the same value; structural, thanks to the normal form. */
export function dimEquals(a: Dim, b: Dim): boolean {
  return a.key === b.key;
}

function collectSymbols(d: Dim, into: Set<string>): void {
  for (const t of d.terms) {
    for (const f of t.factors) {
      if (f.kind === "symbol") into.add(f.name);
      else collectSymbols(f.arg, into);
    }
  }
}

/** The symbols a dimension mentions, sorted and without repeats. */
export function symbolsOf(d: Dim): readonly string[] {
  const names = new Set<string>();
  collectSymbols(d, names);
  return [...names].sort(compareKeys);
}

function substituteAtom(atom: DimAtom, bindings: ReadonlyMap<string, Dim>): Dim {
  if (atom.kind === "symbol") return bindings.get(atom.name) ?? dimSymbol(atom.name);
  return floorDiv(substitute(atom.arg, bindings), atom.divisor);
}

/**
 * Replaces symbols by dimensions and re-normalizes (`T - 2` with `T = 50` is `48`). Symbols without a
 * binding stay as they are, so a block's generic symbols can be bound one call at a time.
 */
export function substitute(d: Dim, bindings: ReadonlyMap<string, Dim>): Dim {
  let result = dimConst(d.constant);
  for (const t of d.terms) {
    let product = dimConst(t.coef);
    for (const f of t.factors) product = mul(product, substituteAtom(f, bindings));
    result = add(result, product);
  }
  return result;
}

/**
 * The integer value of a dimension given every symbol's value. A symbol without a value is a bug in
 * the caller and throws; use `substitute` to bind only some symbols.
 */
export function evaluateDim(d: Dim, values: ReadonlyMap<string, number>): number {
  const atomValue = (atom: DimAtom): number => {
    if (atom.kind === "floor") return Math.floor(evaluateDim(atom.arg, values) / atom.divisor);
    const v = values.get(atom.name);
    if (v === undefined) throw new RangeError(`no value for dimension symbol ${atom.name}`);
    return v;
  };
  const value = d.terms.reduce((sum, t) => sum + t.factors.reduce((p, f) => p * atomValue(f), t.coef), d.constant);
  return value === 0 ? 0 : value; // no -0 from a negative coefficient times zero
}

/** A closed interval; `lo` may be -Infinity and `hi` Infinity. */
interface Bounds {
  readonly lo: number;
  readonly hi: number;
}

/** `x · y` where a zero factor wins over an infinite one: the real value is always a finite integer. */
function times(x: number, y: number): number {
  return x === 0 || y === 0 ? 0 : x * y;
}

function boundsOfProduct(a: Bounds, b: Bounds): Bounds {
  const corners = [times(a.lo, b.lo), times(a.lo, b.hi), times(a.hi, b.lo), times(a.hi, b.hi)];
  return { lo: Math.min(...corners), hi: Math.max(...corners) };
}

/** Bounds of a dimension when every symbol is a size of at least 1. */
function boundsOf(d: Dim): Bounds {
  let lo = d.constant;
  let hi = d.constant;
  for (const t of d.terms) {
    let b: Bounds = { lo: t.coef, hi: t.coef };
    for (const f of t.factors) {
      const fb: Bounds =
        f.kind === "symbol"
          ? { lo: 1, hi: Infinity }
          : ((inner) => ({ lo: Math.floor(inner.lo / f.divisor), hi: Math.floor(inner.hi / f.divisor) }))(boundsOf(f.arg));
      b = boundsOfProduct(b, fb);
    }
    lo += b.lo;
    hi += b.hi;
  }
  return { lo, hi };
}

/**
 * Whether a dimension is positive: exact for a constant; for a symbolic dimension true or false only
 * when that holds for every size ≥ 1 of its symbols (`T + 1` is true, `T - 2` is "unknown"), since the
 * size is not known until the program runs.
 */
export function isPositive(d: Dim): boolean | "unknown" {
  const c = constValue(d);
  if (c !== undefined) return c > 0;
  const { lo, hi } = boundsOf(d);
  if (lo > 0) return true;
  if (hi <= 0) return false;
  return "unknown";
}

/**
 * Whether a dimension is certainly ≤ 0 (a constant ≤ 0, or a symbolic one that is for every size ≥ 1
 * of its symbols): the case where a window certainly does not fit (E201).
 */
export function isDefinitelyNonPositive(d: Dim): boolean {
  return isPositive(d) === false;
}

// ---------------------------------------------------------------------------------------------------
// Printing

function coefText(coef: number, body: string, first: boolean): string {
  const magnitude = Math.abs(coef) === 1 ? body : `${Math.abs(coef)} * ${body}`;
  if (first) return coef < 0 ? `-${magnitude}` : magnitude;
  return coef < 0 ? ` - ${magnitude}` : ` + ${magnitude}`;
}

/** Prints `Σ coef · monomial + constant`, constants last and negative ones as `- 2`. */
function sumText(terms: readonly DimTerm[], constant: number, monomial: (t: DimTerm) => string): string {
  let text = "";
  terms.forEach((t, i) => (text += coefText(t.coef, monomial(t), i === 0)));
  if (text === "") return String(constant);
  if (constant !== 0) text += constant < 0 ? ` - ${-constant}` : ` + ${constant}`;
  return text;
}

function monomialText(t: DimTerm): string {
  return t.factors.map((f) => (f.kind === "symbol" ? f.name : divisionText(f, 0))).join(" * ");
}

/**
 * Prints `floor(arg / k) + outer` as one division, `floor((Y + r + outer·k) / k)`, or as the equal
 * `ceil((Y + r - k + 1 + outer·k) / k)` when that leaves no constant inside: 'same' padding reads
 * `ceil(T / s)`, while a valid window reads like its formula, `floor((T - 1) / 2)`.
 */
function divisionText(atom: FloorAtom, outer: number): string {
  const k = atom.divisor;
  const r = atom.arg.constant;
  const asCeil = r - (k - 1) + outer * k === 0;
  const constant = (asCeil ? r - (k - 1) : r) + outer * k;
  const terms = atom.arg.terms;
  const inner = sumText(terms, constant, monomialText);
  const bare = constant === 0 && terms.length === 1 && terms[0].coef === 1;
  return `${asCeil ? "ceil" : "floor"}(${bare ? inner : `(${inner})`} / ${k})`;
}

/**
 * Prints a dimension as the language writes it: `T - 2`, `2 * T + 1`, `H * W`, `floor((T - 2) / 2)`,
 * `ceil(T / 2)`. Terms come in a fixed order (products first, then symbols sorted, then divisions, constant last), and
 * a lone division absorbs the constant, so equal dimensions print identically and `parseDim` reads
 * the text back.
 */
export function dimToString(d: Dim): string {
  const divisions = d.terms.filter((t) => t.factors.length === 1 && t.factors[0].kind === "floor");
  const absorbing = d.constant !== 0 && divisions.length === 1 && divisions[0].coef === 1 ? divisions[0] : undefined;
  const text = (t: DimTerm): string => (t === absorbing ? divisionText(t.factors[0] as FloorAtom, d.constant) : monomialText(t));
  return sumText(d.terms, absorbing ? 0 : d.constant, text);
}

/** The JSON form used by `nnc summary`: a number when constant, otherwise the printed text. */
export function dimToJson(d: Dim): number | string {
  return constValue(d) ?? dimToString(d);
}

// ---------------------------------------------------------------------------------------------------
// Parsing

/**
 * Reads the text `dimToString` prints (integers, symbols, `+ - *`, parentheses, `floor(A / k)` and
 * `ceil(A / k)` with a positive integer `k`). It throws a SyntaxError on anything else, because it
 * only reads text the compiler or its tests wrote, never a user's program.
 */
export function parseDim(text: string): Dim {
  const tokens = text.match(/\s*(\d+|[A-Za-z_][A-Za-z0-9_]*|[-+*/()]|\S)/g) ?? [];
  const toks = tokens.map((t) => t.trim());
  let pos = 0;
  const fail = (why: string): never => {
    throw new SyntaxError(`cannot parse dimension ${JSON.stringify(text)}: ${why}`);
  };
  const peek = (): string | undefined => toks[pos];
  const expect = (tok: string): void => {
    if (toks[pos] !== tok) fail(`expected '${tok}' at token ${pos + 1}`);
    pos++;
  };
  // expr := term (('+' | '-') term)*
  const expr = (): Dim => {
    let left = term();
    for (let op = peek(); op === "+" || op === "-"; op = peek()) {
      pos++;
      const right = term();
      left = op === "+" ? add(left, right) : sub(left, right);
    }
    return left;
  };
  // term := unary ('*' unary)*
  const term = (): Dim => {
    let left = unary();
    while (peek() === "*") {
      pos++;
      left = mul(left, unary());
    }
    return left;
  };
  // unary := '-' unary | primary
  const unary = (): Dim => {
    if (peek() !== "-") return primary();
    pos++;
    return neg(unary());
  };
  // primary := INT | SYMBOL | '(' expr ')' | ('floor' | 'ceil') '(' expr '/' INT-valued expr ')'
  const primary = (): Dim => {
    const tok = peek();
    if (tok === undefined) return fail("unexpected end");
    pos++;
    if (/^\d+$/.test(tok)) return dimConst(Number(tok));
    if (tok === "(") {
      const inner = expr();
      expect(")");
      return inner;
    }
    if ((tok === "floor" || tok === "ceil") && peek() === "(") {
      pos++;
      const dividend = expr();
      expect("/");
      const k = constValue(expr());
      if (k === undefined || k <= 0) fail("a division needs a positive integer divisor");
      expect(")");
      return tok === "floor" ? floorDiv(dividend, k as number) : ceilDiv(dividend, k as number);
    }
    if (IDENTIFIER.test(tok)) return dimSymbol(tok);
    return fail(`unexpected '${tok}'`);
  };
  const result = expr();
  if (pos !== toks.length) fail(`unexpected '${toks[pos]}'`);
  return result;
}
