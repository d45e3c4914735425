/** Checks that tags nest and close, attribute values are quoted, and no raw `<`/`>` is left in text. */
export function tagsBalance(svg: string): boolean {
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<>]*")*)\s*(\/?)>/g;
  let last = 0;
  for (const m of svg.matchAll(tag)) {
    if (/[<>]/.test(svg.slice(last, m.index))) return false;
    last = m.index + m[0].length;
    const [, closing, name, , selfClosing] = m;
    if (selfClosing) continue;
    if (closing) {
      if (stack.pop() !== name) return false;
    } else stack.push(name);
  }
  return stack.length === 0 && !/[<>]/.test(svg.slice(last));
}

export function plotArea(svg: string) {
  const m = /<rect class="plot-area" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/.exec(svg);
  if (!m) throw new Error("no plot area");
  const [x, y, width, height] = m.slice(1).map(Number);
  return { x, y, width, height };
}
