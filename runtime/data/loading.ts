/**
 * Loading data is synchronous work that can take seconds (a large CSV file parsed, a folder of
 * images decoded, MNIST expanded to 250,000 images). Each loader is written once, as a generator
 * that yields between pieces of its work (a chunk of a file, an image, a block of examples) and
 * returns what it loaded; the yields carry nothing. Two drivers run it:
 *
 * - `loadNow` runs it to its end at once, for callers that need the data synchronously
 *   (`nnc predict`, `nnc evaluate`, tests): the same code, the same result, no pauses.
 * - `loadPaced` (training) lets the event loop run every ~50 ms, so a Ctrl-C is heard while the
 *   data loads, and stops loading when the training's stop signal is aborted (`LoadingStopped`).
 */
import { YIELD_INTERVAL_MS, yieldToEventLoop } from "../core/random.js";

/** A loader's work: `yield` where it may pause, `return` what it loaded; `yield*` runs another loader's. */
export type Loading<T> = Generator<void, T, void>;

/** Runs a loading to its end without pausing. */
export function loadNow<T>(loading: Loading<T>): T {
  for (;;) {
    const step = loading.next();
    if (step.done) return step.value;
  }
}

/** Thrown by `loadPaced` when its stop signal was aborted: the loading was given up. */
export class LoadingStopped extends Error {
  override readonly name = "LoadingStopped";

  /** What aborted the signal: "SIGINT", "SIGTERM", or "abort" (a program's own AbortSignal). */
  constructor(readonly reason: string) {
    super(`loading the data was stopped (${reason})`);
  }
}

/**
 * Runs a loading, letting the event loop run at most every `every` ms (signal handlers, timers).
 * After each such turn, an aborted `stop` ends the loading (its generator is closed) with
 * `LoadingStopped`. The result is the one `loadNow` gives: the pauses change nothing of it.
 */
export async function loadPaced<T>(loading: Loading<T>, options: { readonly stop?: AbortSignal; readonly every?: number } = {}): Promise<T> {
  const every = options.every ?? YIELD_INTERVAL_MS;
  let last = performance.now();
  try {
    for (;;) {
      const step = loading.next();
      if (step.done) return step.value;
      if (performance.now() - last < every) continue;
      await yieldToEventLoop();
      last = performance.now();
      const stop = options.stop;
      if (stop?.aborted) throw new LoadingStopped(typeof stop.reason === "string" ? stop.reason : "abort");
    }
  } finally {
    // Runs the loader's own `finally` blocks (a file log restored) when it did not finish.
    loading.return(undefined as never);
  }
}
