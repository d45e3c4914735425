/**
 * Dimensions: integers that may be symbolic (`T`, `T - 2`, `floor((T - 2) / 2)`).
 *
 * A dimension is kept in a canonical normal form, so that two dimensions are equal exactly when
 * their forms are: an integer constant plus a sum of atoms with non-zero integer coefficients, sorted
 * by a canonical key. An atom is a symbol, a product of atoms, or `floor(D / k)` / `ceil(D / k)` of a
 * dimension whose coefficients and constant all lie in [0, k): everything divisible by k is pulled
 * out of the division, so `floor((2T + 3) / 2)` is `T + 1` and `floor((T - 4) / 2)` is
 * `floor(T / 2) - 2`. Printing folds a lone division's constant back in (`floor((T - 2) / 2)`).
 */

export type Atom =
  | { readonly kind: "symbol"; readonly name: string; readonly key: string }
  | { readonly kind: "floor" | "ceil"; readonly arg: Dim; readonly k: number; readonly key: string }
  | { readonly kind: "product"; readonly factors: readonly Atom[]; readonly key: string };

export interface Term {
  readonly atom: Atom;
  readonly coef: number;
}

export interface Dim {
  readonly constant: number;
  /** Sorted by `atom.key`; no zero coefficients. */
  readonly terms: readonly Term[];
}

const ZERO: Dim = { constant: 0, terms: [] };

/** An integer constant. */
export function dimConst(n: number): Dim {
  return n === 0 ? ZERO : { constant: n, terms: [] };
}

/** A dimension symbol such as `T`. */
export function dimSymbol(name: string): Dim {
  return { constant: 0, terms: [{ atom: { kind: "symbol", name, key: name }, coef: 1 }] };
}

function fromTerms(constant: number, terms: Iterable<Term>): Dim {
  const merged = new Map<string, Term>();
  for (const t of terms) {
    const prev = merged.get(t.atom.key);
    merged.set(t.atom.key, { atom: t.atom, coef: (prev?.coef ?? 0) + t.coef });
  }
  const sorted = [...merged.values()].filter((t) => t.coef !== 0).sort((a, b) => compareKeys(a.atom.key, b.atom.key));
  return { constant, terms: sorted };
}

/** Symbols before compound atoms, then by text: the printing order. */
function compareKeys(a: string, b: string): number {
  const ca = /^[A-Za-z_]\w*$/.test(a) ? 0 : 1;
  const cb = /^[A-Za-z_]\w*$/.test(b) ? 0 : 1;
  return ca - cb || (a < b ? -1 : a > b ? 1 : 0);
}

export function add(a: Dim, b: Dim): Dim {
  return fromTerms(a.constant + b.constant, [...a.terms, ...b.terms]);
}

export function neg(a: Dim): Dim {
  return scale(a, -1);
}

export function sub(a: Dim, b: Dim): Dim {
  return add(a, neg(b));
}

function scale(a: Dim, n: number): Dim {
  if (n === 0) return ZERO;
  return fromTerms(a.constant * n, a.terms.map((t) => ({ atom: t.atom, coef: t.coef * n })));
}

function productAtom(x: Atom, y: Atom): Atom {
  const factors = [...(x.kind === "product" ? x.factors : [x]), ...(y.kind === "product" ? y.factors : [y])].sort((a, b) =>
    compareKeys(a.key, b.key),
  );
  return { kind: "product", factors, key: factors.map(atomKeyForProduct).join("*") };
}

function atomKeyForProduct(a: Atom): string {
  return a.kind === "symbol" ? a.key : `(${a.key})`;
}

/** The product; a symbolic × symbolic product distributes into product atoms. */
export function mul(a: Dim, b: Dim): Dim {
  if (a.terms.length === 0) return scale(b, a.constant);
  if (b.terms.length === 0) return scale(a, b.constant);
  const terms: Term[] = [];
  for (const x of a.terms) for (const y of b.terms) terms.push({ atom: productAtom(x.atom, y.atom), coef: x.coef * y.coef });
  for (const y of b.terms) terms.push({ atom: y.atom, coef: y.coef * a.constant });
  for (const x of a.terms) terms.push({ atom: x.atom, coef: x.coef * b.constant });
  return fromTerms(a.constant * b.constant, terms);
}

const mod = (n: number, k: number): number => ((n % k) + k) % k;

function divide(a: Dim, k: number, kind: "floor" | "ceil"): Dim {
  if (!Number.isInteger(k) || k <= 0) throw new RangeError(`division by ${k}: dimensions divide by positive integers only`);
  if (k === 1) return a;
  if (a.terms.length === 0) return dimConst(kind === "floor" ? Math.floor(a.constant / k) : Math.ceil(a.constant / k));
  // Pull every multiple of k out of the division: a = k·q + r, with r's parts in [0, k).
  const quotient: Term[] = [];
  const remainder: Term[] = [];
  for (const t of a.terms) {
    const r = mod(t.coef, k);
    if (t.coef - r !== 0) quotient.push({ atom: t.atom, coef: (t.coef - r) / k });
    if (r !== 0) remainder.push({ atom: t.atom, coef: r });
  }
  const rc = mod(a.constant, k);
  const q = fromTerms((a.constant - rc) / k, quotient);
  if (remainder.length === 0) return add(q, dimConst(kind === "floor" ? Math.floor(rc / k) : Math.ceil(rc / k)));
  const arg = fromTerms(rc, remainder);
  const atom: Atom = { kind, arg, k, key: `${kind}(${dimToString(arg)}/${k})` };
  return add(q, { constant: 0, terms: [{ atom, coef: 1 }] });
}

/** ⌊a / k⌋ for a positive integer k. */
export function floorDiv(a: Dim, k: number): Dim {
  return divide(a, k, "floor");
}

/** ⌈a / k⌉ for a positive integer k. */
export function ceilDiv(a: Dim, k: number): Dim {
  return divide(a, k, "ceil");
}

export function isConst(d: Dim): boolean {
  return d.terms.length === 0;
}

/** The value of a constant dimension, or undefined when it is symbolic. */
export function constValue(d: Dim): number | undefined {
  return d.terms.length === 0 ? d.constant : undefined;
}

export function dimEquals(a: Dim, b: Dim): boolean {
  return a.constant === b.constant && a.terms.length === b.terms.length && a.terms.every((t, i) => t.coef === b.terms[i].coef && t.atom.key === b.terms[i].atom.key);
}

/** The symbols a dimension mentions, sorted. */
export function symbolsOf(d: Dim): string[] {
  const found = new Set<string>();
  const visit = (atom: Atom): void => {
    if (atom.kind === "symbol") found.add(atom.name);
    else if (atom.kind === "product") atom.factors.forEach(visit);
    else atom.arg.terms.forEach((t) => visit(t.atom));
  };
  d.terms.forEach((t) => visit(t.atom));
  return [...found].sort();
}

/** Replaces symbols by dimensions and renormalizes: `T - 2` with T = 50 is 48. */
export function substitute(d: Dim, bindings: ReadonlyMap<string, Dim>): Dim {
  const atomValue = (atom: Atom): Dim => {
    switch (atom.kind) {
      case "symbol":
        return bindings.get(atom.name) ?? dimSymbol(atom.name);
      case "product":
        return atom.factors.map(atomValue).reduce(mul);
      case "floor":
        return floorDiv(substitute(atom.arg, bindings), atom.k);
      case "ceil":
        return ceilDiv(substitute(atom.arg, bindings), atom.k);
    }
  };
  return d.terms.reduce((sum, t) => add(sum, mul(dimConst(t.coef), atomValue(t.atom))), dimConst(d.constant));
}

/** Evaluates with every symbol given a number (for tests and run-time checks). */
export function evaluateDim(d: Dim, values: ReadonlyMap<string, number>): number {
  const bindings = new Map([...values].map(([k, v]) => [k, dimConst(v)]));
  const result = constValue(substitute(d, bindings));
  if (result === undefined) throw new Error(`unbound symbols in ${dimToString(d)}`);
  return result;
}

/** true or false when known; "unknown" for a symbolic dimension. */
export function isPositive(d: Dim): boolean | "unknown" {
  const c = constValue(d);
  return c === undefined ? "unknown" : c > 0;
}

function atomToString(atom: Atom, absorbed = 0): string {
  switch (atom.kind) {
    case "symbol":
      return atom.name;
    case "product":
      return atom.factors.map((f) => atomToString(f)).join(" * ");
    case "floor":
    case "ceil": {
      const arg = absorbed ? add(atom.arg, dimConst(absorbed * atom.k)) : atom.arg;
      const inner = dimToString(arg);
      const wrapped = arg.terms.length + (arg.constant !== 0 ? 1 : 0) > 1 || arg.terms[0]?.coef !== 1 ? `(${inner})` : inner;
      return `${atom.kind}(${wrapped} / ${atom.k})`;
    }
  }
}

/** `T - 2`, `2 * T + 1`, `floor((T - 2) / 2)`, `H * W`. */
export function dimToString(d: Dim): string {
  if (d.terms.length === 0) return String(d.constant);
  const lone = d.terms.length === 1 ? d.terms[0] : undefined;
  if (lone && lone.coef === 1 && (lone.atom.kind === "floor" || lone.atom.kind === "ceil") && d.constant !== 0) {
    return atomToString(lone.atom, d.constant);
  }
  let out = "";
  for (const [i, t] of d.terms.entries()) {
    const magnitude = Math.abs(t.coef);
    const body = magnitude === 1 ? atomToString(t.atom) : `${magnitude} * ${atomToString(t.atom)}`;
    if (i === 0) out = t.coef < 0 ? `-${body}` : body;
    else out += t.coef < 0 ? ` - ${body}` : ` + ${body}`;
  }
  if (d.constant > 0) out += ` + ${d.constant}`;
  if (d.constant < 0) out += ` - ${-d.constant}`;
  return out;
}

/** A number when constant, otherwise the printed form (the JSON of `nnc summary`). */
export function dimToJson(d: Dim): number | string {
  return constValue(d) ?? dimToString(d);
}

/** Parses the printed form back: integers, symbols, `+ - *`, parentheses, `floor(… / k)`, `ceil(… / k)`. */
export function parseDim(text: string): Dim {
  const tokens = text.match(/\d+|[A-Za-z_]\w*|[-+*/()]/g) ?? [];
  let pos = 0;
  const peek = (): string | undefined => tokens[pos];
  const next = (): string => {
    const t = tokens[pos++];
    if (t === undefined) throw new SyntaxError(`unexpected end of dimension \`${text}\``);
    return t;
  };
  const expect = (t: string): void => {
    const got = next();
    if (got !== t) throw new SyntaxError(`expected \`${t}\` in \`${text}\`, found \`${got}\``);
  };
  const expr = (): Dim => {
    let d = term();
    while (peek() === "+" || peek() === "-") d = next() === "+" ? add(d, term()) : sub(d, term());
    return d;
  };
  const term = (): Dim => {
    let d = factor();
    while (peek() === "*") {
      next();
      d = mul(d, factor());
    }
    return d;
  };
  const factor = (): Dim => {
    const t = next();
    if (t === "-") return neg(factor());
    if (t === "(") {
      const d = expr();
      expect(")");
      return d;
    }
    if (/^\d+$/.test(t)) return dimConst(Number(t));
    if (t === "floor" || t === "ceil") {
      expect("(");
      const d = expr();
      expect("/");
      const k = Number(next());
      expect(")");
      return t === "floor" ? floorDiv(d, k) : ceilDiv(d, k);
    }
    if (/^[A-Za-z_]/.test(t)) return dimSymbol(t);
    throw new SyntaxError(`unexpected \`${t}\` in dimension \`${text}\``);
  };
  const d = expr();
  if (pos !== tokens.length) throw new SyntaxError(`unexpected \`${tokens[pos]}\` in dimension \`${text}\``);
  return d;
}
