/**
 * Loads the native kernels (the N-API addon over oneDNN built by scripts/build-native.mjs) and
 * says why when it cannot. The addon's functions write into output arrays the caller allocates,
 * so the cpu backend's typed arrays are used in place, without copies.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The addon: `info()` and one function per native operation. Each kernel family declares the
 * functions it calls with their types (kernels/*.ts) and gets them through `functionsOf`.
 */
export interface NativeAddon {
  info(): { onednn: string; cpuRuntime: string; threads: number };
  readonly [operation: string]: unknown;
}

/** The named functions of the addon, typed by the caller; throws if the build lacks one. */
export function functionsOf<T>(addon: NativeAddon, names: readonly (keyof T & string)[]): T {
  for (const name of names) {
    if (typeof addon[name] !== "function") throw new Error(`the native addon has no ${name}(): rebuild it with \`node scripts/build-native.mjs\``);
  }
  return addon as unknown as T;
}

export type AddonLoad = { readonly addon: NativeAddon } | { readonly addon: null; readonly reason: string };

/** The package root: the nearest folder above this file with a package.json (src or dist). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("nnc: cannot find the package root");
    dir = parent;
  }
  return dir;
}

let loaded: AddonLoad | undefined;

export function loadNativeAddon(): AddonLoad {
  if (loaded) return loaded;
  const nativeDir = join(packageRoot(), "runtime", "addon");
  const binary = join(nativeDir, "build", "Release", "nnc_native.node");
  if (!existsSync(binary)) {
    const failure = join(nativeDir, "build-failure.txt");
    const why = existsSync(failure) ? readFileSync(failure, "utf8").trim() : "it was not built: run `node scripts/build-native.mjs`";
    loaded = { addon: null, reason: `the native kernels are not available (${why})` };
    return loaded;
  }
  // OpenMP threads spin ~300,000 iterations between parallel regions by default; when another
  // process holds the other core that spinning turns each region into a scheduler quantum (seen:
  // 100× slower epochs). A short spin costs nothing measurable on an idle machine.
  process.env.GOMP_SPINCOUNT ??= "10000";
  try {
    loaded = { addon: createRequire(import.meta.url)(binary) as NativeAddon };
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    loaded = { addon: null, reason: `the native kernels failed to load (${message})` };
  }
  return loaded;
}
