/**
 * What the compiler says about running each layer of a model in the compiled native step: the
 * layer's entry of the plan (runtime/core/native-plan.ts) without the penalties, which the training's
 * settings decide; "nothing to run" (flatten: NHWC rows are already flat); or why it is not
 * compiled. A generated module lists them per build, keyed by tfjs layer name (`nativeLayers`).
 */
import type { PlannedLayer } from "./native-plan.js";

type WithoutPenalties<L> = L extends unknown ? Omit<L, "l1" | "l2"> : never;

/** A plan entry whose per-example sizes may be null where the model leaves a sequence length open. */
type OpenSizes<L> = L extends unknown ? { [K in keyof L]: K extends "steps" | "size" | "positions" ? number | null : L[K] } : never;

/** A layer's plan entry as the compiler knows it; `plan()` adds penalties and fills open sizes from the data. */
export type NativeLayer = OpenSizes<WithoutPenalties<PlannedLayer>>;

export type NativeEntry =
  | { readonly run: NativeLayer }
  /** Nothing to run (flatten). */
  | { readonly nothing: true }
  | { readonly notCompiled: string };

/** Each layer's entry, by tfjs layer name. */
export type NativeLayers = Readonly<Record<string, NativeEntry>>;
