/**
 * Schema values as the runtime's settings: the readers `resolve.ts` builds a training's settings
 * with (a value that may be a search space stays one, `Tunable`), and the initializer setting a
 * layer's `init:` argument or a training's `init` key gives. A value that is not what an
 * error-free program holds raises `Unresolvable`: the caller gives up (the fault was reported).
 */
import { INITIALIZERS } from "./initializers.js";
import type { BoundArgs, Value } from "./values.js";
import type { InitializerSetting, MonitoredName, SearchSpec, Tunable } from "../../runtime/core/settings.js";

/** Raised when a value is not what an error-free training would hold; `resolveTraining` gives up. */
export class Unresolvable extends Error {}



export function required(value: Value | undefined): Value {
  if (!value) throw new Unresolvable();
  return value;
}

export function isSearchSpec<T>(value: Tunable<T>): value is SearchSpec<T> {
  return typeof value === "object" && value !== null && "search" in value;
}

/** Converts a value that may be a search space; the options of `choice` are converted alike. */
export function tunable<T>(value: Value, convert: (v: Value) => T): Tunable<T> {
  if (value.kind !== "search") return convert(value);
  const space = value.space;
  if (space.kind === "choice") return { search: "choice", options: space.options.map(convert) };
  return { search: space.kind, low: plainNumber(space.options[0]), high: plainNumber(space.options[1]) };
}

export function plainNumber(value: Value | undefined): number {
  if (value?.kind !== "number") throw new Unresolvable();
  return value.value;
}

export const num = (value: Value): Tunable<number> => tunable(value, plainNumber);
export const bool = (value: Value): Tunable<boolean> =>
  tunable(value, (v) => {
    if (v.kind !== "bool") throw new Unresolvable();
    return v.value;
  });
export const str = (value: Value): Tunable<string> =>
  tunable(value, (v) => {
    if (v.kind !== "string") throw new Unresolvable();
    return v.value;
  });

export function enumOf<const T extends string>(value: Value, names: readonly T[]): Tunable<T> {
  return tunable(value, (v) => {
    const name = v.kind === "enum" ? names.find((n) => n === v.name) : undefined;
    if (name === undefined) throw new Unresolvable();
    return name;
  });
}

export function list<T>(value: Value, convert: (v: Value) => T): T[] {
  if (value.kind !== "list") throw new Unresolvable();
  return value.items.map(convert);
}

export function labels(value: Value): string[] {
  return list(value, (v) => {
    if (v.kind !== "enum") throw new Unresolvable();
    return v.name;
  });
}

/** A constructor value's name and arguments, with readers for its arguments. */
export function ctor(value: Value) {
  if (value.kind !== "ctor") throw new Unresolvable();
  const args: BoundArgs = value.args;
  const get = (name: string): Value => required(args.get(name)?.value);
  return {
    name: value.signature.name,
    num: (name: string) => num(get(name)),
    bool: (name: string) => bool(get(name)),
    str: (name: string) => str(get(name)),
    monitored: (name: string) => enumOf<MonitoredName>(get(name), ["val_accuracy", "val_loss", "accuracy", "loss"]),
    /** An argument without a default: null when not given. */
    optional: <T>(name: string, convert: (v: Value) => T): T | null => {
      const v = args.get(name)?.value;
      return v === undefined ? null : convert(v);
    },
    get,
  };
}

const PLAIN_INITIALIZERS = ["zeros", "ones", "lecun_normal", "lecun_uniform", "glorot_normal", "glorot_uniform", "he_normal", "he_uniform", "orthogonal"] as const;

export function initializerSetting(value: Value): InitializerSetting {
  if (value.kind === "enum") return initializerSetting(withDefaults(value.name));
  const c = ctor(value);
  if (c.name === "constant") return { kind: "constant", value: c.num("value") };
  if (c.name === "normal") return { kind: "normal", mean: c.num("mean"), std: c.num("std") };
  if (c.name === "uniform") return { kind: "uniform", low: c.num("low"), high: c.num("high") };
  const plain = PLAIN_INITIALIZERS.find((n) => n === c.name);
  if (plain) return { kind: plain };
  throw new Unresolvable();
}

/** A bare initializer name (`uniform`) as the constructor call with its defaults (`uniform(-0.05, 0.05)`). */
function withDefaults(name: string): Value {
  const signature = INITIALIZERS.find((s) => s.name === name);
  if (!signature) throw new Unresolvable();
  const args = new Map(signature.params.filter((p) => p.default).map((p) => [p.name, { value: p.default! }]));
  return { kind: "ctor", signature, args };
}
