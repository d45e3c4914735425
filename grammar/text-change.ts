/** An edit as the lexer and parser see it: which span of the old text became which span of the new one. */

/** Where two texts differ: `[start, oldEnd)` of the old text became `[start, newEnd)` of the new one. */
export interface TextChange {
  readonly start: number;
  readonly oldEnd: number;
  readonly newEnd: number;
}

/** The smallest change that turns `before` into `after`: their common prefix and suffix are kept. */
export function textChange(before: string, after: string): TextChange {
  const shorter = Math.min(before.length, after.length);
  let start = 0;
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let kept = 0;
  while (kept < shorter - start && before.charCodeAt(before.length - 1 - kept) === after.charCodeAt(after.length - 1 - kept)) kept++;
  return { start, oldEnd: before.length - kept, newEnd: after.length - kept };
}
