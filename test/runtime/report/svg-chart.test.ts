import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { plotArea, tagsBalance } from "../../support/svg-checks.js";
import { escapeHtml } from "../../../runtime/report/escape.js";
import { lineChart, linearScale, logScale, type ChartSeries } from "../../../runtime/report/svg-chart.js";

/** The y of every drawn data point: circle centres and path vertices. */
function dataYs(svg: string): number[] {
  const ys = [...svg.matchAll(/<circle cx="[^"]*" cy="([^"]*)"/g)].map((m) => Number(m[1]));
  for (const m of svg.matchAll(/<path d="([^"]*)"/g)) for (const p of m[1].matchAll(/[ML]([^,ML]+),([^ML]+)/g)) ys.push(Number(p[2]));
  return ys;
}

const circles = (svg: string) => (svg.match(/<circle /g) ?? []).length;
const paths = (svg: string) => (svg.match(/<path /g) ?? []).length;
const yTicks = (svg: string) => [...svg.matchAll(/class="y-tick"[^>]*>([^<]*)</g)].map((m) => m[1]);
const xTicks = (svg: string) => [...svg.matchAll(/class="x-tick"[^>]*>([^<]*)</g)].map((m) => m[1]);
const note = (svg: string) => [...svg.matchAll(/class="note"[^>]*>([^<]*)</g)].map((m) => m[1]).join(" ");
const series = (name: string, ys: readonly (number | null)[], from = 1): ChartSeries => ({ name, points: ys.map((y, i) => ({ x: from + i, y })) });

describe("escapeHtml", () => {
  it("escapes the five HTML-special characters", () => {
    expect(escapeHtml(`<a href="x">Tom & 'Jerry'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;");
  });
  it("replaces control characters XML forbids", () => {
    expect(escapeHtml("a\u0000b\u001Fc\td\ne")).toBe("a\uFFFDb\uFFFDc\td\ne");
  });
});

describe("scales", () => {
  const steps = (labels: string[]) => labels.map(Number).slice(1).map((v, i) => Number((v - Number(labels[i])).toPrecision(6)));
  it("linear ticks step by 1, 2 or 5 × 10^k and cover the data when extended", () => {
    for (const [lo, hi] of [[0, 0.93], [0.2312, 2.7], [-3, 17], [1e-5, 3e-5], [120, 4100]] as const) {
      const labels = linearScale(lo, hi, { extend: true }).ticks.map((t) => t.label);
      expect(labels.length).toBeGreaterThanOrEqual(3);
      const diffs = new Set(steps(labels));
      expect(diffs.size).toBe(1);
      const step = [...diffs][0];
      const mantissa = Number((step / 10 ** Math.floor(Math.log10(step))).toPrecision(3));
      expect([1, 2, 5]).toContain(mantissa);
      expect(Number(labels[0])).toBeLessThanOrEqual(lo);
      expect(Number(labels.at(-1))).toBeGreaterThanOrEqual(hi);
    }
  });
  it("integer x ticks never go below a step of 1", () => {
    expect(linearScale(1, 3, { integer: true, target: 8 }).ticks.map((t) => t.label)).toEqual(["1", "2", "3"]);
    expect(linearScale(1, 30, { integer: true, target: 8 }).ticks.map((t) => t.label)).toEqual(["5", "10", "15", "20", "25", "30"]);
  });
  it("a single value gets a range around it, centred", () => {
    const s = linearScale(4, 4, { integer: true });
    expect(s.position(4)).toBeCloseTo(0.5);
    expect(s.ticks.map((t) => t.label)).toEqual(["4"]);
    expect(linearScale(0.25, 0.25, { extend: true }).position(0.25)).toBeGreaterThan(0);
  });
  it("log ticks: decades, with 2 and 5 when the range is narrow", () => {
    expect(logScale(0.0003, 0.8).ticks.map((t) => t.label)).toEqual(["0.0001", "0.001", "0.01", "0.1", "1"]);
    expect(logScale(0.03, 0.4).ticks.map((t) => t.label)).toEqual(["0.01", "0.02", "0.05", "0.1", "0.2", "0.5", "1"]);
    expect(logScale(1e-12, 1e6).ticks.map((t) => t.label)).toEqual(["1e-12", "1e-9", "1e-6", "0.001", "1", "1000", "1e6"]);
    const s = logScale(0.001, 1);
    expect(s.position(0.01)).toBeCloseTo(1 / 3);
  });
  it("survives the extremes of double precision", () => {
    for (const [lo, hi] of [[-Number.MAX_VALUE, Number.MAX_VALUE], [5e-324, 1e-323], [Number.MAX_VALUE, Number.MAX_VALUE], [1, 1 + 2 ** -52]]) {
      const s = linearScale(lo, hi, { extend: true });
      for (const v of [lo, hi]) {
        expect(s.position(v)).toBeGreaterThanOrEqual(0);
        expect(s.position(v)).toBeLessThanOrEqual(1);
      }
      expect(s.ticks.length).toBeGreaterThan(0);
    }
    const l = logScale(5e-324, Number.MAX_VALUE);
    expect(l.position(5e-324)).toBeGreaterThanOrEqual(0);
    expect(l.position(Number.MAX_VALUE)).toBeLessThanOrEqual(1);
  });
});

describe("lineChart", () => {
  const base = { title: "Loss", xLabel: "epoch", yLabel: "loss" };

  it("draws one circle per point and one path per series, with a legend entry each", () => {
    const svg = lineChart({ ...base, series: [series("training", [1, 0.5, 0.3, 0.2]), series("validation", [1.1, 0.6, 0.4, 0.35])] });
    expect(circles(svg)).toBe(8);
    expect(paths(svg)).toBe(2);
    expect((svg.match(/class="legend-item"/g) ?? []).length).toBe(2);
    expect(svg).toContain(">training</text>");
    expect(tagsBalance(svg)).toBe(true);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  });

  it("gives each point a tooltip with its series, x and formatted value", () => {
    const svg = lineChart({ ...base, series: [series("validation", [0.931])], formatY: (y) => `${y.toFixed(2)}%` });
    expect(svg).toContain("<title>validation — epoch 1: 0.93%</title>");
  });

  it("axis labels and title are shown", () => {
    const svg = lineChart({ ...base, series: [series("t", [1, 2])] });
    expect(svg).toMatch(/class="x-label"[^>]*>epoch</);
    expect(svg).toMatch(/class="y-label"[^>]*>loss</);
    expect(svg).toMatch(/class="chart-title"[^>]*>Loss</);
  });

  it("a single point is still a visible chart: a circle in the middle, no line", () => {
    const svg = lineChart({ ...base, series: [series("training", [0.7])], markerX: 1 });
    const area = plotArea(svg);
    expect(circles(svg)).toBe(1);
    expect(paths(svg)).toBe(0);
    const [cx, cy] = /<circle cx="([^"]*)" cy="([^"]*)" r="([^"]*)"/.exec(svg)!.slice(1).map(Number);
    expect(cx).toBeCloseTo(area.x + area.width / 2, 1);
    expect(cy).toBeGreaterThan(area.y);
    expect(cy).toBeLessThan(area.y + area.height);
    expect(Number(/<circle [^>]*r="([^"]*)"/.exec(svg)![1])).toBeGreaterThanOrEqual(3);
    expect(xTicks(svg)).toEqual(["1"]);
  });

  it("skips NaN and Infinity, breaks the line there, and says so", () => {
    const svg = lineChart({ ...base, series: [series("training", [1, 0.8, NaN, 0.5, Infinity, 0.3, 0.2])] });
    expect(circles(svg)).toBe(5);
    // Runs: [1, 0.8], [0.5], [0.3, 0.2]: the lone 0.5 has no line.
    expect(paths(svg)).toBe(2);
    expect(note(svg)).toBe("2 values not shown (2 NaN or infinite): training, epoch 3: NaN; training, epoch 5: Infinity");
    expect(svg).not.toMatch(/="[^"]*NaN[^"]*"/);
    expect(tagsBalance(svg)).toBe(true);
  });

  it("null is a gap, not a skipped value", () => {
    const svg = lineChart({ ...base, series: [series("a", [1, null, 2, 3])] });
    expect(circles(svg)).toBe(3);
    expect(svg).not.toContain('class="note"');
  });

  it("a log axis has decade ticks and leaves out values ≤ 0, saying so", () => {
    const svg = lineChart({ ...base, logY: true, series: [series("dense_1", [1, 0.1, 0.01, 0.001, 0, -1])] });
    expect(svg).toContain('data-log-y="true"');
    expect(yTicks(svg)).toEqual(["0.001", "0.01", "0.1", "1"]);
    expect(circles(svg)).toBe(4);
    expect(note(svg)).toContain("2 values not shown (2 ≤ 0 on the log scale)");
    expect(svg).toMatch(/class="y-label"[^>]*>loss \(log scale\)</);
    // Equal ratios are equal distances on a log axis.
    const cys = [...svg.matchAll(/<circle cx="[^"]*" cy="([^"]*)"/g)].map((m) => Number(m[1]));
    const gaps = cys.slice(1).map((c, i) => c - cys[i]);
    for (const g of gaps) expect(g).toBeCloseTo(gaps[0], 1);
  });

  it("puts the marker at its x, with its label, and only inside the x range", () => {
    const svg = lineChart({ ...base, series: [series("t", [5, 4, 3, 2, 1])], markerX: 3, markerLabel: "best epoch 3" });
    const area = plotArea(svg);
    const m = /<line class="marker" data-x="3" x1="([^"]*)" y1="([^"]*)" x2="([^"]*)" y2="([^"]*)"/.exec(svg);
    expect(m).not.toBeNull();
    const [x1, y1, x2, y2] = m!.slice(1).map(Number);
    expect(x1).toBeCloseTo(area.x + area.width / 2, 1);
    expect(x2).toBe(x1);
    expect([y1, y2]).toEqual([area.y, area.y + area.height]);
    expect(svg).toContain(">best epoch 3</text>");
    // The marker sits on the point of epoch 3.
    const third = [...svg.matchAll(/<circle cx="([^"]*)"/g)][2];
    expect(Number(third[1])).toBeCloseTo(x1, 1);
    expect(lineChart({ ...base, series: [series("t", [5, 4, 3])], markerX: 9 })).not.toContain('class="marker"');
    expect(lineChart({ ...base, series: [series("t", [5, 4, 3])], markerX: null })).not.toContain('class="marker"');
  });

  it("escapes series names and titles", () => {
    const hostile = `<script>alert("x")</script>`;
    const svg = lineChart({ title: hostile, xLabel: "e'poch", yLabel: "<b>", series: [series(hostile, [1, 2])] });
    expect(svg).not.toContain("<script>");
    expect(svg).not.toContain("<b>");
    expect(svg).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(svg).toContain("e&#39;poch");
    expect(tagsBalance(svg)).toBe(true);
  });

  it("keeps colours apart and, past the palette, varies the dash pattern", () => {
    const many = Array.from({ length: 9 }, (_, i) => series(`layer_${i}`, [1 + i, 2 + i]));
    const svg = lineChart({ ...base, series: many });
    const strokes = [...svg.matchAll(/<path d="[^"]*" fill="none" stroke="([^"]*)"[^>]*?(stroke-dasharray="([^"]*)")?\/>/g)].map((m) => `${m[1]} ${m[3] ?? ""}`);
    expect(new Set(strokes).size).toBe(9);
    expect(circles(svg)).toBe(18);
  });

  it("with nothing finite to draw, says so", () => {
    const svg = lineChart({ ...base, series: [series("t", [NaN, NaN])] });
    expect(circles(svg)).toBe(0);
    expect(svg).toContain("no finite values to plot");
    expect(tagsBalance(svg)).toBe(true);
  });

  it("property: well-formed, and every point inside the plot area", () => {
    const value = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.double({ min: -10, max: 10, noNaN: true }), fc.constant(NaN), fc.constant(null));
    fc.assert(
      fc.property(
        fc.array(fc.array(value, { minLength: 1, maxLength: 60 }), { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        fc.option(fc.integer({ min: 0, max: 70 })),
        (rows, logY, marker) => {
          const svg = lineChart({ ...base, logY, markerX: marker, series: rows.map((ys, i) => series(`s${i}`, ys)) });
          expect(tagsBalance(svg)).toBe(true);
          const area = plotArea(svg);
          for (const y of dataYs(svg)) {
            expect(Number.isFinite(y)).toBe(true);
            expect(y).toBeGreaterThanOrEqual(area.y);
            expect(y).toBeLessThanOrEqual(area.y + area.height);
          }
          const drawable = rows.flat().filter((y) => y !== null && Number.isFinite(y) && (!logY || y > 0)).length;
          expect(circles(svg)).toBe(drawable);
        },
      ),
      { numRuns: 300 },
    );
  });
});
