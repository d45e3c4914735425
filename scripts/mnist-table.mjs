#!/usr/bin/env node
// The lectures' MNIST table, measured: trains examples/mnist/1_baseline.nn … 7_ensemble.nn with the
// files' own settings through the real CLI (`nnc train FILE --run-dir DIR/ROW`) and writes
// examples/RESULTS.md: each row's measured test accuracy beside the lectures' figure (read from the
// file's `Reported: …%` comment), the epochs run, seconds per epoch, the training time, and the
// machine. Needs the compiled sources (npm run build).
//
//   node scripts/mnist-table.mjs [--runs DIR] [--rows 1-4,6] [--collect] [--jobs N] [--force] [--out FILE]
//   node scripts/mnist-table.mjs --quick [--limit N] [--out FILE] [--runs DIR]
//
// --runs DIR   the folder holding one run folder per row (DIR/1_baseline, …); default runs/table.
// --rows LIST  the rows to train (1-based, e.g. `1-4,6`); the others are only read. Default: all.
// --collect    train nothing: write the table from the run folders as they are.
// --jobs N     passed to `nnc train` (the ensemble's members, N at a time).
// --force      train a row even though its run folder was written in the last 10 minutes (another
//              process may be training it).
// --out FILE   where the table goes; default examples/RESULTS.md (with --quick: runs/RESULTS-quick.md,
//              so a quick check never overwrites measured results).
// --quick      every row for 1 epoch on --limit N examples per part (default 200), into a temporary
//              folder (kept only when --runs is given): a check that the table runs, not results.
//
// A row whose run folder holds a finished report.json of the same file with the same settings (and,
// outside --quick, the file's epochs and no --limit) is taken as measured and not trained again, so
// rows trained earlier, elsewhere or in the background count. A folder holding a run of other
// settings is refused, never overwritten. A row that was stopped is trained again with the same
// --run-dir: rows with `checkpoint:` (5–7) resume from their last epoch, the others start over.
// The table is written again after every row. Numbers only ever come from report.json: a row
// without a finished one is listed as "not run".
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { isDeepStrictEqual, parseArgs } from "node:util";

const ROOT = resolve(import.meta.dirname, "..");
const NNC = join(ROOT, "bin", "nnc.js");
const ROWS = ["1_baseline", "2_conv_pool", "3_two_conv_pool", "4_relu_l2", "5_expanded", "6_dropout", "7_ensemble"];
/** A run folder written to this recently, without a finished report, may be training right now. */
const BUSY_SECONDS = 600;
/** What the script records beside nnc's files in a row's run folder it trains. */
const MACHINE_FILE = "table-machine.json";

class Refusal extends Error {}

function usage(message) {
  process.stderr.write(`mnist-table: ${message}\nusage: node scripts/mnist-table.mjs [--runs DIR] [--rows 1-4,6] [--collect] [--jobs N] [--force] [--out FILE]\n       node scripts/mnist-table.mjs --quick [--limit N] [--out FILE] [--runs DIR]\n`);
  process.exit(2);
}

function positive(value, flag) {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) usage(`${flag} must be a positive integer, not \`${value}\``);
  return n;
}

function rowsOf(text) {
  const picked = new Set();
  for (const part of text.split(",")) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) usage(`--rows takes row numbers and ranges such as 1-4,6, not \`${text}\``);
    const [from, to] = [Number(m[1]), Number(m[2] ?? m[1])];
    if (from < 1 || to > ROWS.length || from > to) usage(`--rows: rows are 1 to ${ROWS.length}`);
    for (let i = from; i <= to; i++) picked.add(i - 1);
  }
  return picked;
}

const shown = (path) => {
  const rel = relative(process.cwd(), path);
  return rel === "" ? "." : rel.startsWith("..") ? path : rel;
};
const quote = (s) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`);
const readJson = (path) => {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return null;
  }
};

/** The training a row's file declares, resolved by nnc's checker (its settings.json records the same object). */
async function resolvedTraining(file) {
  const { checkProgram } = await import("../dist/compiler/check/check.js");
  const result = checkProgram([file]);
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  if (errors.length) throw new Refusal(`${shown(file)} does not check: ${errors.map((d) => `${d.code} ${d.message}`).join("; ")} (run \`npx nnc check ${shown(file)}\`)`);
  const trainings = result.trainings.filter((t) => t.resolved);
  if (trainings.length !== 1) throw new Refusal(`${shown(file)} declares ${trainings.length} trainings; the table expects one`);
  return { label: trainings[0].name, settings: JSON.parse(JSON.stringify(trainings[0].resolved)) };
}

/**
 * Where the recorded settings and the file's differ, as `path: run X, file Y`. Keys only one side
 * has are skipped: a run recorded by an older or newer nnc has the same settings in other words.
 */
function differences(recorded, current, path = "") {
  if (isDeepStrictEqual(recorded, current)) return [];
  const objects = (v) => v !== null && typeof v === "object";
  if (objects(recorded) && objects(current) && Array.isArray(recorded) === Array.isArray(current) && (!Array.isArray(recorded) || recorded.length === current.length)) {
    return Object.keys(recorded)
      .filter((k) => k in current)
      .flatMap((k) => differences(recorded[k], current[k], path ? `${path}.${k}` : k));
  }
  return [`${path || "settings"}: the run has ${JSON.stringify(recorded)}, the file ${JSON.stringify(current)}`];
}

/** A short description of a row's settings, from the resolved training. */
function describe(training) {
  const s = training.settings;
  const parts = [];
  const opt = s.optimizer ?? {};
  parts.push(`${String(opt.kind ?? "?").toUpperCase()} η ${opt.lr}`);
  if (s.regularization?.kind === "l2") parts.push(`L2 λ ${s.regularization.lambda}`);
  if (s.expand?.length) parts.push(`expanded: ${s.expand.map((e) => (e.kind === "shift" ? `shifts of ${e.pixels} px` : e.kind)).join(", ")}`);
  parts.push(`batch ${s.batchSize}`, `${s.epochs} epochs`);
  if (s.ensemble > 1) parts.push(`ensemble of ${s.ensemble} (${s.vote} vote)`);
  return parts.join(", ");
}

/** The epoch records of metrics.jsonl (step lines skipped). */
function epochLines(dir) {
  let text;
  try {
    text = readFileSync(join(dir, "metrics.jsonl"), "utf8");
  } catch {
    return 0;
  }
  return text.split("\n").filter((l) => l.trim() && !l.includes('"kind":"step"')).length;
}

/** Seconds since anything directly in the run folder (or its checkpoint/, or a member's) was written. */
function quietSeconds(dir) {
  let newest = 0;
  const look = (p) => {
    try {
      newest = Math.max(newest, statSync(p).mtimeMs);
    } catch {}
  };
  for (const name of ["metrics.jsonl", "settings.json", "report.json", "checkpoint"]) look(join(dir, name));
  for (let m = 1; m <= 16; m++) for (const name of ["metrics.jsonl", "checkpoint"]) look(join(dir, `member-${m}`, name));
  return newest === 0 ? Infinity : (Date.now() - newest) / 1000;
}

/**
 * What a row's run folder holds: `{ state: "finished", report, settings }`, `{ state: "unfinished", epochs }`
 * (stopped, or still training) or `{ state: "empty" }`. Throws `Refusal` for a run of other settings.
 */
function inspect(row, expect) {
  const settingsJson = readJson(join(row.dir, "settings.json"));
  if (!settingsJson) return { state: "empty", epochs: 0 };
  const why = [];
  if (typeof settingsJson.sourcePath === "string" && resolve(settingsJson.sourcePath) !== row.file) why.push(`it is a run of ${settingsJson.sourcePath}, not ${row.file}`);
  if (settingsJson.label !== row.training.label) why.push(`it is a run of training \`${settingsJson.label}\`, not \`${row.training.label}\``);
  why.push(...differences(settingsJson.settings ?? {}, row.training.settings));
  const ran = settingsJson.ran ?? {};
  if (ran.epochs !== expect.epochs) why.push(`it ran ${ran.epochs} epoch${ran.epochs === 1 ? "" : "s"}, the table wants ${expect.epochs}`);
  if ((ran.limit ?? null) !== expect.limit) why.push(`it ran with --limit ${ran.limit ?? "none"}, the table wants ${expect.limit ?? "no --limit"}`);
  if (why.length) {
    throw new Refusal(`${shown(row.dir)} holds a run with other settings than ${shown(row.file)}${expect.limit ? ` at --epochs ${expect.epochs} --limit ${expect.limit}` : ""}, so it is not taken as this row's measurement:\n  - ${why.join("\n  - ")}\nTrain the table into another folder (--runs DIR), or delete ${shown(row.dir)} to measure the row again.`);
  }
  const report = readJson(join(row.dir, "report.json"));
  // A report of an earlier session in the same folder (settings.json was written again since) or of
  // a stopped run is not a result: the run goes on from its checkpoint, or starts over.
  if (report && report.interrupted == null && report.ran?.startedAt === ran.startedAt && report.test) return { state: "finished", report, settings: settingsJson };
  return { state: "unfinished", epochs: epochLines(row.dir), quiet: quietSeconds(row.dir) };
}

function train(row, flags) {
  const args = [NNC, "train", row.file, "--run-dir", row.dir];
  if (flags.quick) args.push("--epochs", "1", "--limit", String(flags.limit));
  if (flags.jobs) args.push("--jobs", String(flags.jobs));
  process.stderr.write(`\n== row ${row.index + 1}/${ROWS.length}: nnc ${args.slice(1).map((a) => quote(shown(a))).join(" ")}\n`);
  mkdirSync(row.dir, { recursive: true });
  const machine = { cpu: cpuModel(), cores: availableParallelism(), loadAtStart: loadavg()[0], startedAt: new Date().toISOString() };
  return new Promise((done) => {
    // Ctrl-C reaches nnc too (same process group): it stops at the end of its step and saves; the
    // script waits for that, writes the table, and exits with nnc's code.
    const ignore = () => {};
    process.on("SIGINT", ignore);
    process.on("SIGTERM", ignore);
    const child = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "inherit"] });
    child.on("exit", (code, signal) => {
      process.off("SIGINT", ignore);
      process.off("SIGTERM", ignore);
      writeFileSync(join(row.dir, MACHINE_FILE), `${JSON.stringify({ ...machine, loadAtEnd: loadavg()[0], endedAt: new Date().toISOString() }, null, 2)}\n`);
      done(code ?? (signal === "SIGINT" ? 130 : 143));
    });
  });
}

function cpuModel() {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
    if (m) return m[1].trim();
  } catch {}
  return "unknown CPU";
}

const pct = (x) => `${(x * 100).toFixed(2)}%`;
function duration(s) {
  if (s < 90) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 5400) return `${(s / 60).toFixed(1)} min`;
  return `${Math.floor(s / 3600)} h ${String(Math.round((s % 3600) / 60)).padStart(2, "0")} min`;
}

/** One row of the table from a finished report. */
function measured(row) {
  const found = row.found;
  const { report } = found;
  const nets = report.members?.length ? report.members : [report];
  const lengths = nets.map((n) => n.history.length);
  const epochs = nets.length > 1 ? (lengths.every((l) => l === lengths[0]) ? `${nets.length} × ${lengths[0]}` : lengths.join(" + ")) : String(lengths[0]);
  const resumed = nets.map((n) => n.resumedFrom).filter((r) => r != null);
  const epochSum = nets.flatMap((n) => n.history).reduce((s, r) => s + r.seconds, 0);
  const notes = [];
  // A resumed run's report.json times only its last session; the epochs' own times cover every session.
  const total = resumed.length ? `${duration(epochSum)}¹` : duration(report.seconds.total);
  if (resumed.length) notes.push(`resumed from epoch ${resumed.join(", ")}`);
  if (nets.length > 1) {
    const accs = report.members.map((m) => m.test?.accuracy).filter((a) => typeof a === "number");
    if (accs.length) notes.push(`members ${pct(Math.min(...accs))}–${pct(Math.max(...accs))}`);
  }
  const best = nets.length === 1 && report.bestEpoch != null ? report.history[report.bestEpoch - 1]?.validation?.accuracy : null;
  if (typeof best === "number") notes.push(`best validation ${pct(best)} (epoch ${report.bestEpoch})`);
  const machine = readJson(join(row.dir, MACHINE_FILE));
  if (machine) {
    const shared = machine.loadAtStart > machine.cores * 0.5 ? ", machine shared" : "";
    notes.push(`load ${machine.loadAtStart.toFixed(1)} at start${shared}`);
  } else notes.push("trained outside this script");
  return {
    accuracy: `**${pct(report.test.accuracy)}**`,
    epochs,
    perEpoch: report.seconds.perEpoch.toFixed(1),
    total,
    finished: (machine?.endedAt ?? report.ran?.startedAt ?? "").slice(0, 10),
    notes: notes.join("; "),
    backendLine: found.settings.ran?.backendLine ?? report.backend?.name ?? "?",
    threads: found.settings.ran?.threads ?? null,
  };
}

function table(rows, flags, command, runs, temporary) {
  const now = new Date();
  const lines = [];
  if (flags.quick) {
    lines.push(
      "# The lectures' MNIST table: QUICK CHECK, NOT RESULTS",
      "",
      `> **Quick check, not results.** Every row trained for 1 epoch on ${flags.limit} examples per part`,
      "> (`--epochs 1 --limit " + flags.limit + "`): it shows that the whole table runs, not what the networks reach.",
      "> The measured results are in examples/RESULTS.md (`node scripts/mnist-table.mjs`).",
    );
  } else {
    lines.push(
      "# The lectures' MNIST table, measured",
      "",
      "Written by `scripts/mnist-table.mjs` from the rows' run folders (report.json and settings.json);",
      "do not edit by hand. Each row is `nnc train examples/mnist/ROW.nn --run-dir DIR/ROW` with the",
      "file's own settings (the lectures'); test accuracy is on the 10,000 MNIST test images after the",
      "last epoch. The lectures' figures are theirs (Nielsen, *Neural Networks and Deep Learning*, ch. 6),",
      "read from each file's `Reported:` comment. A row without a finished run is listed as not run.",
    );
  }
  lines.push("", "| # | program | lectures | nnc, measured | epochs | seconds per epoch | training time | finished | notes |", "|---|---|---|---|---|---|---|---|---|");
  const backends = new Map();
  let anyResumed = false;
  let anyShared = false;
  for (const row of rows) {
    const name = `\`${ROWS[row.index]}.nn\` (${row.training.label}: ${describe(row.training)})`;
    const lectures = row.lectures ?? "—";
    if (row.found.state === "finished") {
      const m = measured(row);
      anyResumed ||= m.total.endsWith("¹");
      anyShared ||= m.notes.includes("machine shared");
      const key = `${m.backendLine}${m.threads ? `, ${m.threads} threads` : ""}`;
      backends.set(key, [...(backends.get(key) ?? []), row.index + 1]);
      lines.push(`| ${row.index + 1} | ${name} | ${lectures} | ${m.accuracy} | ${m.epochs} | ${m.perEpoch} | ${m.total} | ${m.finished} | ${m.notes} |`);
    } else {
      const state =
        row.found.state === "unfinished" && row.found.epochs > 0
          ? `not run (${row.found.quiet < BUSY_SECONDS ? "training" : "stopped"}: ${row.found.epochs} of ${row.training.settings.epochs * (row.training.settings.ensemble > 1 ? row.training.settings.ensemble : 1)} epochs so far)`
          : "not run";
      lines.push(`| ${row.index + 1} | ${name} | ${lectures} | ${state} | — | — | — | — | |`);
    }
  }
  lines.push("");
  if (anyResumed) lines.push("¹ Resumed from a checkpoint: the sum of the epochs' own times over every session (data loading not counted).", "");
  lines.push("## Machine and command", "");
  lines.push(`- CPU: ${cpuModel()}, ${availableParallelism()} cores (this machine, when the table was written; \`${MACHINE_FILE}\` in a row's folder records the load while the script trained it)`);
  if (backends.size === 0) lines.push("- backend: no row measured yet");
  for (const [line, which] of backends) lines.push(`- backend (nnc's first line, from settings.json): ${line} (row${which.length > 1 ? "s" : ""} ${which.join(", ")})`);
  if (anyShared) lines.push("- Rows noted \"machine shared\" trained while other work ran on the same cores (load average above half the cores when the row began): their times are slower than an idle machine's.");
  lines.push(`- node ${process.version}`);
  lines.push(`- run folders: \`${shown(runs)}/ROW\`${flags.quick && temporary ? " (temporary, removed afterwards)" : ""}`);
  lines.push(`- written ${now.toISOString().slice(0, 16).replace("T", " ")} UTC`);
  lines.push(`- command: \`${command}\``);
  lines.push("");
  return lines.join("\n");
}

async function main() {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        runs: { type: "string" },
        rows: { type: "string" },
        collect: { type: "boolean" },
        jobs: { type: "string" },
        force: { type: "boolean" },
        out: { type: "string" },
        quick: { type: "boolean" },
        limit: { type: "string" },
      },
      allowPositionals: false,
    });
  } catch (error) {
    usage(error.message);
  }
  const v = parsed.values;
  if (v.limit !== undefined && !v.quick) usage("--limit goes with --quick (the table's rows use the files' own data)");
  const flags = { quick: v.quick === true, limit: positive(v.limit, "--limit") ?? 200, jobs: positive(v.jobs, "--jobs"), force: v.force === true };
  const temporary = flags.quick && v.runs === undefined;
  const runs = resolve(v.runs ?? (flags.quick ? mkdtempSync(join(tmpdir(), "nnc-table-quick-")) : join(ROOT, "runs", "table")));
  const out = resolve(v.out ?? (flags.quick ? join(ROOT, "runs", "RESULTS-quick.md") : join(ROOT, "examples", "RESULTS.md")));
  if (flags.quick && out === join(ROOT, "examples", "RESULTS.md")) usage("--quick does not write examples/RESULTS.md: that file holds the measured results");
  const toTrain = v.collect ? new Set() : v.rows ? rowsOf(v.rows) : new Set(ROWS.keys());
  const command = ["node", "scripts/mnist-table.mjs", ...process.argv.slice(2)].map(quote).join(" ");
  const expect = (training) => (flags.quick ? { epochs: 1, limit: flags.limit } : { epochs: training.settings.epochs, limit: null });

  const rows = [];
  for (const [index, name] of ROWS.entries()) {
    const file = join(ROOT, "examples", "mnist", `${name}.nn`);
    const training = await resolvedTraining(file);
    const reported = /Reported[^:\n]*:\s*([\d.]+%)/.exec(readFileSync(file, "utf8"));
    rows.push({ index, file, training, lectures: reported?.[1] ?? null, dir: join(runs, name) });
  }
  // Every folder is inspected before anything trains: a refusal stops the table at once.
  for (const row of rows) row.found = inspect(row, expect(row.training));
  for (const row of rows) {
    if (!toTrain.has(row.index) || row.found.state !== "unfinished" || flags.force) continue;
    if (row.found.quiet < BUSY_SECONDS) {
      throw new Refusal(`${shown(row.dir)} was written ${Math.round(row.found.quiet)} s ago and holds no finished report: another process may be training it. Wait for it, leave row ${row.index + 1} out (--rows), or pass --force if nothing is training there.`);
    }
  }
  const write = () => {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, table(rows, flags, command, runs, temporary));
  };
  write();
  let exit = 0;
  for (const row of rows) {
    if (!toTrain.has(row.index)) continue;
    if (row.found.state === "finished") {
      process.stderr.write(`== row ${row.index + 1}: ${shown(row.dir)} holds a finished run of these settings: taken as measured\n`);
      continue;
    }
    const code = await train(row, flags);
    row.found = inspect(row, expect(row.training));
    write();
    if (code !== 0) {
      process.stderr.write(`mnist-table: nnc train exited ${code} on row ${row.index + 1}; the table so far is in ${shown(out)}. The same command goes on from there${row.training.settings.checkpoint ? " (this row from its checkpoint)" : ""}.\n`);
      exit = code;
      break;
    }
  }
  if (temporary) rmSync(runs, { recursive: true, force: true });
  const done = rows.filter((r) => r.found.state === "finished").length;
  process.stdout.write(`${shown(out)}: ${done} of ${rows.length} rows measured${flags.quick ? " (quick check, not results)" : ""}${temporary ? "" : `; run folders in ${shown(runs)}`}\n`);
  return exit;
}

try {
  process.exitCode = await main();
} catch (error) {
  if (!(error instanceof Refusal)) throw error;
  process.stderr.write(`mnist-table: ${error.message}\n`);
  process.exitCode = 1;
}
