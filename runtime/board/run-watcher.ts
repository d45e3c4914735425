/**
 * Finds the run folders under the board's folder and follows them: new runs, new parts (trials,
 * members, folds, a trial's repeats), new lines of `metrics.jsonl` and rewritten `settings.json`,
 * `report.json` or `summary.json`. `fs.watch` says when to look; a rescan every `intervalMs` catches
 * what it misses (network file systems, editors that replace folders, platforms without recursive
 * watching).
 */
import { closeSync, fstatSync, lstatSync, readdirSync, readSync, statSync, watch, type FSWatcher } from "node:fs";
import { join } from "node:path";
import { isStep, parseMetricsLine, partFolders, type RunPart } from "../report/run-data.js";
import type { EpochRecord, StepRecord } from "../core/history.js";
import { openRegularFile, readerInside, realPathInside } from "./inside.js";

/** A run as the list shows it. */
export interface RunEntry {
  readonly id: string;
  readonly label: string;
  readonly part: RunPart;
  /** Epoch lines so far. */
  readonly epochs: number;
  /** Whether `report.json` is there (the run ended). */
  readonly finished: boolean;
  /** Milliseconds since the epoch of the last change seen: the list is newest first. */
  readonly updated: number;
  readonly children: readonly RunEntry[];
}

export type RunEvent =
  | { readonly type: "runs"; readonly runs: readonly RunEntry[] }
  | { readonly type: "line"; readonly id: string; readonly record: EpochRecord | StepRecord }
  | { readonly type: "changed"; readonly id: string };

/** What is known of one folder (a run or a part) between two looks. */
interface Followed {
  readonly id: string;
  readonly dir: string;
  readonly part: RunPart;
  label: string;
  /** Bytes of `metrics.jsonl` already read up to the last complete line. */
  offset: number;
  /** The file's inode: an atomic rewrite replaces it, and reading must start over. */
  inode: number;
  epochs: number;
  stamps: string;
  finished: boolean;
  updated: number;
  children: string[];
}

/** Files whose change makes the page read the run again. */
const WATCHED_FILES = ["settings.json", "report.json", "summary.json"];
/** How deep below the folder runs are looked for (`runs/<label>`, `runs/<group>/<label>`, …). */
const MAX_DEPTH = 3;

export class RunWatcher {
  private readonly followed = new Map<string, Followed>();
  private readonly listeners = new Set<(event: RunEvent) => void>();
  private readonly read;
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private scheduled: NodeJS.Timeout | null = null;

  /** `root` must be a real path (no symbolic link in it). */
  constructor(readonly root: string, private readonly intervalMs = 1000) {
    this.read = readerInside(root);
  }

  start(): void {
    this.scan(false);
    try {
      this.watcher = watch(this.root, { recursive: true }, () => this.scanSoon());
      this.watcher.on("error", () => {
        // The folder went away or the platform gave up watching: the periodic rescan carries on.
        this.watcher?.close();
        this.watcher = null;
      });
    } catch {
      this.watcher = null;
    }
    this.timer = setInterval(() => this.scan(true), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    this.watcher?.close();
    this.watcher = null;
    if (this.timer) clearInterval(this.timer);
    if (this.scheduled) clearTimeout(this.scheduled);
    this.timer = this.scheduled = null;
    this.listeners.clear();
  }

  onEvent(listener: (event: RunEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Whether `id` is a run or a part the watcher follows (the only ids the server answers for). */
  has(id: string): boolean {
    return this.followed.has(id);
  }

  /** The folder of a followed run, checked again to lie under the root. */
  folderOf(id: string): string | null {
    const run = this.followed.get(id);
    return run ? realPathInside(this.root, run.dir) : null;
  }

  partOf(id: string): RunPart | null {
    return this.followed.get(id)?.part ?? null;
  }

  get reader() {
    return this.read;
  }

  /** The runs, newest first, each with its parts. */
  list(): RunEntry[] {
    const entry = (f: Followed): RunEntry => ({
      id: f.id,
      label: f.label,
      part: f.part,
      epochs: f.epochs,
      finished: f.finished,
      updated: f.updated,
      children: f.children.map((c) => this.followed.get(c)).filter((c): c is Followed => c !== undefined).map(entry),
    });
    return [...this.followed.values()].filter((f) => f.part === "run").map(entry).sort((a, b) => b.updated - a.updated || a.id.localeCompare(b.id));
  }

  private scanSoon(): void {
    if (this.scheduled) return;
    // Several events come with every write: look once after they settle.
    this.scheduled = setTimeout(() => {
      this.scheduled = null;
      this.scan(true);
    }, 50);
  }

  /** Looks at every folder once; with `announce`, tells the listeners what changed. */
  scan(announce: boolean): void {
    let listChanged = false;
    const seen = new Set<string>();
    // A folder and its parts, and theirs (a search's trials, a trial's repeats).
    const look = (id: string, dir: string, part: RunPart) => {
      seen.add(id);
      if (this.follow(id, dir, part, announce)) listChanged = true;
      const parent = this.followed.get(id)!;
      const parts = partFolders(dir, part).map((p) => ({ id: `${id}/${p.name}`, dir: join(dir, p.name), part: p.part }));
      const partIds = parts.map((p) => p.id);
      if (partIds.join("\n") !== parent.children.join("\n")) {
        parent.children = partIds;
        listChanged = true;
        if (announce) this.emit({ type: "changed", id });
      }
      for (const p of parts) look(p.id, p.dir, p.part);
    };
    for (const { id, dir } of this.runFolders()) look(id, dir, "run");
    for (const id of [...this.followed.keys()]) {
      if (!seen.has(id)) {
        this.followed.delete(id);
        listChanged = true;
      }
    }
    if (listChanged && announce) this.emit({ type: "runs", runs: this.list() });
  }

  /** Run folders: real folders (not links) under the root that hold `settings.json` or `metrics.jsonl`. */
  private runFolders(): { id: string; dir: string }[] {
    const found: { id: string; dir: string }[] = [];
    const walk = (dir: string, prefix: string, depth: number) => {
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        // A symbolic link may point anywhere: the board never follows one.
        if (!e.isDirectory() || e.isSymbolicLink() || e.name === "checkpoint" || e.name.startsWith(".")) continue;
        const path = join(dir, e.name);
        const id = prefix ? `${prefix}/${e.name}` : e.name;
        if (isRunFolder(path)) found.push({ id, dir: path });
        else if (depth < MAX_DEPTH) walk(path, id, depth + 1);
      }
    };
    walk(this.root, "", 1);
    return found;
  }

  /** Starts following a folder, or reads what changed in it. Returns whether the list changes. */
  private follow(id: string, dir: string, part: RunPart, announce: boolean): boolean {
    let run = this.followed.get(id);
    const isNew = run === undefined;
    if (!run) {
      run = { id, dir, part, label: id.split("/").at(-1) ?? id, offset: 0, inode: -1, epochs: 0, stamps: "", finished: false, updated: 0, children: [] };
      this.followed.set(id, run);
    }
    const before = `${run.label}|${run.epochs}|${run.finished}`;
    const stamps = WATCHED_FILES.map((name) => stampOf(join(dir, name))).join("|");
    run.updated = Math.max(run.updated, ...[...WATCHED_FILES, "metrics.jsonl"].map((name) => modifiedAt(join(dir, name))));
    if (stamps !== run.stamps) {
      run.stamps = stamps;
      if (part === "run") {
        const label = labelIn(this.read(join(dir, "settings.json")));
        if (label !== null) run.label = label;
      }
      run.finished = stampOf(join(dir, "report.json")) !== "";
      if (announce && !isNew) this.emit({ type: "changed", id });
    }
    this.readNewLines(run, announce && !isNew);
    return isNew || before !== `${run.label}|${run.epochs}|${run.finished}`;
  }

  /** Reads `metrics.jsonl` past the last complete line; a shorter file was rewritten (a resumed run). */
  private readNewLines(run: Followed, announce: boolean): void {
    const path = join(run.dir, "metrics.jsonl");
    if (realPathInside(this.root, path) === null) return;
    const fd = openRegularFile(path);
    if (fd === null) return;
    try {
      const stat = fstatSync(fd);
      const size = stat.size;
      const replaced = run.inode !== -1 && stat.ino !== run.inode;
      run.inode = stat.ino;
      if (size < run.offset || replaced) {
        run.offset = 0;
        run.epochs = 0;
        if (announce) this.emit({ type: "changed", id: run.id });
        announce = false;
      }
      if (size === run.offset) return;
      const buffer = Buffer.alloc(size - run.offset);
      const got = readSync(fd, buffer, 0, buffer.length, run.offset);
      const text = buffer.subarray(0, got).toString("utf8");
      const end = text.lastIndexOf("\n");
      if (end < 0) return;
      run.offset += Buffer.byteLength(text.slice(0, end + 1));
      for (const line of text.slice(0, end).split("\n")) {
        const record = parseMetricsLine(line);
        if (record === null) continue;
        if (!isStep(record)) run.epochs++;
        if (announce) this.emit({ type: "line", id: run.id, record });
      }
    } catch {
      // Replaced while being read: the next look reads it again.
    } finally {
      closeSync(fd);
    }
  }

  private emit(event: RunEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

function labelIn(settingsText: string | null): string | null {
  try {
    const label = (JSON.parse(settingsText ?? "null") as { label?: unknown } | null)?.label;
    return typeof label === "string" ? label : null;
  } catch {
    return null;
  }
}

function isRunFolder(dir: string): boolean {
  return ["settings.json", "metrics.jsonl"].some((name) => {
    try {
      return lstatSync(join(dir, name)).isFile();
    } catch {
      return false;
    }
  });
}

function modifiedAt(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/** Size and modification time, or "" for a missing file: enough to tell a rewrite. */
function stampOf(path: string): string {
  try {
    const s = statSync(path);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return "";
  }
}
