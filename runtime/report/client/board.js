/*
 * The page of `nnc board` and of report.html (runtime/report/page.ts lists its stable ids).
 * Plain browser JavaScript, no build step. Live (body[data-mode="live"]): the run list and each run
 * come from the board's JSON endpoints, new runs and new metrics lines from server-sent events.
 * Report (data-mode="report"): one run and its parts, embedded in #run-data; no network at all.
 * Every name from a source or a folder is set with textContent, never parsed as HTML.
 */
(function () {
  "use strict";

  var live = document.body.getAttribute("data-mode") === "live";
  /** Loaded runs by id, parts included (`search/trial-03`). */
  var runs = new Map();
  /** The runs list as the server last sent it: [{id, label, part, children:[…]}]. */
  var listed = [];
  /** Ids of the runs shown, in the order they were picked. */
  var selected = [];
  var charts = [];
  var COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"];

  function byId(id) {
    return document.getElementById(id);
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (attrs[k] !== null && attrs[k] !== undefined) node.setAttribute(k, String(attrs[k]));
      });
    }
    (children || []).forEach(function (c) {
      node.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
    });
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    return node;
  }

  function isRate(name) {
    return /(^|_)(accuracy|top_\d+)$/.test(name);
  }

  function fmt(v) {
    if (typeof v !== "number") return v === null || v === undefined ? "—" : String(v);
    if (!isFinite(v)) return String(v);
    if (v === 0) return "0";
    var a = Math.abs(v);
    if (Number.isInteger(v) && a < 1e9) return v.toLocaleString("en-US");
    if (a >= 1e5 || a < 1e-3) return v.toExponential(3);
    return String(Number(v.toPrecision(4)));
  }

  function fmtMetric(name, v) {
    return typeof v === "number" && isFinite(v) && isRate(name) ? (v * 100).toFixed(2) + "%" : fmt(v);
  }

  function fmtSeconds(s) {
    if (typeof s !== "number" || !isFinite(s)) return "";
    if (s < 60) return s.toFixed(1) + " s";
    var m = Math.floor(s / 60);
    return m < 60 ? m + " min " + Math.round(s % 60) + " s" : Math.floor(m / 60) + " h " + (m % 60) + " min";
  }

  /** Keys in first-seen order, the loss first. */
  function metricNames(list) {
    var seen = [];
    list.forEach(function (run) {
      run.epochs.forEach(function (r) {
        [r.train, r.validation].forEach(function (part) {
          Object.keys(part || {}).forEach(function (k) {
            if (seen.indexOf(k) < 0) seen.push(k);
          });
        });
      });
    });
    return seen.filter(function (k) { return k === "loss"; }).concat(seen.filter(function (k) { return k !== "loss"; }));
  }

  function index(run) {
    runs.set(run.id, run);
    (run.children || []).forEach(index);
  }

  function parentOf(id) {
    var slash = id.lastIndexOf("/");
    return slash < 0 ? null : runs.get(id.slice(0, slash)) || null;
  }

  /** A part's name after its run's, and a repeat's after its trial's (`search · trial-03 · repeat-2`). */
  function nameOf(run) {
    var parent = parentOf(run.id);
    return parent ? nameOf(parent) + " · " + run.label : run.label;
  }

  /**
   * A part's name below the nearest of its runs that is on the page too or holds every line drawn
   * (`trial-03` or `trial-03 · repeat-2` with their search, `repeat-2` with its trial), else the full one.
   */
  function shortName(run, shown) {
    var name = run.label;
    for (var parent = parentOf(run.id); parent; parent = parentOf(parent.id)) {
      if (selected.indexOf(parent.id) >= 0 || shown.every(isUnder(parent))) return name;
      name = parent.label + " · " + name;
    }
    return name;
  }

  function isUnder(parent) {
    return function (run) { return run.id.indexOf(parent.id + "/") === 0; };
  }

  // ——— Charts ———

  function destroyCharts() {
    charts.forEach(function (c) { c.destroy(); });
    charts = [];
  }

  /** A line chart: `lines` are {label, color, dash, points: [[x, y]…]}, aligned on the union of x. */
  function chart(id, title, lines, options) {
    var xs = [];
    lines.forEach(function (l) {
      l.points.forEach(function (p) { if (xs.indexOf(p[0]) < 0) xs.push(p[0]); });
    });
    xs.sort(function (a, b) { return a - b; });
    var log = !!options.log;
    var data = [xs].concat(lines.map(function (l) {
      var at = new Map(l.points.map(function (p) { return [p[0], p[1]]; }));
      return xs.map(function (x) {
        var y = at.get(x);
        // A log axis cannot place zero or a negative value; a value that is not finite is a gap.
        return typeof y === "number" && isFinite(y) && (!log || y > 0) ? y : null;
      });
    }));
    var box = el("figure", { id: id, "data-chart": id.replace(/^chart-/, ""), class: "chart" }, [el("figcaption", null, [title])]);
    byId("charts").appendChild(box);
    if (typeof uPlot === "undefined") return;
    var width = Math.max(320, Math.min(640, byId("charts").clientWidth || 640));
    var plot = new uPlot(
      {
        width: width,
        height: 260,
        scales: { x: { time: false }, y: log ? { distr: 3 } : {} },
        // Whole epochs only on the x axis.
        axes: [{ label: options.xLabel || "epoch", incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000] }, { label: options.yLabel || "", size: 60, values: function (u, ticks) { return ticks.map(fmt); } }],
        cursor: { drag: { x: true, y: false } },
        legend: { live: true },
        series: [{ label: options.xLabel || "epoch" }].concat(lines.map(function (l) {
          return { label: l.label, stroke: l.color, width: 1.5, dash: l.dash ? [6, 4] : undefined, spanGaps: true, points: { show: xs.length < 60 }, value: function (u, v) { return v === null ? "—" : options.format ? options.format(v) : fmt(v); } };
        })),
      },
      data,
      box,
    );
    charts.push(plot);
  }

  function curves(shown) {
    var multi = shown.length > 1;
    var names = metricNames(shown);
    names.forEach(function (metric) {
      var lines = [];
      shown.forEach(function (run, i) {
        var color = COLORS[i % COLORS.length];
        var prefix = multi ? shortName(run, shown) + " " : "";
        lines.push({ label: prefix + "training", color: color, points: run.epochs.map(function (r) { return [r.epoch, r.train ? r.train[metric] : null]; }) });
        if (run.epochs.some(function (r) { return r.validation && r.validation[metric] !== undefined; })) {
          lines.push({ label: prefix + "validation", color: color, dash: true, points: run.epochs.map(function (r) { return [r.epoch, r.validation ? r.validation[metric] : null]; }) });
        }
      });
      chart("chart-" + metric.replace(/[^A-Za-z0-9_-]/g, "_"), metric === "loss" ? "Loss" : metric, lines, { yLabel: metric, format: function (v) { return fmtMetric(metric, v); } });
    });

    // The learning rate only when it changes during a run: a constant one is a setting, shown with the others.
    var changes = shown.some(function (run) { return run.epochs.some(function (r) { return r.lr !== run.epochs[0].lr; }); });
    if (changes) {
      var rates = [];
      shown.forEach(function (run) { run.epochs.forEach(function (r) { if (typeof r.lr === "number") rates.push(r.lr); }); });
      var positive = rates.every(function (v) { return v > 0; });
      var log = positive && Math.max.apply(null, rates) / Math.min.apply(null, rates) > 10;
      chart("chart-lr", "Learning rate", shown.map(function (run, i) {
        return { label: multi ? shortName(run, shown) : "learning rate", color: COLORS[i % COLORS.length], points: run.epochs.map(function (r) { return [r.epoch, r.lr]; }) };
      }), { yLabel: "learning rate", log: log });
    }

    norms(shown, "gradientNorms", "chart-grad-norms", "Gradient norms ‖∂C/∂w‖ per layer (mean over the epoch)");
    norms(shown, "weightNorms", "chart-weight-norms", "Weight norms ‖w‖ per layer (end of epoch)");
  }

  function norms(shown, field, id, title) {
    var lines = [];
    var multi = shown.length > 1;
    shown.forEach(function (run) {
      var layers = [];
      run.epochs.forEach(function (r) { Object.keys(r[field] || {}).forEach(function (k) { if (layers.indexOf(k) < 0) layers.push(k); }); });
      layers.forEach(function (layer) {
        lines.push({
          label: (multi ? shortName(run, shown) + " " : "") + layer,
          color: COLORS[lines.length % COLORS.length],
          points: run.epochs.map(function (r) { var n = r[field] && r[field][layer]; return [r.epoch, n ? n.weights : null]; }),
        });
      });
    });
    if (lines.length) chart(id, title, lines, { yLabel: field === "gradientNorms" ? "‖∂C/∂w‖" : "‖w‖", log: true });
  }

  // ——— Tables ———

  /**
   * Fills `table` with `columns` ({key, label, numeric}) and `rows` ({cells: {key: value}, text:
   * {key: shown}, attrs}); with `sortable`, a click on a heading sorts on that column.
   */
  function fillTable(table, columns, rows, sortable, foot) {
    clear(table);
    var head = el("tr", null, columns.map(function (c) {
      return el("th", sortable ? { "data-sort": c.key, scope: "col", tabindex: 0 } : { scope: "col" }, [c.label]);
    }));
    table.appendChild(el("thead", null, [head]));
    var body = el("tbody");
    table.appendChild(body);
    function draw(list) {
      clear(body);
      list.forEach(function (row) {
        body.appendChild(el("tr", row.attrs, columns.map(function (c) {
          var shown = row.text && row.text[c.key] !== undefined ? row.text[c.key] : fmt(row.cells[c.key]);
          return el("td", c.numeric ? { class: "num" } : null, [shown]);
        })));
      });
    }
    draw(rows);
    if (foot) table.appendChild(el("tfoot", null, foot));
    if (!sortable) return;
    var state = { key: null, dir: 1 };
    Array.prototype.forEach.call(head.children, function (th) {
      function sort() {
        var key = th.getAttribute("data-sort");
        state.dir = state.key === key ? -state.dir : 1;
        state.key = key;
        Array.prototype.forEach.call(head.children, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", state.dir > 0 ? "ascending" : "descending");
        draw(rows.slice().sort(function (a, b) {
          var x = a.cells[key], y = b.cells[key];
          // Missing values sort last whichever the direction.
          if (x === null || x === undefined) return 1;
          if (y === null || y === undefined) return -1;
          return (typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y))) * state.dir;
        }));
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
    });
  }

  function section(id, show) {
    byId(id).hidden = !show;
  }

  /** The last epoch's validation metrics, else its training ones. */
  function finalMetrics(run) {
    var last = run.epochs[run.epochs.length - 1];
    return last ? last.validation || last.train || {} : {};
  }

  function testTable(shown) {
    var columns = [{ key: "run", label: "run" }];
    var rows = [];
    shown.forEach(function (run) {
      var report = run.report;
      var test = report && report.test;
      var folds = report && report.folds && report.folds.test;
      var values = folds || test;
      if (!values) return;
      var row = { cells: { run: nameOf(run) }, text: {} };
      Object.keys(values).forEach(function (k) {
        if (!columns.some(function (c) { return c.key === k; })) columns.push({ key: k, label: k, numeric: true });
        var v = values[k];
        if (folds) {
          row.cells[k] = v.mean;
          row.text[k] = fmtMetric(k, v.mean) + " ± " + fmtMetric(k, v.std);
        } else {
          row.cells[k] = v;
          row.text[k] = fmtMetric(k, v);
        }
      });
      rows.push(row);
    });
    section("test-section", rows.length > 0);
    if (rows.length) fillTable(byId("test"), columns, rows, false);
  }

  /** The settings as they ran: `--epochs` in place of the file's epochs, and `--limit` when given. */
  function settingsRows(run) {
    var out = {};
    if (run.settingsText) Object.keys(run.settingsText).forEach(function (k) { out[k] = run.settingsText[k]; });
    else {
      var s = (run.settings && run.settings.settings) || {};
      Object.keys(s).forEach(function (k) { out[k] = typeof s[k] === "object" ? JSON.stringify(s[k]) : String(s[k]); });
    }
    var ran = ranOf(run);
    if (ran && typeof ran.epochs === "number") out.epochs = String(ran.epochs);
    if (ran && typeof ran.limit === "number") out.limit = String(ran.limit);
    return out;
  }

  function settingsTable(shown) {
    var table = byId("settings-diff");
    var texts = shown.map(settingsRows);
    var keys = [];
    texts.forEach(function (t) { Object.keys(t).forEach(function (k) { if (keys.indexOf(k) < 0) keys.push(k); }); });
    var multi = shown.length > 1;
    if (multi) keys = keys.filter(function (k) { return texts.some(function (t) { return t[k] !== texts[0][k]; }); });
    byId("settings-heading").textContent = multi ? "Settings that differ" : "Settings";
    var columns = [{ key: "key", label: "setting" }].concat(shown.map(function (run, i) { return { key: "r" + i, label: multi ? nameOf(run) : "value" }; }));
    var rows = keys.map(function (k) {
      var row = { cells: { key: k }, text: {}, attrs: { "data-key": k } };
      texts.forEach(function (t, i) { row.cells["r" + i] = t[k] === undefined ? "—" : t[k]; row.text["r" + i] = row.cells["r" + i]; });
      return row;
    });
    fillTable(table, columns, rows, false);
    if (multi && !rows.length) table.appendChild(el("caption", null, ["The shown runs have the same settings."]));
  }

  function summaryTable(shown) {
    // The first run shown with a model summary, else the first of its parts, or their parts (a trial's repeats), with one.
    function withSummary(r, depth) {
      if (r.summary) return r;
      if (depth === 0) return null;
      return (r.children || []).map(function (c) { return withSummary(c, depth - 1); }).filter(Boolean)[0] || null;
    }
    var run = null;
    shown.forEach(function (r) {
      if (!run) run = withSummary(r, 2);
    });
    var summary = run && run.summary;
    section("summary-section", !!summary);
    if (!summary) return;
    var columns = [
      { key: "name", label: "layer" }, { key: "kind", label: "kind" }, { key: "output", label: "output shape" },
      { key: "params", label: "parameters", numeric: true }, { key: "trainable", label: "trainable", numeric: true }, { key: "nonTrainable", label: "non-trainable", numeric: true },
    ];
    var rows = summary.layers.map(function (l) {
      var output = Array.isArray(l.output) ? "[" + l.output.map(String).join(", ") + "]" : typeof l.output === "string" ? l.output : JSON.stringify(l.output);
      return { cells: l, text: { output: output }, attrs: { "data-layer": l.name } };
    });
    var p = summary.params;
    var foot = [el("tr", null, [el("th", { scope: "row", colspan: 3 }, ["total " + fmt(p.total) + " (" + summary.model + ")"]), el("td", { class: "num" }, [fmt(p.total)]), el("td", { class: "num" }, [fmt(p.trainable)]), el("td", { class: "num" }, [fmt(p.nonTrainable)])])];
    fillTable(byId("summary"), columns, rows, false, foot);
  }

  function partsOf(shown, part) {
    var out = [];
    shown.forEach(function (run) { (run.children || []).forEach(function (c) { if (c.part === part) out.push({ parent: run, run: c }); }); });
    return out;
  }

  /**
   * A random search's values with four significant digits for reading (`lr: 0.3114`, not
   * `lr: 0.3113609646267174`); the cell keeps the exact text, so sorting is unchanged.
   */
  function shortNumbers(text) {
    return text.replace(/\d+\.\d{5,}(?:e[-+]?\d+)?/g, function (n) { return String(Number(Number(n).toPrecision(4))); });
  }

  /** The run whose files stand for a trial: the trial's own, else (with `repeats`) its first repeat's, whose model is the trial's. */
  function trialRun(trial) {
    return trial.epochs.length || !(trial.children || []).length ? trial : trial.children[0];
  }

  function trialsTable(shown) {
    var trials = partsOf(shown, "trial").map(function (t) { return { parent: t.parent, run: t.run, own: trialRun(t.run) }; });
    section("trials-section", trials.length > 0);
    if (!trials.length) return;
    var reported = {};
    trials.forEach(function (t) {
      ((t.parent.report && t.parent.report.trials) || []).forEach(function (r, rank) { reported[t.parent.id + "/" + r.trial] = { result: r, rank: rank + 1 }; });
    });
    // The hyper-parameters: the settings that differ between trials.
    var texts = trials.map(function (t) { return settingsRows(t.own); });
    var keys = [];
    texts.forEach(function (t) { Object.keys(t).forEach(function (k) { if (keys.indexOf(k) < 0 && texts.some(function (o) { return o[k] !== t[k]; })) keys.push(k); }); });
    var metrics = metricNames(trials.map(function (t) { return t.own; }));
    var rows = trials.map(function (t, i) {
      var number = Number(/(\d+)$/.exec(t.run.id)[1]);
      var info = reported[t.parent.id + "/" + number];
      var final = finalMetrics(t.own);
      var row = { cells: { trial: number, rank: info ? info.rank : null, objective: info ? info.result.objective : null, epochs: t.own.epochs.length }, text: {}, attrs: { "data-trial": number, "data-run": t.run.id } };
      var repeats = info && info.result.repeats ? info.result.repeats.length : 0;
      // With `repeats: k` the objective is the mean over the repeats: shown with their spread.
      if (repeats > 1 && typeof info.result.objective === "number") row.text.objective = fmt(info.result.objective) + " ± " + fmt(info.result.objectiveStd) + " (mean of " + repeats + ")";
      if (info && info.result.failed) row.text.objective = "failed: " + info.result.failed;
      keys.forEach(function (k) { row.cells["set:" + k] = texts[i][k]; row.text["set:" + k] = texts[i][k] === undefined ? "—" : shortNumbers(texts[i][k]); });
      metrics.forEach(function (m) { row.cells["m:" + m] = final[m]; row.text["m:" + m] = fmtMetric(m, final[m]); });
      return row;
    });
    // Without report.json (running, or killed), rank on the last validation loss.
    if (rows.every(function (r) { return r.cells.rank === null; }) && metrics.indexOf("loss") >= 0) {
      rows.slice().filter(function (r) { return typeof r.cells["m:loss"] === "number"; }).sort(function (a, b) { return a.cells["m:loss"] - b.cells["m:loss"]; }).forEach(function (r, i) { r.cells.rank = i + 1; });
    }
    rows.sort(function (a, b) { return (a.cells.rank || Infinity) - (b.cells.rank || Infinity) || a.cells.trial - b.cells.trial; });
    var columns = [{ key: "rank", label: "rank", numeric: true }, { key: "trial", label: "trial", numeric: true }]
      .concat(keys.map(function (k) { return { key: "set:" + k, label: k }; }))
      .concat([{ key: "objective", label: "objective", numeric: true }, { key: "epochs", label: "epochs", numeric: true }])
      .concat(metrics.map(function (m) { return { key: "m:" + m, label: "last " + m, numeric: true }; }));
    fillTable(byId("trials"), columns, rows, true);
  }

  function membersTable(shown) {
    var members = partsOf(shown, "member");
    section("members-section", members.length > 0);
    if (!members.length) return;
    var columns = [{ key: "member", label: "member" }, { key: "seed", label: "seed", numeric: true }, { key: "epochs", label: "epochs", numeric: true }];
    var rows = members.map(function (m, i) {
      var reportMembers = (m.parent.report && m.parent.report.members) || [];
      var result = reportMembers[Number(/(\d+)$/.exec(m.run.id)[1]) - 1] || null;
      var row = { cells: { member: m.run.label, seed: result ? result.seed : null, epochs: m.run.epochs.length }, text: {}, attrs: { "data-run": m.run.id } };
      Object.keys((result && result.test) || {}).forEach(function (k) {
        if (!columns.some(function (c) { return c.key === k; })) columns.push({ key: k, label: "test " + k, numeric: true });
        row.cells[k] = result.test[k];
        row.text[k] = fmtMetric(k, result.test[k]);
      });
      return row;
    });
    var vote = members[0].parent.report && members[0].parent.report.test;
    if (vote) {
      var row = { cells: { member: "the vote", seed: null, epochs: null }, text: { seed: "", epochs: "" }, attrs: { "data-vote": "" } };
      Object.keys(vote).forEach(function (k) { row.cells[k] = vote[k]; row.text[k] = fmtMetric(k, vote[k]); });
      rows.push(row);
    }
    fillTable(byId("members"), columns, rows, false);
  }

  function meanSd(values) {
    var mean = values.reduce(function (s, v) { return s + v; }, 0) / values.length;
    var sd = Math.sqrt(values.reduce(function (s, v) { return s + (v - mean) * (v - mean); }, 0) / Math.max(1, values.length - 1));
    return { mean: mean, std: sd };
  }

  function foldsTable(shown) {
    var folds = partsOf(shown, "fold");
    section("folds-section", folds.length > 0);
    if (!folds.length) return;
    var metrics = metricNames(folds.map(function (f) { return f.run; }));
    var columns = [{ key: "fold", label: "fold" }, { key: "epochs", label: "epochs", numeric: true }].concat(metrics.map(function (m) { return { key: m, label: "val " + m, numeric: true }; }));
    var rows = folds.map(function (f) {
      var final = finalMetrics(f.run);
      var row = { cells: { fold: f.run.label, epochs: f.run.epochs.length }, text: {}, attrs: { "data-run": f.run.id } };
      metrics.forEach(function (m) { row.cells[m] = final[m]; row.text[m] = fmtMetric(m, final[m]); });
      return row;
    });
    // The report's mean ± sd (at each fold's best epoch) when written, else over the last epochs so far.
    var reported = folds[0].parent.report && folds[0].parent.report.folds && folds[0].parent.report.folds.validation;
    var mean = { cells: { fold: "mean ± sd" }, text: { epochs: "" }, attrs: { "data-summary": "" } };
    metrics.forEach(function (m) {
      var values = rows.map(function (r) { return r.cells[m]; }).filter(function (v) { return typeof v === "number"; });
      var ms = reported && reported[m] ? reported[m] : values.length ? meanSd(values) : null;
      mean.cells[m] = ms ? ms.mean : null;
      mean.text[m] = ms ? fmtMetric(m, ms.mean) + " ± " + fmtMetric(m, ms.std) : "—";
    });
    rows.push(mean);
    fillTable(byId("folds"), columns, rows, false);
  }

  // ——— The page ———

  function ranOf(run) {
    return (run.report && run.report.ran) || (run.settings && run.settings.ran) || null;
  }

  function statusText(run) {
    var ran = ranOf(run);
    var total = ran && ran.epochs;
    var report = run.report;
    var last = run.epochs[run.epochs.length - 1];
    // A trial with repeats has no report of its own: it ended when each of its repeats did.
    var children = run.children || [];
    if (!report && !run.epochs.length && children.length && children.every(function (c) { return c.report; })) return "finished: " + children.length + " " + children[0].part + "s";
    if (report) {
      var parts = [];
      var stop = report.interrupted;
      if (stop) {
        var how = stop.signal === "SIGINT" ? "interrupted (Ctrl-C)" : stop.signal === "SIGTERM" ? "terminated (SIGTERM)" : "stopped by the program";
        parts.push(how + (stop.epoch === 0 ? " while loading the data" : " during epoch " + stop.epoch) + (stop.lastCompleted === null ? ", before any epoch finished" : ": ends with epoch " + stop.lastCompleted + ", no test metrics; running the training again resumes after it"));
      }
      else if (!run.epochs.length && run.children.length) parts.push("finished: " + run.children.length + " " + run.children[0].part + "s");
      else parts.push("finished: " + run.epochs.length + " epoch" + (run.epochs.length === 1 ? "" : "s") + (report.stoppedEarly ? " (stopped early)" : ""));
      if (report.bestEpoch !== null && report.bestEpoch !== undefined) parts.push("best epoch " + report.bestEpoch);
      if (report.seconds) parts.push(fmtSeconds(report.seconds.total));
      return parts.join(" · ");
    }
    var text = "running (or stopped before its end): " + (last ? "epoch " + last.epoch + (total ? " of " + total : "") + " done" : "no epoch done yet");
    if (run.step) text += " · epoch " + run.step.epoch + ", step " + run.step.step + "/" + run.step.steps + ", loss " + fmt(run.step.loss);
    return text;
  }

  /**
   * The runs whose curves are drawn: a run without epochs of its own (a search, an ensemble, k folds,
   * a trial with repeats) by its parts, and theirs; each once.
   */
  function plotted(shown) {
    var out = [];
    function add(run) {
      if (run.epochs.length || !(run.children || []).length) {
        if (out.indexOf(run) < 0) out.push(run);
      } else run.children.forEach(add);
    }
    shown.forEach(add);
    return out;
  }

  function render() {
    var shown = selected.map(function (id) { return runs.get(id); }).filter(Boolean);
    var first = shown[0];
    byId("title").textContent = shown.length === 0 ? "nnc board" : shown.length === 1 ? nameOf(first) : shown.length + " runs";
    var settings = first && first.settings;
    byId("source").textContent = shown.length === 1 && settings ? "training " + settings.label + " from " + settings.source : "";
    var ran = first && ranOf(first);
    byId("backend").textContent = shown.length === 1 && ran && ran.backendLine ? ran.backendLine : shown.length === 1 && first.report && first.report.backend ? first.report.backend.name : "";
    byId("status").textContent = shown.length === 1 ? statusText(first) : "";
    destroyCharts();
    clear(byId("charts"));
    if (shown.length) curves(plotted(shown));
    testTable(shown);
    trialsTable(shown);
    membersTable(shown);
    foldsTable(shown);
    settingsTable(shown);
    summaryTable(shown);
    renderList();
  }

  var pending = null;
  function renderSoon() {
    if (pending) return;
    pending = setTimeout(function () { pending = null; render(); }, 150);
  }

  function renderList() {
    var list = clear(byId("runs"));
    byId("runs-empty").hidden = listed.length > 0;
    function item(entry, depth) {
      var box = el("input", { type: "checkbox", "aria-label": "show " + entry.label });
      box.checked = selected.indexOf(entry.id) >= 0;
      box.addEventListener("change", function () { toggle(entry.id, box.checked); });
      var label = el("label", null, [box, " ", entry.label]);
      var li = el("li", { "data-run": entry.id, "data-part": entry.part, class: (box.checked ? "selected " : "") + "depth-" + depth }, [label]);
      list.appendChild(li);
      (entry.children || []).forEach(function (c) { item(c, depth + 1); });
    }
    listed.forEach(function (e) { item(e, 0); });
  }

  function toggle(id, on) {
    selected = selected.filter(function (s) { return s !== id; });
    if (on) selected.push(id);
    if (on && !runs.has(id)) load(id);
    else render();
  }

  function load(id) {
    return fetch("/api/runs/" + id.split("/").map(encodeURIComponent).join("/"))
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (run) {
        if (run) index(run);
        render();
      });
  }

  function startLive() {
    fetch("/api/runs").then(function (r) { return r.json(); }).then(function (list) {
      listed = list;
      if (!selected.length && list.length) selected = [list[0].id];
      renderList();
      selected.forEach(load);
    });
    var events = new EventSource("/api/events");
    events.addEventListener("runs", function (e) {
      listed = JSON.parse(e.data);
      if (!selected.length && listed.length) toggle(listed[0].id, true);
      else renderList();
    });
    events.addEventListener("line", function (e) {
      var message = JSON.parse(e.data);
      var run = runs.get(message.id);
      if (!run) return;
      if (message.record.kind === "step") {
        run.step = message.record;
        if (selected.length === 1 && selected[0] === message.id) byId("status").textContent = statusText(run);
        return;
      }
      run.epochs = run.epochs.filter(function (r) { return r.epoch < message.record.epoch; }).concat([message.record]);
      run.step = null;
      if (isShown(message.id)) renderSoon();
    });
    // settings.json, report.json or summary.json changed, or metrics.jsonl was rewritten: read the run again.
    events.addEventListener("changed", function (e) {
      var id = JSON.parse(e.data).id;
      var top = id.split("/")[0];
      if (runs.has(top)) load(top);
    });
  }

  function isShown(id) {
    return selected.some(function (s) { return s === id || id.indexOf(s + "/") === 0 || s.indexOf(id + "/") === 0; });
  }

  function startReport() {
    var run = JSON.parse(byId("run-data").textContent);
    index(run);
    function entry(r) { return { id: r.id, label: r.label, part: r.part, children: (r.children || []).map(entry) }; }
    listed = [entry(run)];
    selected = [run.id];
    render();
  }

  if (live) startLive();
  else startReport();
})();
