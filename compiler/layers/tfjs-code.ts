/**
 * What a layer definition needs to write the TypeScript that constructs its tfjs-layers counterpart
 * (`LayerDef.tfjs`) and to state its entry of the compiled native step (`LayerDef.native`).
 * Arguments come from the checked graph, so every value is concrete; names and strings go through
 * `literal`.
 */
import { helperLayerName } from "../../runtime/core/layer-names.js";
import type { NativeEntry } from "../../runtime/core/native-layer.js";
import { literal } from "../schema/literal.js";
import { constValue, type Dim } from "../shapes/dim.js";
import type { Shape } from "../shapes/shape.js";
import { concrete, type BoundArgs } from "../schema/values.js";
import { initializerSetting } from "../schema/setting-values.js";
import type { InitializerSetting } from "../../runtime/core/settings.js";
import { ACTIVATION_TABLE, enumArg, numArg } from "./common.js";

export interface LayerCode {
  /** The expression constructing the layer. */
  readonly construct: string;
  /**
   * A second layer applied after it (`leaky_relu` as a dense layer's activation), named after the
   * layer (`dense_2.leaky_relu`, runtime/core/layer-names.ts) so that its name does not depend on what
   * else the process built.
   */
  readonly then?: string;
  /** Per-layer `l1:`/`l2:` overrides. */
  readonly penalty?: { readonly l1?: number; readonly l2?: number };
}

export class CodegenError extends Error {
  override readonly name = "CodegenError";
}

/** One layer as code generation sees it. */
export interface LayerSiteCode {
  readonly args: BoundArgs;
  readonly inputs: readonly Shape[];
  /** The inferred output; for a wrapper's inner layer, one step's (time_distributed) or none (bidirectional). */
  readonly output?: Shape;
  /** The layer's tfjs name as a string literal; none for a wrapper's inner layer. */
  readonly name: string | undefined;
  /** The layer a helper layer after it is named after (the wrapper, for an inner layer). */
  readonly owner: string | undefined;
}

/** One checked layer as the native planner sees it. */
export interface LayerSiteNative {
  readonly args: BoundArgs;
  readonly inputs: readonly Shape[];
  readonly output: Shape;
  /** The layer's name in the source, for reasons. */
  readonly name: string;
}

export function known(d: Dim | undefined, what: string): number {
  const v = d === undefined ? undefined : constValue(d);
  if (v === undefined) throw new CodegenError(`${what} must be a known number to generate code`);
  return v;
}

export function lastDim(shape: Shape, what: string): number {
  return known(shape[shape.length - 1], what);
}

/** An object literal of the entries that are defined. */
export function props(entries: Record<string, string | undefined>): string {
  return `{ ${Object.entries(entries)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `${k}: ${v}`)
    .join(", ")} }`;
}

/** The fan-in of a weight matrix whose rows read `inputs` values (for N(0, 1/√n_in)). */
export function initializerCode(setting: InitializerSetting, fanIn: number): string {
  return `nnc.initializer(${literal(setting)}, ${fanIn})`;
}

/**
 * The user's own initializer, or for weights the training's `init` falling back to the layer's
 * default. Biases keep their own default (zeros): `init` is about weights, as in the lectures.
 */
export function weightInit(args: BoundArgs, name: string, fanIn: number): string {
  const bound = args.get(name);
  if (!bound) return `undefined`;
  const setting = initializerSetting(concrete(bound.value));
  if (bound.node || name === "bias_init") return initializerCode(setting, fanIn);
  return `nnc.initializer(options.init ?? ${literal(setting)}, ${fanIn})`;
}

/** The activation tfjs-layers' constructor takes, and the layer to apply after it for one it does not. */
export function tfjsActivation(args: BoundArgs, owner: string | undefined): { name: string | undefined; then?: string } {
  const a = enumArg(args, "activation");
  if (a === undefined || a === "linear") return { name: a === undefined ? undefined : literal("linear") };
  const tfjs = ACTIVATION_TABLE[a as keyof typeof ACTIVATION_TABLE]?.tfjs;
  if (tfjs === null) {
    return { name: literal("linear"), then: `tf.layers.leakyReLU(${props({ alpha: "0.01", name: owner === undefined ? undefined : literal(helperLayerName(owner, "leaky_relu")) })})` };
  }
  return { name: literal(tfjs ?? a) };
}

export function penaltyOf(args: BoundArgs): LayerCode["penalty"] {
  const l1 = numArg(args, "l1");
  const l2 = numArg(args, "l2");
  return l1 === undefined && l2 === undefined ? undefined : { ...(l1 !== undefined ? { l1 } : {}), ...(l2 !== undefined ? { l2 } : {}) };
}

/** The reason a layer of `kind` does not run in the compiled step. */
export function notCompiled(name: string, kind: string): NativeEntry {
  return { notCompiled: `layer "${name}" (${kind}) is not compiled` };
}

/** The activation's name when the compiled step has it, else why not. */
export function nativeActivation(name: string, activation: string): { activation: string } | { notCompiled: string } {
  const entry = ACTIVATION_TABLE[activation as keyof typeof ACTIVATION_TABLE];
  // One tfjs has no name for runs as a layer of its own after this one (`tfjsActivation`).
  if (entry?.tfjs === null) return { activation: "linear" };
  return entry?.native ? { activation } : { notCompiled: `layer "${name}" has activation ${activation}` };
}

/** A shape's sizes, null where symbolic. */
export function sizes(shape: Shape): (number | null)[] {
  return shape.map((d) => constValue(d) ?? null);
}

/** The number of values of a shape, null when one size is symbolic. */
export function valueCount(shape: Shape): number | null {
  const each = sizes(shape);
  return each.some((d) => d === null) ? null : (each as number[]).reduce((a, b) => a * b, 1);
}
