import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { plotArea, tagsBalance } from "../../support/svg-checks.js";
import type { EpochRecord, LayerNorms } from "../../../runtime/core/history.js";
import { isRate } from "../../../runtime/core/metric-format.js";
import { renderReport, type RunReportData } from "../../../runtime/report/report.js";

const HOSTILE = `<script>alert(1)</script>`;
const QUOTED = `dense "q" 'w' & co`;

function record(epoch: number, over: Partial<EpochRecord> = {}): EpochRecord {
  const t = epoch - 1;
  return {
    epoch,
    lr: 0.01,
    seconds: 2.5,
    train: { loss: 2 * Math.exp(-t / 4) + 0.05, accuracy: 1 - 0.8 * Math.exp(-t / 3), mae: 1 / epoch },
    validation: { loss: 2 * Math.exp(-t / 4) + 0.1, accuracy: 0.95 - 0.8 * Math.exp(-t / 3), mae: 1.2 / epoch },
    gradientNorms: null,
    weightNorms: null,
    ...over,
  };
}

function run(history: readonly EpochRecord[], over: Partial<RunReportData> = {}): RunReportData {
  return {
    title: "Mlp — nnc training report",
    source: "examples/mlp.nn",
    label: "Mlp",
    backend: "cpu (no native backend)",
    startedAt: "2025-03-04T10:20:30.000Z",
    history,
    bestEpoch: history.length ? history[history.length - 1].epoch : null,
    stoppedEarly: false,
    test: { loss: 0.2312, accuracy: 0.931 },
    settings: { epochs: "10", optimizer: '{"kind":"adam"}' },
    totalParams: 101770,
    notes: [],
    ...over,
  };
}

const epochs = (n: number, over: (e: number) => Partial<EpochRecord> = () => ({})) => Array.from({ length: n }, (_, i) => record(i + 1, over(i + 1)));

/** The `<figure data-chart="…">` blocks of the page, by chart kind. */
function charts(html: string): Map<string, string> {
  return new Map([...html.matchAll(/<figure class="chart" data-chart="([^"]*)">([\s\S]*?)<\/figure>/g)].map((m) => [m[1], m[2]]));
}

const circles = (svg: string) => (svg.match(/<circle /g) ?? []).length;

describe("renderReport", () => {
  it("is one self-contained HTML page", () => {
    const html = renderReport(run(epochs(5)));
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html.trimEnd().endsWith("</html>")).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).not.toMatch(/<script|<link|<img|src=|@import|url\(|@font-face/i);
    // The only URL is the SVG namespace, which is never fetched.
    expect([...html.matchAll(/https?:\/\/[^"\s]+/g)].map((m) => m[0]).every((u) => u === "http://www.w3.org/2000/svg")).toBe(true);
  });

  it("has a header and a summary", () => {
    const html = renderReport(run(epochs(10), { bestEpoch: 7 }));
    expect(html).toContain("<h1>Mlp — nnc training report</h1>");
    expect(html).toContain("<code>examples/mlp.nn</code>");
    expect(html).toContain("cpu (no native backend)");
    expect(html).toContain('<time datetime="2025-03-04T10:20:30.000Z">2025-03-04 10:20 UTC</time>');
    expect(html).toMatch(/<th scope="row">best epoch<\/th><td>7 /);
    expect(html).toContain("accuracy <strong>93.10%</strong>");
    expect(html).toContain("loss <strong>0.2312</strong>");
    expect(html).toContain("<td>101,770</td>");
    expect(html).toContain('<tr><th scope="row">optimizer</th><td><code>{&quot;kind&quot;:&quot;adam&quot;}</code></td></tr>');
    expect(html).toContain("<td>10</td>");
  });

  it("draws one chart per metric, training and validation, a point per epoch each", () => {
    const html = renderReport(run(epochs(12)));
    const c = charts(html);
    expect([...c.keys()]).toEqual(["metric:loss", "metric:accuracy", "metric:mae", "lr"]);
    for (const k of ["metric:loss", "metric:accuracy", "metric:mae"]) {
      expect(circles(c.get(k)!)).toBe(24);
      expect(c.get(k)).toContain('data-series="training" data-points="12"');
      expect(c.get(k)).toContain('data-series="validation" data-points="12"');
    }
    expect(circles(c.get("lr")!)).toBe(12);
  });

  it("shows accuracy as percent", () => {
    const acc = charts(renderReport(run(epochs(3)))).get("metric:accuracy")!;
    expect(acc).toMatch(/class="y-label"[^>]*>accuracy \(%\)</);
    const first = record(1).train.accuracy;
    expect(acc).toContain(`<title>training — epoch 1: ${(first * 100).toFixed(2)}%</title>`);
    const ticks = [...acc.matchAll(/class="y-tick"[^>]*>([^<]*)</g)].map((m) => Number(m[1]));
    expect(Math.max(...ticks)).toBeGreaterThan(50);
  });

  it("without validation data, only training curves", () => {
    const c = charts(renderReport(run(epochs(4, () => ({ validation: null })))));
    expect(circles(c.get("metric:loss")!)).toBe(4);
    expect(c.get("metric:loss")).not.toContain("validation");
  });

  it("marks the best epoch at the same x in every chart", () => {
    const html = renderReport(run(epochs(21), { bestEpoch: 11 }));
    const c = charts(html);
    for (const svg of c.values()) {
      const area = plotArea(svg);
      const x = Number(/<line class="marker" data-x="11" x1="([^"]*)"/.exec(svg)![1]);
      // Epoch 11 of 1..21 is the middle of the x axis.
      expect(x).toBeCloseTo(area.x + area.width / 2, 1);
      expect(svg).toContain(">best epoch 11</text>");
    }
    expect(renderReport(run(epochs(3), { bestEpoch: null }))).not.toContain('class="marker"');
  });

  it("uses a log scale for the learning rate only when it varies more than tenfold", () => {
    const decaying = charts(renderReport(run(epochs(20, (e) => ({ lr: 0.1 * 0.7 ** (e - 1) }))))).get("lr")!;
    expect(decaying).toContain('data-log-y="true"');
    const ticks = [...decaying.matchAll(/class="y-tick"[^>]*>([^<]*)</g)].map((m) => m[1]);
    expect(ticks).toEqual(["0.0001", "0.001", "0.01", "0.1"]);
    const steady = charts(renderReport(run(epochs(20, (e) => ({ lr: 0.1 * 0.95 ** (e - 1) }))))).get("lr")!;
    expect(steady).toContain('data-log-y="false"');
    const constant = charts(renderReport(run(epochs(5)))).get("lr")!;
    expect(constant).toContain('data-log-y="false"');
    expect(circles(constant)).toBe(5);
  });

  it("plots gradient and weight norms per layer on log axes, biases in their own chart", () => {
    const norms = (e: number): Record<string, LayerNorms> => ({
      dense_1: { weights: Math.exp(-e), biases: 0.1 / e },
      [HOSTILE]: { weights: 0.5, biases: null },
      [QUOTED]: { weights: 1e-3 * e, biases: 1e-4 },
    });
    const html = renderReport(run(epochs(6, (e) => ({ gradientNorms: norms(e), weightNorms: norms(e + 1) }))));
    const c = charts(html);
    expect([...c.keys()]).toEqual(["metric:loss", "metric:accuracy", "metric:mae", "lr", "gradient-norms:weights", "gradient-norms:biases", "weight-norms:weights", "weight-norms:biases"]);
    const w = c.get("gradient-norms:weights")!;
    expect(w).toContain('data-log-y="true"');
    expect(w).toContain("‖∂C/∂w‖");
    expect(circles(w)).toBe(18);
    expect((w.match(/class="legend-item"/g) ?? []).length).toBe(3);
    const b = c.get("gradient-norms:biases")!;
    expect(b).toContain("‖∂C/∂b‖");
    // The layer without biases has no curve there.
    expect(circles(b)).toBe(12);
    expect(b).not.toContain("alert");
    // One layer keeps its colour across the weights and biases charts.
    const colour = (svg: string, layer: string) => new RegExp(`data-series="${layer}"[^>]*>\\s*<path [^>]*stroke="([^"]*)"`).exec(svg)![1];
    const quoted = QUOTED.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
    expect(colour(b, quoted)).toBe(colour(w, quoted));
  });

  it("escapes every string from the data", () => {
    const html = renderReport(
      run(epochs(3, (e) => ({ gradientNorms: { [HOSTILE]: { weights: e, biases: null }, [QUOTED]: { weights: 1, biases: null } } })), {
        title: `${HOSTILE} report`,
        source: `/tmp/"evil'/${HOSTILE}.nn`,
        label: HOSTILE,
        backend: HOSTILE,
        startedAt: HOSTILE,
        settings: { [HOSTILE]: QUOTED, optimizer: HOSTILE },
        notes: [HOSTILE],
        test: { [HOSTILE]: 0.5 },
      }),
    );
    expect(html).not.toContain("<script");
    expect(html).not.toContain("alert(1)</");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("dense &quot;q&quot; &#39;w&#39; &amp; co");
    expect(html).toContain("/tmp/&quot;evil&#39;/");
    for (const svg of html.match(/<svg[\s\S]*?<\/svg>/g)!) expect(tagsBalance(svg)).toBe(true);
    // Attribute values never contain a raw quote of their own kind.
    for (const m of html.matchAll(/data-series="([^"]*)"/g)) expect(m[1]).not.toMatch(/[<>']/);
  });

  it("with one epoch, every chart still shows its points", () => {
    const c = charts(renderReport(run(epochs(1))));
    expect(c.size).toBe(4);
    for (const [k, svg] of c) {
      expect(circles(svg)).toBe(k === "lr" ? 1 : 2);
      expect(svg).toContain('class="marker" data-x="1"');
    }
  });

  it("skips NaN and Infinity and says so", () => {
    const history = epochs(5, (e) => (e === 3 ? { train: { loss: NaN, accuracy: Infinity, mae: 0.3 } } : {}));
    const c = charts(renderReport(run(history)));
    expect(circles(c.get("metric:loss")!)).toBe(9);
    expect(circles(c.get("metric:accuracy")!)).toBe(9);
    expect(circles(c.get("metric:mae")!)).toBe(10);
    expect(c.get("metric:loss")).toMatch(/class="note"[^>]*>1 value not shown \(1 NaN or infinite\): training, epoch 3: NaN/);
    expect(c.get("metric:mae")).not.toContain('class="note"');
    for (const svg of c.values()) expect(svg).not.toMatch(/="[^"]*(NaN|Infinity)[^"]*"/);
  });

  it("with no finished epoch, says so and draws nothing", () => {
    const html = renderReport(run([], { bestEpoch: null, test: null }));
    expect(html).toContain("No epoch finished");
    expect(html).not.toContain("<svg");
    expect(html).toContain("no test data");
    expect(html).toContain("<td>101,770</td>");
    expect(html.trimEnd().endsWith("</html>")).toBe(true);
  });

  it("property: for random histories the charts are well-formed and every point lies in its plot area", () => {
    const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
    const metrics = fc.record({ loss: finite, accuracy: fc.double({ min: 0, max: 1, noNaN: true }), mae: finite });
    const norms = fc.option(
      fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), fc.record({ weights: finite, biases: fc.option(finite) }), { minKeys: 1, maxKeys: 4 }),
      { freq: 2 },
    );
    const epochRecord = fc.record({ lr: finite, seconds: fc.double({ min: 0, max: 1e4, noNaN: true }), train: metrics, validation: fc.option(metrics), gradientNorms: norms, weightNorms: norms });
    fc.assert(
      fc.property(fc.array(epochRecord, { minLength: 1, maxLength: 60 }), fc.option(fc.integer({ min: 1, max: 60 })), (rows, best) => {
        const history: EpochRecord[] = rows.map((r, i) => ({ ...r, epoch: i + 1 }));
        const html = renderReport(run(history, { bestEpoch: best }));
        const svgs = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
        expect(svgs.length).toBeGreaterThanOrEqual(4);
        for (const svg of svgs) {
          expect(tagsBalance(svg)).toBe(true);
          const area = plotArea(svg);
          const ys = [...svg.matchAll(/<circle cx="[^"]*" cy="([^"]*)"/g)].map((m) => Number(m[1]));
          for (const m of svg.matchAll(/<path d="([^"]*)"/g)) for (const p of m[1].matchAll(/[ML]([^,ML]+),([^ML]+)/g)) ys.push(Number(p[2]));
          for (const y of ys) {
            expect(y).toBeGreaterThanOrEqual(area.y);
            expect(y).toBeLessThanOrEqual(area.y + area.height);
          }
        }
        const loss = charts(html).get("metric:loss")!;
        expect(circles(loss)).toBe(history.length + history.filter((r) => r.validation).length);
      }),
      { numRuns: 100 },
    );
  });

  it("writes the rates among the test metrics of several outputs as percentages", () => {
    const test = { loss: 0.25, kind_loss: 0.2, kind_accuracy: 0.8, size_mae: 0.125 };
    const html = renderReport(run(epochs(2), { test }));
    expect(html).toContain("kind_accuracy <strong>80.00%</strong>");
    expect(html).toContain("size_mae <strong>0.125</strong>");
    expect(html).toContain("kind_loss <strong>0.2</strong>");
  });

  // Known runtime bug: report.ts decides percentages with its own pattern (/accuracy|^acc$|^top_\d+$/),
  // not metric-format.ts's isRate, so a per-output top_k (`kind_top_5`) is written as a fraction in
  // the summary and its chart while the terminal writes 90.00%. Drop `.fails` once report.ts uses isRate.
  it("writes every metric metric-format calls a rate as a percentage, top_k of an output included", () => {
    const test = { top_5: 0.75, kind_accuracy: 0.8, kind_top_5: 0.9 };
    const html = renderReport(run(epochs(2), { test }));
    for (const [name, value] of Object.entries(test)) {
      expect(isRate(name)).toBe(true);
      expect(html).toContain(`${name} <strong>${(value * 100).toFixed(2)}%</strong>`);
    }
  });
});
