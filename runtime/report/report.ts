/**
 * `report.html` of a run folder: one self-contained page (inline CSS and SVG, no scripts, fonts or
 * network) with the run's summary and its learning curves, readable offline and years later.
 */
import { formatMetric, isRate } from "../core/metric-format.js";
import type { EpochRecord, LayerNorms } from "../core/history.js";
import { escapeHtml } from "./escape.js";
import { formatValue, lineChart, PALETTE, type ChartSeries } from "./svg-chart.js";

export interface RunReportData {
  readonly title: string;
  /** The `.nn` file the training came from. */
  readonly source: string;
  readonly label: string;
  readonly backend: string;
  /** An ISO date, shown as given when it does not parse. */
  readonly startedAt: string;
  readonly history: readonly EpochRecord[];
  readonly bestEpoch: number | null;
  readonly stoppedEarly: boolean;
  readonly test: Readonly<Record<string, number>> | null;
  readonly settings: Readonly<Record<string, string>>;
  readonly totalParams: number;
  readonly notes: readonly string[];
}

const esc = escapeHtml;

function showMetric(metric: string, value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return isRate(metric) ? formatMetric(metric, value) : formatValue(value);
}

/** Keys in the order they first appear, so curves follow the training's own metric order. */
function keysInOrder(records: readonly (Readonly<Record<string, unknown>> | null)[]): string[] {
  const seen = new Set<string>();
  for (const r of records) for (const k of Object.keys(r ?? {})) seen.add(k);
  return [...seen];
}

function describeDate(startedAt: string): string {
  const d = new Date(startedAt);
  if (Number.isNaN(d.getTime())) return `<span>${esc(startedAt)}</span>`;
  return `<time datetime="${esc(d.toISOString())}">${esc(d.toISOString().slice(0, 16).replace("T", " "))} UTC</time>`;
}

function figure(kind: string, svg: string): string {
  return `<figure class="chart" data-chart="${esc(kind)}">\n${svg}\n</figure>`;
}

function metricCharts(run: RunReportData, marker: { markerX: number | null; markerLabel: string }): string[] {
  const h = run.history;
  const withValidation = h.some((r) => r.validation !== null);
  const names = keysInOrder([...h.map((r) => r.train), ...h.map((r) => r.validation)]);
  // The loss first, then the other metrics in the order the training reports them.
  const ordered = [...names.filter((n) => n === "loss"), ...names.filter((n) => n !== "loss")];
  return ordered.map((metric) => {
    const percent = isRate(metric);
    const scale = (v: number | undefined) => (v === undefined ? null : percent ? v * 100 : v);
    const series: ChartSeries[] = [{ name: "training", color: PALETTE[0], points: h.map((r) => ({ x: r.epoch, y: scale(r.train[metric]) })) }];
    if (withValidation) {
      series.push({ name: "validation", color: PALETTE[1], dashed: true, points: h.map((r) => ({ x: r.epoch, y: scale(r.validation?.[metric]) })) });
    }
    const title = metric === "loss" ? "Loss per epoch" : `${metric}${percent ? " (%)" : ""} per epoch`;
    return figure(
      `metric:${metric}`,
      lineChart({
        title,
        series,
        xLabel: "epoch",
        yLabel: percent ? `${metric} (%)` : metric,
        formatY: percent ? (y) => `${y.toFixed(2)}%` : formatValue,
        ...marker,
      }),
    );
  });
}

function learningRateChart(run: RunReportData, marker: { markerX: number | null; markerLabel: string }): string {
  const rates = run.history.map((r) => r.lr).filter((v) => Number.isFinite(v));
  // Log scale only when it helps: every rate positive and spanning more than a factor of ten.
  const logY = rates.length > 0 && rates.every((v) => v > 0) && Math.max(...rates) / Math.min(...rates) > 10;
  return figure(
    "lr",
    lineChart({
      title: "Learning rate per epoch",
      series: [{ name: "learning rate", color: PALETTE[2], points: run.history.map((r) => ({ x: r.epoch, y: r.lr })) }],
      xLabel: "epoch",
      yLabel: "learning rate",
      logY,
      ...marker,
    }),
  );
}

/** One chart for the weights' norms per layer, and one for the biases' when any layer has biases. */
function normCharts(
  run: RunReportData,
  pick: (r: EpochRecord) => Readonly<Record<string, LayerNorms>> | null,
  kind: string,
  titles: { weights: string; biases: string; y: string; yBias: string },
  marker: { markerX: number | null; markerLabel: string },
): string[] {
  const h = run.history;
  if (!h.some((r) => pick(r) !== null)) return [];
  const layers = keysInOrder(h.map(pick));
  const part = (which: "weights" | "biases"): ChartSeries[] =>
    layers.map((layer, i) => ({ name: layer, styleIndex: i, points: h.map((r) => ({ x: r.epoch, y: pick(r)?.[layer]?.[which] ?? null })) }));
  const charts = [figure(`${kind}:weights`, lineChart({ title: titles.weights, series: part("weights"), xLabel: "epoch", yLabel: titles.y, logY: true, ...marker }))];
  const biases = part("biases").filter((s) => s.points.some((p) => p.y !== null));
  if (biases.length) charts.push(figure(`${kind}:biases`, lineChart({ title: titles.biases, series: biases, xLabel: "epoch", yLabel: titles.yBias, logY: true, ...marker })));
  return charts;
}

function table(rows: readonly (readonly [string, string])[], cls: string): string {
  const body = rows.map(([k, v]) => `<tr><th scope="row">${k}</th><td>${v}</td></tr>`).join("\n");
  return `<table class="${cls}">\n${body}\n</table>`;
}

function summary(run: RunReportData): string {
  const h = run.history;
  const rows: [string, string][] = [];
  const last = h.at(-1);
  if (last) rows.push(["epochs finished", `${h.length}${run.stoppedEarly ? ` (stopped early after epoch ${last.epoch})` : ""}`]);
  if (run.bestEpoch !== null) {
    const best = h.find((r) => r.epoch === run.bestEpoch);
    const at = best ? Object.entries(best.validation ?? best.train).map(([k, v]) => `${best.validation ? "val_" : ""}${k} ${showMetric(k, v)}`) : [];
    rows.push(["best epoch", `${run.bestEpoch}${at.length ? ` <span class="muted">(${esc(at.join(", "))})</span>` : ""}`]);
  }
  if (run.test) {
    const entries = Object.entries(run.test);
    rows.push(["test", entries.length ? entries.map(([k, v]) => `${esc(k)} <strong>${esc(showMetric(k, v))}</strong>`).join(", ") : "—"]);
  } else {
    rows.push(["test", `<span class="muted">no test data</span>`]);
  }
  rows.push(["total parameters", esc(Number.isFinite(run.totalParams) ? run.totalParams.toLocaleString("en-US") : String(run.totalParams))]);
  if (h.length) rows.push(["training time", `${esc(formatDuration(h.reduce((s, r) => s + (Number.isFinite(r.seconds) ? r.seconds : 0), 0)))}`]);
  return table(rows, "summary");
}

function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const s = Math.round(seconds);
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, "0");
  return hours ? `${hours} h ${String(minutes).padStart(2, "0")} min ${rest} s` : `${minutes} min ${rest} s`;
}

const STYLE = `
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 auto; max-width: 1360px; padding: 24px; color: #222; background: #fff; line-height: 1.4; }
h1 { font-size: 1.5rem; margin: 0 0 4px; }
h2 { font-size: 1.15rem; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
header p { margin: 2px 0; color: #555; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.92em; overflow-wrap: anywhere; }
table { border-collapse: collapse; margin: 6px 0; }
th, td { text-align: left; padding: 3px 14px 3px 0; vertical-align: top; border-bottom: 1px solid #eee; }
th { font-weight: 600; white-space: nowrap; }
.muted { color: #777; }
.notes li { margin: 2px 0; }
.empty { font-size: 1.1rem; padding: 16px; background: #fff6e5; border: 1px solid #f0d9a8; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; }
figure.chart { margin: 0; flex: 0 1 640px; }
figure.chart svg { width: 100%; height: auto; }
svg circle:hover { stroke: #222; stroke-width: 2; }
`;

/** The complete HTML page. */
export function renderReport(run: RunReportData): string {
  const h = run.history;
  const marker = { markerX: run.bestEpoch, markerLabel: run.bestEpoch === null ? "" : `best epoch ${run.bestEpoch}` };
  const settingsRows = Object.entries(run.settings).map(([k, v]) => [esc(k), `<code>${esc(v)}</code>`] as const);

  const parts: string[] = [];
  parts.push(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(run.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${esc(run.title)}</h1>
<p>Training <strong>${esc(run.label)}</strong> from <code>${esc(run.source)}</code></p>
<p>Backend: ${esc(run.backend)} · started ${describeDate(run.startedAt)}</p>
</header>`);
  if (run.notes.length) parts.push(`<ul class="notes">\n${run.notes.map((n) => `<li>${esc(n)}</li>`).join("\n")}\n</ul>`);
  if (!h.length) parts.push(`<p class="empty">No epoch finished: there are no learning curves to show.</p>`);

  parts.push(`<h2>Summary</h2>\n${summary(run)}`);
  parts.push(`<h2>Settings</h2>\n${settingsRows.length ? table(settingsRows, "settings") : `<p class="muted">none recorded</p>`}`);

  if (h.length) {
    parts.push(`<h2>Learning curves</h2>\n<div class="charts">\n${[...metricCharts(run, marker), learningRateChart(run, marker)].join("\n")}\n</div>`);
    const gradients = normCharts(
      run,
      (r) => r.gradientNorms,
      "gradient-norms",
      { weights: "Gradient norms ‖∂C/∂w‖ per layer", biases: "Gradient norms ‖∂C/∂b‖ per layer", y: "‖∂C/∂w‖", yBias: "‖∂C/∂b‖" },
      marker,
    );
    if (gradients.length) parts.push(`<h2>Gradient norms</h2>\n<p class="muted">Mean over each epoch's steps.</p>\n<div class="charts">\n${gradients.join("\n")}\n</div>`);
    const weights = normCharts(
      run,
      (r) => r.weightNorms,
      "weight-norms",
      { weights: "Weight norms ‖w‖ per layer", biases: "Bias norms ‖b‖ per layer", y: "‖w‖", yBias: "‖b‖" },
      marker,
    );
    if (weights.length) parts.push(`<h2>Weight norms</h2>\n<p class="muted">At the end of each epoch.</p>\n<div class="charts">\n${weights.join("\n")}\n</div>`);
  }
  parts.push(`</body>\n</html>\n`);
  return parts.join("\n");
}
