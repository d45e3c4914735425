/**
 * A small, dependency-free SVG line chart for the run report (see README.md for why it is hand-written):
 * several series over a shared x axis, linear or logarithmic y, 1-2-5 tick steps, a legend, one `<circle>`
 * per drawn point with a `<title>` tooltip, and an optional vertical marker (the best epoch).
 *
 * Values that cannot be drawn (NaN, ±Infinity, and ≤ 0 on a log axis) are left out, break the line, and
 * are counted in a note under the chart, so a reader knows the curve has holes and why.
 */
import { escapeHtml } from "./escape.js";

/**
 * Okabe–Ito colours, told apart with the common colour-vision deficiencies. Its yellow is left out: it
 * is unreadable on a white background.
 */
export const PALETTE: readonly string[] = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"];

/** Once the colours are used up, later series also differ by dash pattern. */
const DASH_PATTERNS: readonly (string | null)[] = [null, "7 3", "2 3", "9 3 2 3"];

export interface ChartPoint {
  readonly x: number;
  /** null: no value here (the line breaks, nothing is reported); NaN / ±Infinity: skipped and reported. */
  readonly y: number | null;
}

export interface ChartSeries {
  readonly name: string;
  readonly points: readonly ChartPoint[];
  /** Defaults to the palette colour of the series' index. */
  readonly color?: string;
  /** Draws the line dashed (for example validation against solid training). */
  readonly dashed?: boolean;
  /** Styles the series as if it were the series at this index, so that one layer looks the same in every chart. */
  readonly styleIndex?: number;
}

export interface LineChartOptions {
  readonly title: string;
  readonly series: readonly ChartSeries[];
  readonly xLabel: string;
  readonly yLabel: string;
  readonly logY?: boolean;
  /** Draws a vertical line at this x (when inside the x range). */
  readonly markerX?: number | null;
  /** Text beside the marker; defaults to `${xLabel} ${markerX}`. */
  readonly markerLabel?: string;
  /** Formats y values in tooltips (tick labels stay plain numbers). */
  readonly formatY?: (y: number) => string;
  /** Total width in px; defaults to 640. */
  readonly width?: number;
  /** Height of the plot area in px; defaults to 240. */
  readonly plotHeight?: number;
}

/** A tick: where it sits along its axis (0 = start, 1 = end) and its label. */
export interface Tick {
  readonly at: number;
  readonly label: string;
}

export interface Scale {
  readonly ticks: readonly Tick[];
  /** 0 at the start of the axis, 1 at its end; outside [0, 1] for values out of range; never NaN. */
  position(value: number): number;
}

// ---------------------------------------------------------------------------------------------------
// Scales

/** The smallest 1, 2 or 5 × 10^k that is ≥ raw; NaN when there is none representable. */
function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return NaN;
  const base = 10 ** Math.floor(Math.log10(raw));
  if (!(base > 0) || !Number.isFinite(base)) return NaN;
  const f = raw / base;
  const step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * base;
  return Number.isFinite(step) ? step : NaN;
}

/** A tick label with just enough digits for the step, exponent notation for very large or small values. */
function tickLabel(value: number, step: number): string {
  if (value === 0 || Math.abs(value) < step * 1e-9) return "0";
  const a = Math.abs(value);
  const stepExp = Math.floor(Math.log10(step) + 1e-9);
  if (a >= 1e6 || step < 1e-4) {
    const digits = Math.min(15, Math.max(0, Math.floor(Math.log10(a)) - stepExp));
    return trimExponent(value.toExponential(digits));
  }
  return value.toFixed(Math.min(15, Math.max(0, -stepExp)));
}

function trimExponent(s: string): string {
  return s.replace(/\.?0+e/, "e").replace("e+", "e");
}

/** A value for a tooltip or a table: five significant digits. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return "0";
  const a = Math.abs(value);
  if (a >= 1e6 || a < 1e-3) return trimExponent(value.toExponential(3));
  return String(Number(value.toPrecision(5)));
}

/** Where v sits between lo and hi, computed on halves so that spans near the largest double do not overflow. */
function fraction(v: number, lo: number, hi: number): number {
  const den = hi / 2 - lo / 2;
  if (!(den > 0)) return 0.5;
  const t = (v / 2 - lo / 2) / den;
  return Number.isNaN(t) ? 0.5 : t;
}

/** For values no nice step can describe (extreme magnitudes): the two ends as ticks. */
function plainScale(lo: number, hi: number): Scale {
  const ticks = lo === hi ? [{ at: 0.5, label: formatValue(lo) }] : [{ at: 0, label: formatValue(lo) }, { at: 1, label: formatValue(hi) }];
  return { ticks, position: (v) => fraction(v, lo, hi) };
}

/**
 * A linear scale covering [min, max] with ticks at multiples of a 1-2-5 step. `extend` widens the range
 * to whole steps (for y); `integer` keeps the step ≥ 1 (for epochs); `target` is about how many ticks.
 */
export function linearScale(min: number, max: number, options: { extend?: boolean; integer?: boolean; target?: number } = {}): Scale {
  const target = options.target ?? 5;
  let lo = min;
  let hi = max;
  const magnitude = Math.max(Math.abs(min), Math.abs(max));
  if (!(hi - lo > magnitude * 1e-12)) {
    // One value (or values equal to within rounding): centre it in a range around it.
    const c = min / 2 + max / 2;
    const pad = options.integer ? 0.5 : Math.abs(c) > 1e-150 ? Math.abs(c) * 0.1 : 1;
    lo = c - pad;
    hi = c + pad;
    if (!Number.isFinite(hi)) [lo, hi] = [c - 2 * pad, c];
    if (!Number.isFinite(lo)) [lo, hi] = [c, c + 2 * pad];
  }
  // (hi/2 − lo/2)·2 is the span, computed so that it does not overflow.
  let step = niceStep((hi / 2 - lo / 2) * (2 / target));
  if (options.integer && step < 1) step = 1;
  if (!(step > 0) || !Number.isFinite(step)) return plainScale(lo, hi);
  if (options.extend) {
    const a = Math.floor(lo / step) * step;
    const b = Math.ceil(hi / step) * step;
    if (Number.isFinite(a) && Number.isFinite(b)) {
      lo = Math.min(lo, a);
      hi = Math.max(hi, b);
    }
  }
  const first = Math.ceil(lo / step);
  const last = Math.floor(hi / step);
  if (!Number.isFinite(first) || !Number.isFinite(last) || last - first > 60) return plainScale(lo, hi);
  const ticks: Tick[] = [];
  for (let k = first; k <= last; k++) {
    const value = k * step;
    const at = fraction(value, lo, hi);
    if (at >= -1e-9 && at <= 1 + 1e-9) ticks.push({ at: Math.min(1, Math.max(0, at)), label: tickLabel(value, step) });
  }
  return { ticks, position: (v) => fraction(v, lo, hi) };
}

/** m × 10^k as a label: plain decimals near 1, exponent notation beyond. */
function powerLabel(m: number, k: number): string {
  return k >= -4 && k <= 5 ? String(Number(`${m}e${k}`)) : `${m}e${k}`;
}

/**
 * A log₁₀ scale over whole decades covering [min, max] (both > 0). Ticks: 1, 2, 5 per decade when
 * the range spans at most two decades, each decade up to eight, every n-th decade beyond.
 */
export function logScale(min: number, max: number): Scale {
  let a = Math.floor(Math.log10(min));
  let b = Math.ceil(Math.log10(max));
  if (b <= a) {
    // A single power of ten: centre it in two decades.
    a -= 1;
    b += 1;
  }
  const position = (v: number) => {
    const t = (Math.log10(v) - a) / (b - a);
    return Number.isNaN(t) ? 0.5 : t;
  };
  const ticks: Tick[] = [];
  const decades = b - a;
  if (decades <= 2) {
    for (let k = a; k <= b; k++) {
      for (const m of [1, 2, 5]) {
        if (k === b && m > 1) break;
        ticks.push({ at: (k + Math.log10(m) - a) / decades, label: powerLabel(m, k) });
      }
    }
  } else {
    const every = decades <= 8 ? 1 : Math.ceil(decades / 8);
    for (let k = Math.ceil(a / every) * every; k <= b; k += every) ticks.push({ at: (k - a) / decades, label: powerLabel(1, k) });
  }
  return { ticks, position };
}

// ---------------------------------------------------------------------------------------------------
// Drawing

const MARGIN = { left: 76, right: 24, top: 44 };
/** Space under the plot for the x tick labels and the x axis label. */
const BELOW_PLOT = 58;
const LEGEND_ROW = 18;
/** Rough width of a 12 px sans-serif character, to lay out the legend without measuring text. */
const CHAR_WIDTH = 6.6;
const LEGEND_NAME_MAX = 40;

const num = (v: number): string => String(Math.round(v * 100) / 100);
const clamp01 = (t: number): number => Math.min(1, Math.max(0, t));

interface Segmented {
  readonly name: string;
  readonly color: string;
  readonly dash: string | null;
  readonly points: readonly { x: number; y: number }[];
  readonly segments: readonly (readonly { x: number; y: number }[])[];
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}

/** "3 values not shown (…): examples", word-wrapped into at most three lines of `max` characters. */
function skippedNote(nonFinite: number, nonPositive: number, examples: readonly string[], max: number): string[] {
  const skipped = nonFinite + nonPositive;
  const reasons = [nonFinite ? `${nonFinite} NaN or infinite` : "", nonPositive ? `${nonPositive} ≤ 0 on the log scale` : ""].filter(Boolean).join(", ");
  const text = `${skipped} value${skipped === 1 ? "" : "s"} not shown (${reasons}): ${examples.join("; ")}${skipped > examples.length ? "; …" : ""}`;
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > max) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.length <= 3 ? lines.map((l) => truncate(l, max)) : [...lines.slice(0, 2), truncate(lines.slice(2).join(" "), max)];
}

/** Renders the chart as a standalone `<svg>` element (usable inline in HTML or as an .svg file). */
export function lineChart(o: LineChartOptions): string {
  const width = o.width ?? 640;
  const plotH = o.plotHeight ?? 240;
  const { left, right, top } = MARGIN;
  const plotW = width - left - right;
  const formatY = o.formatY ?? formatValue;
  const logY = o.logY === true;

  // Split each series into drawable runs, counting what has to be left out.
  let nonFinite = 0;
  let nonPositive = 0;
  const examples: string[] = [];
  const series: Segmented[] = o.series.map((s, i) => {
    const segments: { x: number; y: number }[][] = [];
    const points: { x: number; y: number }[] = [];
    let run: { x: number; y: number }[] = [];
    const breakRun = () => {
      if (run.length) segments.push(run);
      run = [];
    };
    for (const p of s.points) {
      if (p.y === null) {
        breakRun();
        continue;
      }
      if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) {
        nonFinite++;
        if (examples.length < 3) examples.push(`${s.name}, ${o.xLabel} ${p.x}: ${p.y}`);
        breakRun();
        continue;
      }
      if (logY && p.y <= 0) {
        nonPositive++;
        if (examples.length < 3) examples.push(`${s.name}, ${o.xLabel} ${p.x}: ${p.y}`);
        breakRun();
        continue;
      }
      const q = { x: p.x, y: p.y };
      run.push(q);
      points.push(q);
    }
    breakRun();
    const k = s.styleIndex ?? i;
    const dash = s.dashed ? "7 3" : DASH_PATTERNS[Math.floor(k / PALETTE.length) % DASH_PATTERNS.length];
    return { name: s.name, color: s.color ?? PALETTE[k % PALETTE.length], dash, points, segments };
  });

  const all = series.flatMap((s) => s.points);
  const xs = all.map((p) => p.x);
  const ys = all.map((p) => p.y);
  const empty = all.length === 0;
  const integerX = xs.every((x) => Number.isInteger(x));
  const xScale = empty
    ? linearScale(o.markerX ?? 0, o.markerX ?? 1, { integer: true, target: 8 })
    : linearScale(Math.min(...xs), Math.max(...xs), { integer: integerX, target: 8 });
  const yScale = empty ? (logY ? logScale(1, 10) : linearScale(0, 1, { extend: true })) : logY ? logScale(Math.min(...ys), Math.max(...ys)) : linearScale(Math.min(...ys), Math.max(...ys), { extend: true });
  const px = (x: number) => left + clamp01(xScale.position(x)) * plotW;
  const py = (y: number) => top + (1 - clamp01(yScale.position(y))) * plotH;

  const out: string[] = [];
  const esc = escapeHtml;

  // Legend layout first: its rows decide the total height.
  const legend: string[] = [];
  let lx = left;
  let row = 0;
  const legendTop = top + plotH + BELOW_PLOT;
  for (const s of series) {
    const shown = truncate(s.name, LEGEND_NAME_MAX);
    const itemW = 30 + shown.length * CHAR_WIDTH + 18;
    if (lx > left && lx + itemW > left + plotW) {
      lx = left;
      row++;
    }
    const y = legendTop + row * LEGEND_ROW;
    legend.push(
      `<g class="legend-item"><title>${esc(s.name)}</title>` +
        `<line x1="${num(lx)}" y1="${num(y - 4)}" x2="${num(lx + 24)}" y2="${num(y - 4)}" stroke="${esc(s.color)}" stroke-width="2.5"${s.dash ? ` stroke-dasharray="${s.dash}"` : ""}/>` +
        `<text x="${num(lx + 30)}" y="${num(y)}">${esc(shown)}</text></g>`,
    );
    lx += itemW;
  }
  const legendRows = series.length ? row + 1 : 0;
  const skipped = nonFinite + nonPositive;
  const noteY = legendTop + legendRows * LEGEND_ROW + (legendRows ? 4 : 0);
  const noteLines = skipped ? skippedNote(nonFinite, nonPositive, examples, Math.floor((width - left - 8) / CHAR_WIDTH)) : [];
  const height = noteY + noteLines.length * LEGEND_ROW + 8;

  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="line-chart" viewBox="0 0 ${width} ${num(height)}" width="${width}" height="${num(height)}" ` +
      `role="img" aria-label="${esc(o.title)}" data-log-y="${logY}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12">`,
  );
  out.push(`<rect x="0" y="0" width="${width}" height="${num(height)}" fill="#ffffff"/>`);
  out.push(`<text class="chart-title" x="${left}" y="18" font-size="14" font-weight="600" fill="#222">${esc(o.title)}</text>`);
  out.push(`<rect class="plot-area" x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="#fbfbfb" stroke="#c8c8c8"/>`);

  // Grid lines and tick labels.
  for (const t of yScale.ticks) {
    const y = num(top + (1 - t.at) * plotH);
    out.push(`<line class="grid" x1="${left}" y1="${y}" x2="${left + plotW}" y2="${y}" stroke="#e4e4e4"/>`);
    out.push(`<text class="y-tick" x="${left - 6}" y="${y}" dy="4" text-anchor="end" fill="#444">${esc(t.label)}</text>`);
  }
  for (const t of xScale.ticks) {
    const x = num(left + t.at * plotW);
    out.push(`<line class="grid" x1="${x}" y1="${top}" x2="${x}" y2="${top + plotH}" stroke="#efefef"/>`);
    out.push(`<text class="x-tick" x="${x}" y="${top + plotH + 16}" text-anchor="middle" fill="#444">${esc(t.label)}</text>`);
  }
  out.push(`<text class="x-label" x="${num(left + plotW / 2)}" y="${top + plotH + 36}" text-anchor="middle" fill="#222">${esc(o.xLabel)}</text>`);
  out.push(
    `<text class="y-label" transform="translate(16 ${num(top + plotH / 2)}) rotate(-90)" text-anchor="middle" fill="#222">${esc(o.yLabel)}${logY ? " (log scale)" : ""}</text>`,
  );

  // The marker, only when it falls inside the x range (a best epoch from a resumed, truncated history may not).
  if (o.markerX !== undefined && o.markerX !== null && Number.isFinite(o.markerX)) {
    const t = xScale.position(o.markerX);
    if (t >= -1e-9 && t <= 1 + 1e-9) {
      const x = num(left + clamp01(t) * plotW);
      const label = o.markerLabel ?? `${o.xLabel} ${o.markerX}`;
      const anchor = t > 0.5 ? "end" : "start";
      out.push(
        `<line class="marker" data-x="${o.markerX}" x1="${x}" y1="${top}" x2="${x}" y2="${top + plotH}" stroke="#555" stroke-width="1.5" stroke-dasharray="4 3"/>` +
          `<text class="marker-label" x="${x}" y="${top - 6}" text-anchor="${anchor}" fill="#555">${esc(label)}</text>`,
      );
    }
  }

  // Lines, then points on top so their tooltips win.
  const r = (n: number) => (n <= 1 ? 4 : n > 60 ? 1.8 : n > 25 ? 2.4 : 3);
  for (const s of series) {
    out.push(`<g class="series" data-series="${esc(s.name)}" data-points="${s.points.length}">`);
    for (const seg of s.segments) {
      if (seg.length < 2) continue;
      const d = seg.map((p, i) => `${i ? "L" : "M"}${num(px(p.x))},${num(py(p.y))}`).join("");
      out.push(`<path d="${d}" fill="none" stroke="${esc(s.color)}" stroke-width="1.8" stroke-linejoin="round"${s.dash ? ` stroke-dasharray="${s.dash}"` : ""}/>`);
    }
    const radius = r(s.points.length);
    for (const p of s.points) {
      out.push(
        `<circle cx="${num(px(p.x))}" cy="${num(py(p.y))}" r="${radius}" fill="${esc(s.color)}">` +
          `<title>${esc(`${s.name} — ${o.xLabel} ${p.x}: ${formatY(p.y)}`)}</title></circle>`,
      );
    }
    out.push(`</g>`);
  }
  if (empty) {
    out.push(`<text class="no-data" x="${num(left + plotW / 2)}" y="${num(top + plotH / 2)}" text-anchor="middle" fill="#777">no finite values to plot</text>`);
  }

  out.push(...legend);
  noteLines.forEach((line, i) => out.push(`<text class="note" x="${left}" y="${num(noteY + 10 + i * LEGEND_ROW)}" fill="#a33">${esc(line)}</text>`));
  out.push(`</svg>`);
  return out.join("\n");
}
