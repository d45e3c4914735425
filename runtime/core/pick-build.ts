/**
 * Chooses among a training's generated build functions by the model arguments in use (a search may
 * choose different ones per trial). Keys are JSON with sorted keys, as the compiler writes them.
 */
import type * as tf from "@tensorflow/tfjs";
import type { BuildOptions, ModelArguments } from "./program.js";

export function argumentsKey(args: Readonly<Record<string, unknown>>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(args).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}

export function pickBuild(builds: Readonly<Record<string, (options: BuildOptions) => tf.LayersModel>>, args: ModelArguments): (options: BuildOptions) => tf.LayersModel {
  const key = argumentsKey(args);
  const build = builds[key];
  if (!build) throw new Error(`no generated build for the model arguments ${key}; compiled for ${Object.keys(builds).join(" or ")}`);
  return build;
}
