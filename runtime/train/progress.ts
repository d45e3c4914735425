/**
 * The progress display of one epoch. On a terminal: one line redrawn in place,
 * `epoch 3/30 [=====>    ] 1200/5000  ETA 0:41  940 examples/s  loss 0.2312  acc 93.10%`, at most every 100 ms, and
 * replaced by the epoch's summary line at the end. Anywhere else (a log file, CI) nothing until the
 * summary line, so logs get exactly one line per epoch. Hand-written: see report/README.md.
 */

export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface EpochProgressOptions {
  /** 1-based. */
  readonly epoch: number;
  readonly epochs: number;
  /** Steps (batches) in this epoch. */
  readonly steps: number;
  readonly stream: NodeJS.WriteStream | ProgressStream;
  /** Milliseconds; defaults to performance.now (tests pass a fake clock). */
  readonly now?: () => number;
}

/** Minimum time between two redraws: faster is invisible and costs terminal I/O on tiny batches. */
export const REDRAW_INTERVAL_MS = 100;
/** Carriage return, then erase the whole line (ANSI EL2). */
const CLEAR_LINE = "\r\x1b[2K";
const BAR_WIDTH = 30;
const MIN_BAR_WIDTH = 10;

/** Seconds as m:ss, or h:mm:ss from an hour on. */
export function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "-:--";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/** Examples per second: whole numbers from 100 on, three significant digits below. */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond) || perSecond <= 0) return "-";
  return perSecond >= 100 ? String(Math.round(perSecond)) : String(Number(perSecond.toPrecision(3)));
}

/** `[=====>    ]` with `width` characters between the brackets. */
export function drawBar(fraction: number, width: number): string {
  const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
  const filled = Math.floor(f * width);
  if (filled >= width) return `[${"=".repeat(width)}]`;
  return `[${"=".repeat(filled)}>${" ".repeat(width - filled - 1)}]`;
}

export class EpochProgress {
  private readonly stream: ProgressStream;
  private readonly tty: boolean;
  private readonly now: () => number;
  private readonly started: number;
  private lastDraw = -Infinity;
  private drawn = false;
  private finished = false;

  constructor(private readonly options: EpochProgressOptions) {
    this.stream = options.stream;
    this.tty = options.stream.isTTY === true;
    this.now = options.now ?? (() => performance.now());
    this.started = this.now();
  }

  /**
   * `step` steps of `steps` are done; `metrics` are the running means so far; `examples` is how
   * many examples those steps trained on (for examples/s; left out of the line when not given).
   */
  update(step: number, metrics: { loss: number; accuracy?: number }, examples?: number): void {
    if (!this.tty || this.finished) return;
    const t = this.now();
    if (t - this.lastDraw < REDRAW_INTERVAL_MS) return;
    this.lastDraw = t;
    this.drawn = true;
    this.stream.write(CLEAR_LINE + this.line(step, metrics, t, examples));
  }

  /** The epoch ends without a summary (an interrupted run): the bar is erased, nothing is printed. */
  cancel(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.tty && this.drawn) this.stream.write(CLEAR_LINE);
  }

  /** Replaces the bar with `line` (a terminal), or prints `line` (anything else); once per epoch. */
  finish(line: string): void {
    if (this.finished) return;
    this.finished = true;
    this.stream.write(`${this.tty && this.drawn ? CLEAR_LINE : ""}${line}\n`);
  }

  private line(step: number, metrics: { loss: number; accuracy?: number }, t: number, examples: number | undefined): string {
    const { epoch, epochs, steps } = this.options;
    const done = Math.min(Math.max(0, step), steps);
    const elapsed = (t - this.started) / 1000;
    // ETA from the mean time per step so far: steadier than the last step's time.
    const eta = done > 0 ? (elapsed / done) * (steps - done) : NaN;
    const counter = `${String(done).padStart(String(steps).length)}/${steps}`;
    let tail = `${counter}  ETA ${formatEta(eta)}`;
    if (examples !== undefined) tail += `  ${formatRate(elapsed > 0 ? examples / elapsed : NaN)} examples/s`;
    tail += `  loss ${metrics.loss.toFixed(4)}`;
    if (metrics.accuracy !== undefined) tail += `  acc ${(metrics.accuracy * 100).toFixed(2)}%`;
    const head = `epoch ${epoch}/${epochs} `;
    // A line wider than the terminal wraps, and `\r` then only rewrites its last row: shrink the bar, then cut.
    const columns = this.stream.columns;
    let width = BAR_WIDTH;
    if (columns !== undefined && columns > 0) width = Math.max(MIN_BAR_WIDTH, Math.min(BAR_WIDTH, columns - 1 - head.length - tail.length - 3));
    const full = `${head}${drawBar(steps > 0 ? done / steps : 1, width)} ${tail}`;
    return columns !== undefined && columns > 0 && full.length > columns - 1 ? full.slice(0, Math.max(0, columns - 1)) : full;
  }
}
