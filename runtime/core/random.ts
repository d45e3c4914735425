/**
 * Seeded randomness. One generator drives everything random in a training (data order, splits,
 * augmentation, and through `withSeededMathRandom` the initializers and dropout masks tfjs draws
 * from `Math.random`), so the same seed on the same backend gives the same run.
 */

/** A seeded generator of uniform numbers in [0, 1) (mulberry32: small, fast, good enough here). */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A standard normal sample (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** The generator's state, to save in a checkpoint. */
  get snapshot(): number {
    return this.state;
  }

  /**
   * Puts this generator back to a saved state. The object stays the same: `withSeededMathRandom`
   * draws `Math.random` from it (tfjs's dropout masks on the autograd path), so a resumed run must
   * move this one, not make a new one.
   */
  setState(snapshot: number): void {
    this.state = snapshot >>> 0;
  }

  static restore(snapshot: number): Rng {
    const rng = new Rng(0);
    rng.state = snapshot >>> 0;
    return rng;
  }

  /** A new independent generator, for a part of the run that must not shift the others' sequence. */
  fork(): Rng {
    return new Rng(this.int(2 ** 31) + 1);
  }
}

/** A permutation of 0 … n-1 (Fisher–Yates). */
export function permutation(n: number, rng: Rng): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

/**
 * Runs `fn` with `Math.random` drawing from `rng`. tfjs draws initial weights and dropout masks
 * from `Math.random` when no seed is given; routing it through the training's generator makes them
 * reproducible while every dropout call still gets a fresh mask (a fixed tfjs seed would repeat it).
 */
export async function withSeededMathRandom<T>(rng: Rng, fn: () => Promise<T>): Promise<T> {
  const original = Math.random;
  const outer = outside;
  outside = original;
  Math.random = () => rng.next();
  try {
    return await fn();
  } finally {
    Math.random = original;
    outside = outer;
  }
}

/** `Math.random` as it was before `withSeededMathRandom` replaced it, while one runs. */
let outside: (() => number) | null = null;

/** Long synchronous work (training steps, loading data) lets the event loop run at most this often (to hear Ctrl-C; each turn costs microseconds). */
export const YIELD_INTERVAL_MS = 50;

/**
 * Lets the event loop run (signal handlers, timers, I/O) between two training steps, which are
 * synchronous. Whatever runs meanwhile draws from the original `Math.random`, not the training's
 * generator, so a run's numbers do not depend on what else the process did.
 */
export async function yieldToEventLoop(): Promise<void> {
  const seeded = Math.random;
  if (outside) Math.random = outside;
  try {
    await new Promise<void>((done) => setImmediate(done));
  } finally {
    Math.random = seeded;
  }
}
