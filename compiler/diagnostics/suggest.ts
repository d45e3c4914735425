/**
 * "Did you mean …?": the one helper every unknown-name diagnostic uses.
 *
 * Its work is bounded, since hostile or generated programs hold thousands of unknown names and
 * names of any length: a name longer than `MAX_SUGGEST_LENGTH` gets no suggestion, a candidate whose
 * length differs from the name's by more than the allowed distance is skipped without comparing, and
 * the distance is computed in a band of that width, stopping as soon as a row exceeds it. For every
 * name it suggests for, the result is that of the plain distance (`editDistance`).
 */

/** Names longer than this (in UTF-16 code units) get no suggestion: nobody misspells a 65-character name into another. */
export const MAX_SUGGEST_LENGTH = 64;

/** Optimal-string-alignment distance: edits, with a swap of two neighbours counting as one. The plain full matrix. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** Three rows of the band, reused from call to call (grown when a longer string comes). */
let rowA = new Int32Array(80);
let rowB = new Int32Array(80);
let rowC = new Int32Array(80);

/**
 * `editDistance(a, b)` when it is at most `max`, else `max + 1`, in O(min(|a|, |b|)·max) time:
 * only the cells within `max` of the diagonal are computed (the others are more than `max` anyway),
 * values are capped at `max + 1`, and the computation stops at the first row whose cells all exceed
 * `max`.
 */
export function boundedEditDistance(a: string, b: string, max: number): number {
  const k = Math.max(0, Math.floor(max));
  const over = k + 1;
  const n = a.length;
  const m = b.length;
  if (Math.abs(n - m) > k) return over;
  if (n === 0 || m === 0) return Math.max(n, m);
  if (rowA.length < m + 2) {
    rowA = new Int32Array(m + 2);
    rowB = new Int32Array(m + 2);
    rowC = new Int32Array(m + 2);
  }
  let twoUp = rowA; // row i - 2
  let up = rowB; // row i - 1
  let here = rowC; // row i
  // Row 0: j edits; the cell just past the band is "over".
  for (let j = 0; j <= Math.min(m, k + 1); j++) up[j] = j <= k ? j : over;
  for (let i = 1; i <= n; i++) {
    const lo = Math.max(1, i - k);
    const hi = Math.min(m, i + k);
    // The cell left of the band: column 0 (i edits) or outside the band.
    here[lo - 1] = lo === 1 && i <= k ? i : over;
    let rowMin = over;
    const ai = a.charCodeAt(i - 1);
    const aPrev = i > 1 ? a.charCodeAt(i - 2) : -1;
    for (let j = lo; j <= hi; j++) {
      const bj = b.charCodeAt(j - 1);
      let v = up[j - 1] + (ai === bj ? 0 : 1);
      const del = up[j] + 1;
      if (del < v) v = del;
      const ins = here[j - 1] + 1;
      if (ins < v) v = ins;
      if (j > 1 && i > 1 && ai === b.charCodeAt(j - 2) && aPrev === bj) {
        const swap = twoUp[j - 2] + 1;
        if (swap < v) v = swap;
      }
      if (v > over) v = over;
      here[j] = v;
      if (v < rowMin) rowMin = v;
    }
    // The cell just past the band, read by the next row.
    if (hi + 1 <= m) here[hi + 1] = over;
    if (rowMin > k && !(lo === 1 && i <= k)) return over;
    const spare = twoUp;
    twoUp = up;
    up = here;
    here = spare;
  }
  return Math.min(up[m], over);
}

function sharedPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

/**
 * A candidate list as `didYouMean` saw it recently. Checkers ask about many unknown names against the
 * same names in scope, or against a scope that grew by a few names since (each `let` adds one), so
 * recent lists are kept — compared with the list asked about by the identity of their strings, which
 * is cheap — with the answers given for them and, once asked often enough, an index of near names.
 */
interface Prepared {
  readonly names: string[];
  /** `names` lower-cased, filled in as needed (a long name is never lower-cased). */
  readonly lower: (string | undefined)[];
  readonly answers: Map<string, string | undefined>;
  queries: number;
  /**
   * Each name's lower-cased form, and that form less one character, → the indexes of the names that
   * have it; null when the list is too large for one.
   */
  near?: Map<string, number[]> | null;
}

/** A list asked about this many times, with at least `INDEX_MIN_NAMES` names, gets its index of near names. */
const INDEX_AFTER_QUERIES = 2;
const INDEX_MIN_NAMES = 32;
/** No index for lists whose index would hold more keys than this (memory stays bounded). */
const INDEX_MAX_KEYS = 1_000_000;
const MAX_ANSWERS = 4096;
/** How many recent lists are kept. */
const RECENT = 4;

const recent: Prepared[] = [];

function prepared(candidates: Iterable<string>): Prepared {
  const list = Array.isArray(candidates) ? (candidates as readonly string[]) : [...candidates];
  for (const [at, p] of recent.entries()) {
    if (p.names.length > list.length || !samePrefix(p.names, list)) continue;
    if (p.names.length < list.length) extend(p, list);
    if (at > 0) recent.unshift(...recent.splice(at, 1));
    return p;
  }
  const p: Prepared = { names: list.slice(), lower: new Array<string | undefined>(list.length), answers: new Map(), queries: 0 };
  recent.unshift(p);
  recent.length = Math.min(recent.length, RECENT);
  return p;
}

/** Whether `list` starts with every name of `names`, in order. */
function samePrefix(names: readonly string[], list: readonly string[]): boolean {
  for (let i = 0; i < names.length; i++) if (names[i] !== list[i]) return false;
  return true;
}

/** The list grew: its new names join the index, and earlier answers no longer hold. */
function extend(p: Prepared, list: readonly string[]): void {
  const from = p.names.length;
  for (let i = from; i < list.length; i++) p.names.push(list[i]);
  p.lower.length = list.length;
  p.answers.clear();
  if (p.near) for (let i = from; i < list.length; i++) addNear(p, p.near, i);
}

function lowerAt(p: Prepared, i: number): string {
  return (p.lower[i] ??= p.names[i].toLowerCase());
}

/** The one-deletion neighbourhood: `s` and `s` without each of its characters. */
function near(s: string): string[] {
  const keys = [s];
  for (let i = 0; i < s.length; i++) keys.push(s.slice(0, i) + s.slice(i + 1));
  return keys;
}

function addNear(p: Prepared, index: Map<string, number[]>, i: number): void {
  // Only names within one edit of a name that may get a suggestion.
  if (p.names[i].length > MAX_SUGGEST_LENGTH + 1) return;
  for (const key of new Set(near(lowerAt(p, i)))) {
    const list = index.get(key);
    if (list) list.push(i);
    else index.set(key, [i]);
  }
}

function buildNear(p: Prepared): Map<string, number[]> | null {
  let keys = 0;
  for (const name of p.names) if (name.length <= MAX_SUGGEST_LENGTH + 1) keys += name.length + 1;
  if (keys > INDEX_MAX_KEYS) return null;
  const index = new Map<string, number[]>();
  for (let i = 0; i < p.names.length; i++) addNear(p, index, i);
  return index;
}

/**
 * The candidate closest to `name` (case-insensitive), if it is close enough to be a likely typo:
 * at most max(1, ⌊len/3⌋) edits. Ties go to the longer shared prefix, then alphabetical order.
 * Names longer than `MAX_SUGGEST_LENGTH` get no suggestion.
 */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  if (!lower || lower.length > MAX_SUGGEST_LENGTH) return undefined;
  const p = prepared(candidates);
  if (p.answers.has(name)) return p.answers.get(name);
  p.queries++;
  if (p.near === undefined && p.queries >= INDEX_AFTER_QUERIES && p.names.length >= INDEX_MIN_NAMES) p.near = buildNear(p);
  const answer = closest(name, lower, p);
  if (p.answers.size >= MAX_ANSWERS) p.answers.clear();
  p.answers.set(name, answer);
  return answer;
}

function closest(name: string, lower: string, p: Prepared): string | undefined {
  const limit = Math.max(1, Math.floor(lower.length / 3));
  let best: { candidate: string; distance: number; prefix: number } | undefined;
  const consider = (i: number, bound: number): void => {
    const candidate = p.names[i];
    if (candidate === name) return;
    // Lower-casing never shortens a string: a candidate this long is too far whatever its case.
    if (candidate.length > lower.length + bound) return;
    const c = lowerAt(p, i);
    if (Math.abs(c.length - lower.length) > bound) return;
    // A candidate further than the best so far cannot win: compare only up to that distance.
    const distance = boundedEditDistance(lower, c, best ? Math.min(best.distance, bound) : bound);
    if (distance > bound || (best && distance > best.distance)) return;
    const prefix = sharedPrefix(lower, c);
    if (
      !best ||
      distance < best.distance ||
      (distance === best.distance && (prefix > best.prefix || (prefix === best.prefix && candidate < best.candidate)))
    ) {
      best = { candidate, distance, prefix };
    }
  };
  if (p.near) {
    // Every candidate within one edit shares a key with the name (a swap of neighbours included):
    // when one exists, the closest candidates are all among them.
    const seen = new Set<number>();
    for (const key of near(lower)) {
      for (const i of p.near.get(key) ?? []) {
        if (seen.has(i)) continue;
        seen.add(i);
        consider(i, 1);
      }
    }
    if (best || limit === 1) return best?.candidate;
  }
  for (let i = 0; i < p.names.length; i++) consider(i, limit);
  return best?.candidate;
}

/** "`a`, `b` or `c`" for messages. */
export function formatList(names: readonly string[], conjunction = "or"): string {
  const quoted = names.map((n) => `\`${n}\``);
  if (quoted.length <= 1) return quoted.join("");
  return `${quoted.slice(0, -1).join(", ")} ${conjunction} ${quoted[quoted.length - 1]}`;
}
