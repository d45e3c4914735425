/**
 * Hyper-parameter search: which values each trial of `tune` uses. A search space sits in the
 * resolved settings where its value goes; a trial is the settings with every space replaced.
 * - `grid`: every combination. `choice` gives its options, `int_uniform` each integer (up to 50),
 *   and a continuous range five evenly spaced points (log-spaced for `log_uniform`).
 * - `random(trials)`: independent draws (Bergstra & Bengio 2012: better than a grid at equal cost).
 * - `bayesian(trials)`: a small tree-structured Parzen estimator (Bergstra et al. 2011): after a
 *   few random trials, each trial draws candidates and takes the one most likely under the best
 *   quarter of the trials so far relative to the rest.
 */
import { Rng } from "../core/random.js";
import { settle, type ResolvedTraining, type SearchSpec, type SettledTraining } from "../core/settings.js";
import { modelArgumentText, settingsSource } from "../core/settings-source.js";

export type Chosen = Readonly<Record<string, unknown>>;

interface Space {
  readonly path: string;
  readonly space: SearchSpec<unknown>;
}

/** The search spaces to choose, outermost only (a space inside a `choice` option is chosen with it). */
export function spacesOf(settings: ResolvedTraining): Space[] {
  return settings.search.filter((e) => !e.path.includes(".options["));
}

function isSpec(value: unknown): value is SearchSpec<unknown> {
  return typeof value === "object" && value !== null && "search" in value;
}

/** One random value of a space; a chosen option that is itself a space is drawn from too. */
export function draw(space: SearchSpec<unknown>, rng: Rng): unknown {
  switch (space.search) {
    case "choice": {
      const option = space.options[rng.int(space.options.length)];
      return isSpec(option) ? draw(option, rng) : option;
    }
    case "uniform":
      return space.low + rng.next() * (space.high - space.low);
    case "log_uniform":
      return Math.exp(Math.log(space.low) + rng.next() * (Math.log(space.high) - Math.log(space.low)));
    case "int_uniform":
      return Math.floor(space.low + rng.next() * (Math.floor(space.high) - Math.ceil(space.low) + 1));
  }
}

function gridValues(space: SearchSpec<unknown>): unknown[] {
  switch (space.search) {
    case "choice":
      return [...space.options];
    case "int_uniform": {
      const low = Math.ceil(space.low);
      const high = Math.floor(space.high);
      const count = high - low + 1;
      if (count <= 50) return Array.from({ length: count }, (_, i) => low + i);
      return Array.from({ length: 5 }, (_, i) => Math.round(low + ((high - low) * i) / 4));
    }
    case "uniform":
      return Array.from({ length: 5 }, (_, i) => space.low + ((space.high - space.low) * i) / 4);
    case "log_uniform":
      return Array.from({ length: 5 }, (_, i) => Math.exp(Math.log(space.low) + ((Math.log(space.high) - Math.log(space.low)) * i) / 4));
  }
}

/** Every combination of the spaces' grid values, first space varying slowest. */
export function gridTrials(spaces: readonly Space[]): Chosen[] {
  let trials: Record<string, unknown>[] = [{}];
  for (const { path, space } of spaces) {
    const values = gridValues(space);
    trials = trials.flatMap((t) => values.map((v) => ({ ...t, [path]: v })));
  }
  return trials;
}

export function randomTrial(spaces: readonly Space[], rng: Rng): Chosen {
  return Object.fromEntries(spaces.map(({ path, space }) => [path, draw(space, rng)]));
}

/** A position in [0, 1] of a value within its space, for the density estimate. */
function unit(space: SearchSpec<unknown>, value: unknown): number {
  if (space.search === "choice") {
    const i = space.options.findIndex((o) => JSON.stringify(o) === JSON.stringify(value));
    return space.options.length > 1 ? Math.max(0, i) / (space.options.length - 1) : 0.5;
  }
  const v = Number(value);
  if (space.search === "log_uniform") return (Math.log(v) - Math.log(space.low)) / (Math.log(space.high) - Math.log(space.low) || 1);
  return (v - space.low) / (space.high - space.low || 1);
}

function density(points: readonly number[][], x: readonly number[]): number {
  const width = 0.2;
  let sum = 0;
  for (const p of points) {
    let d = 0;
    for (let i = 0; i < x.length; i++) d += ((x[i] - p[i]) / width) ** 2;
    sum += Math.exp(-d / 2);
  }
  return (sum + 1e-9) / (points.length || 1);
}

/** The next trial of a model-based search, given the trials so far and their scores (higher is better). */
export function bayesianTrial(spaces: readonly Space[], done: readonly { chosen: Chosen; score: number }[], rng: Rng): Chosen {
  const warmup = Math.max(3, spaces.length + 1);
  if (done.length < warmup) return randomTrial(spaces, rng);
  const ranked = [...done].sort((a, b) => b.score - a.score);
  const cut = Math.max(1, Math.ceil(ranked.length / 4));
  const toUnit = (c: Chosen) => spaces.map(({ path, space }) => unit(space, c[path]));
  const good = ranked.slice(0, cut).map((t) => toUnit(t.chosen));
  const bad = ranked.slice(cut).map((t) => toUnit(t.chosen));
  let best: Chosen = randomTrial(spaces, rng);
  let bestRatio = -Infinity;
  for (let i = 0; i < 24; i++) {
    const candidate = randomTrial(spaces, rng);
    const x = toUnit(candidate);
    const ratio = density(good, x) / density(bad, x);
    if (ratio > bestRatio) {
      bestRatio = ratio;
      best = candidate;
    }
  }
  return best;
}

/** The keys of a `search` path: `optimizer.lr` → optimizer, lr; `augment[0]`; `model.args["h.units"]`. */
export function pathKeys(path: string): (string | number)[] {
  const keys: (string | number)[] = [];
  const step = /\.?([^.[\]"]+)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;
  for (let at = 0; at < path.length; at = step.lastIndex) {
    step.lastIndex = at;
    const m = step.exec(path);
    if (!m) throw new Error(`bad search path ${path}`);
    keys.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : (JSON.parse(m[3]) as string)));
  }
  return keys;
}

/** Numbers to four significant digits, for reading (a drawn `0.0034567891` shows as `0.003457`). */
function rounded(value: unknown): unknown {
  if (typeof value === "number") return Number.isInteger(value) ? value : Number(value.toPrecision(4));
  if (Array.isArray(value)) return value.map(rounded);
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rounded(v)]));
  return value;
}

/**
 * A trial's values as the user writes them, one setting each, in `train` block syntax:
 * `optimizer: sgd(lr: 0.1); batch_size: 16; hidden: 30; h.units: 7` (a model argument by its
 * name, a layer's space by its dimension's name).
 */
export function describeChoice(settings: ResolvedTraining, chosen: Chosen): string {
  const shown = applyChoice(settings, rounded(chosen) as Chosen);
  const source = settingsSource(shown);
  const parts: string[] = [];
  for (const path of Object.keys(chosen)) {
    const [top, field, name] = pathKeys(path);
    const key = String(top).replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    const argument = top === "model" && field === "args" && typeof name === "string" ? shown.model.args[name] : undefined;
    const part = argument !== undefined ? `${String(name)}: ${modelArgumentText(argument)}` : `${key}: ${source[key] ?? JSON.stringify(rounded(chosen[path]))}`;
    if (!parts.includes(part)) parts.push(part);
  }
  return parts.join("; ");
}

/**
 * The settings of one trial: each chosen value put where its space was; no search left, which
 * `settle` checks once (a space inside a chosen option would still be one).
 */
export function applyChoice(settings: ResolvedTraining, chosen: Chosen): SettledTraining {
  const copy = JSON.parse(JSON.stringify(settings)) as Record<string | number, unknown>;
  for (const [path, value] of Object.entries(chosen)) {
    const keys = pathKeys(path);
    let target = copy;
    for (const k of keys.slice(0, -1)) target = target[k] as Record<string | number, unknown>;
    target[keys[keys.length - 1]] = value;
  }
  return settle({ ...(copy as unknown as ResolvedTraining), search: [], tune: null });
}
