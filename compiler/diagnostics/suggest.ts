/**
 * "Did you mean …?": the one helper every unknown-name diagnostic uses.
 */

/** Optimal-string-alignment distance: edits, with a swap of two neighbours counting as one. */
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

function sharedPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

/**
 * The candidate closest to `name` (case-insensitive), if it is close enough to be a likely typo:
 * at most max(1, ⌊len/3⌋) edits. Ties go to the longer shared prefix, then alphabetical order.
 */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  if (!lower) return undefined;
  const limit = Math.max(1, Math.floor(lower.length / 3));
  let best: { candidate: string; distance: number; prefix: number } | undefined;
  for (const candidate of new Set(candidates)) {
    if (candidate === name) continue;
    const c = candidate.toLowerCase();
    const distance = editDistance(lower, c);
    if (distance > limit) continue;
    const prefix = sharedPrefix(lower, c);
    if (
      !best ||
      distance < best.distance ||
      (distance === best.distance && (prefix > best.prefix || (prefix === best.prefix && candidate < best.candidate)))
    ) {
      best = { candidate, distance, prefix };
    }
  }
  return best?.candidate;
}

/** "`a`, `b` or `c`" for messages. */
export function formatList(names: readonly string[], conjunction = "or"): string {
  const quoted = names.map((n) => `\`${n}\``);
  if (quoted.length <= 1) return quoted.join("");
  return `${quoted.slice(0, -1).join(", ")} ${conjunction} ${quoted[quoted.length - 1]}`;
}
