/**
 * The one page of runs: served live by `nnc board` and written, frozen, as each run's `report.html`.
 * The HTML is a fixed skeleton; `client/board.js` fills it from JSON (the board's endpoints, or the
 * run's data embedded in the report) with `textContent`, never `innerHTML`, so names from sources
 * and folders cannot become markup.
 *
 * Stable hooks for tests and scripts (browser tests select on these; keep them):
 *   body[data-mode]            "live" (nnc board) or "report" (report.html)
 *   #runs                      the list of runs; one `li[data-run="<id>"]` per run (id: its path under
 *                              the board's folder, e.g. `mlp` or `search/trial-03`), with a checkbox
 *                              to overlay it; `li.selected` when shown
 *   #title, #backend, #status  the run's label and source, the backend line, progress or end state
 *   #notes                     report.html only: the run folder's notes (an interruption), as text
 *   #test                      test metrics (table; an ensemble's vote, k-fold mean ± sd)
 *   #charts                    the charts: `#chart-loss`, `#chart-<metric>` per other metric,
 *                              `#chart-lr` (only when the learning rate changes), `#chart-grad-norms`,
 *                              `#chart-weight-norms` (only when monitored); each `[data-chart]`
 *   #settings-diff             settings in .nn syntax: all of one run's, or those that differ between
 *                              the overlaid runs; `tr[data-key]`
 *   #summary                   the model: one `tr[data-layer]` per layer, parameters in `tfoot`
 *   #trials                    a search's trials, ranked; `th[data-sort="<column>"]` sorts on click
 *                              (`aria-sort` says how); one `tr[data-trial]` per trial
 *   #members, #folds           an ensemble's members and vote; k-fold folds with mean ± sd
 */
import { join } from "node:path";
import { writeFileAtomic } from "../core/atomic.js";
import { pageAssets } from "./assets.js";
import { escapeHtml } from "./escape.js";
import { readRun, type RunData } from "./run-data.js";

/**
 * JSON that can sit inside a `<script>` element: `<` (hence `</script>` and `<!--`), `>` and `&`
 * as escapes, and U+2028/U+2029, which end a line in older JavaScript parsers.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** Script or style text inlined in the page: a closing tag inside it would end the element early. */
function inlineSafe(text: string, tag: "script" | "style"): string {
  return text.replace(new RegExp(`</${tag}`, "gi"), `<\\/${tag}`);
}

const SKELETON = `<header>
<h1 id="title">nnc board</h1>
<p id="source" class="muted"></p>
<p id="backend" class="muted"></p>
<p id="status"></p>
<ul id="notes">%NOTES%</ul>
</header>
<div class="layout">
<nav id="runs-panel" aria-label="Runs">
<h2>Runs</h2>
<p class="muted" id="runs-empty">No runs yet: they appear here as they start.</p>
<ul id="runs"></ul>
</nav>
<main>
<section id="test-section" hidden><h2>Test</h2><table id="test"></table></section>
<section id="curves-section"><h2>Learning curves</h2><p class="muted hint">Drag to zoom, double-click to reset; hover for values.</p><div id="charts" class="charts"></div></section>
<section id="trials-section" hidden><h2>Trials</h2><table id="trials"></table></section>
<section id="members-section" hidden><h2>Ensemble</h2><table id="members"></table></section>
<section id="folds-section" hidden><h2>Folds</h2><table id="folds"></table></section>
<section id="settings-section"><h2 id="settings-heading">Settings</h2><table id="settings-diff"></table></section>
<section id="summary-section" hidden><h2>Model</h2><table id="summary"></table></section>
</main>
</div>`;

function page(title: string, mode: "live" | "report", head: string, tail: string, notes: readonly string[] = []): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
${head}
</head>
<body data-mode="${mode}">
${SKELETON.replace("%NOTES%", notes.map((n) => `<li>${escapeHtml(n)}</li>`).join(""))}
${tail}
</body>
</html>
`;
}

/** The board's page: assets and data come from the server it is served by. */
export function renderBoardHtml(): string {
  return page(
    "nnc board",
    "live",
    `<link rel="stylesheet" href="/assets/uPlot.min.css">\n<link rel="stylesheet" href="/assets/board.css">`,
    `<script src="/assets/uPlot.iife.min.js"></script>\n<script src="/assets/board.js"></script>`,
  );
}

/**
 * The same page for one run, frozen: uPlot, the page's script and style and the run's data inlined,
 * so that it opens from file:// with no server and no network. `notes` are sentences shown under
 * the title as written (the run folder's account of an interruption), readable without the script.
 */
export function renderReportHtml(run: RunData, notes: readonly string[] = []): string {
  const assets = pageAssets();
  return page(
    `${run.label} — nnc training report`,
    "report",
    `<style>\n${inlineSafe(assets.uplotCss, "style")}\n</style>\n<style>\n${inlineSafe(assets.boardCss, "style")}\n</style>`,
    `<script id="run-data" type="application/json">${jsonForScript(run)}</script>\n` +
      `<script>\n${inlineSafe(assets.uplotJs, "script")}\n</script>\n<script>\n${inlineSafe(assets.boardJs, "script")}\n</script>`,
    notes,
  );
}

/** Writes `report.html` of the run folder `runDir` from what its files say now (atomically), with `notes` under the title. */
export function writeReport(runDir: string, notes: readonly string[] = []): void {
  const id = runDir.replace(/[\\/]+$/, "").split(/[\\/]/).at(-1) || "run";
  writeFileAtomic(join(runDir, "report.html"), renderReportHtml(readRun(runDir, id), notes));
}
