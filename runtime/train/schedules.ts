/**
 * Learning-rate schedules, evaluated once per epoch (epochs counted from 0 here, from 1 in reports).
 * They return a rate for any optimizer: the runtime sets it before each epoch. `on_plateau` is the
 * only one with state: it watches a metric after each epoch.
 */
import type { MonitoredName, ScheduleSetting, Settled } from "../core/settings.js";

export interface PlateauState {
  rate: number;
  best: number | null;
  wait: number;
}

export class LearningRateSchedule {
  private plateau: PlateauState;

  constructor(
    private readonly setting: Settled<ScheduleSetting>,
    private readonly baseRate: number,
    private readonly epochs: number,
  ) {
    this.plateau = { rate: baseRate, best: null, wait: 0 };
  }

  /** The rate for `epoch` (0-based). */
  rateAt(epoch: number): number {
    return rate(this.setting, this.baseRate, epoch, this.epochs, this.plateau);
  }

  /** Tells `on_plateau` the epoch's metrics (inside `warmup` too). */
  observe(metrics: Readonly<Record<string, number>>): void {
    const plateau = plateauOf(this.setting);
    if (!plateau) return;
    const value = metrics[plateau.monitor];
    if (value === undefined || !Number.isFinite(value)) return;
    const higherIsBetter = plateau.monitor.endsWith("accuracy");
    const improved = this.plateau.best === null || (higherIsBetter ? value > this.plateau.best : value < this.plateau.best);
    if (improved) {
      this.plateau.best = value;
      this.plateau.wait = 0;
    } else if (++this.plateau.wait >= plateau.patience) {
      this.plateau.rate = Math.max(this.plateau.rate * plateau.factor, plateau.minLr);
      this.plateau.wait = 0;
    }
  }

  get state(): PlateauState {
    return { ...this.plateau };
  }

  set state(value: PlateauState) {
    this.plateau = { ...value };
  }
}

function plateauOf(s: Settled<ScheduleSetting>): { monitor: MonitoredName; patience: number; factor: number; minLr: number } | undefined {
  if (s.kind === "on_plateau") {
    return { monitor: s.monitor, patience: s.patience, factor: s.factor, minLr: s.minLr };
  }
  if (s.kind === "warmup") return plateauOf(s.then);
  return undefined;
}

function rate(s: Settled<ScheduleSetting>, base: number, epoch: number, epochs: number, plateau: PlateauState): number {
  switch (s.kind) {
    case "constant":
      return base;
    case "step":
      return base * s.factor ** Math.floor(epoch / s.every);
    case "multistep":
      return base * s.factor ** s.at.filter((at) => epoch >= at).length;
    case "exponential":
      return base * Math.exp(-s.k * epoch);
    case "inverse_time":
      return base / (1 + s.k * epoch);
    case "on_plateau":
      return plateau.rate;
    case "cosine": {
      const min = s.minLr;
      return min + ((base - min) * (1 + Math.cos((Math.PI * epoch) / Math.max(1, epochs)))) / 2;
    }
    case "warmup": {
      const warm = s.epochs;
      if (epoch < warm) return (base * (epoch + 1)) / warm;
      return rate(s.then, base, epoch - warm, Math.max(1, epochs - warm), plateau);
    }
  }
}
