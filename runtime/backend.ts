/**
 * Chooses the TensorFlow.js backend a training runs on, and says why. In order of preference:
 * `tensorflow` (native TensorFlow through the optional @tensorflow/tfjs-node), `native` (tfjs's cpu
 * backend with nnc's oneDNN kernels, runtime/native/), then the pure-JS `cpu` backend, the only
 * other one that has every kernel training needs (`wasm` lacks Conv2DBackpropFilter, `webgl`
 * needs a GPU context Node does not have).
 */
import * as tf from "@tensorflow/tfjs";
import { loadNativeAddon } from "./native/addon.js";
import { NATIVE_BACKEND, registerNativeBackend } from "./native/register.js";

export type BackendName = "tensorflow" | "native" | "cpu";
export const BACKEND_NAMES: readonly BackendName[] = ["tensorflow", "native", "cpu"];

export interface BackendChoice {
  readonly name: BackendName;
  /** One sentence for the user: which backend runs and why. */
  readonly reason: string;
}

/** The backend a user asked for: `--backend`, else `NNC_BACKEND`, else automatic (undefined). */
export function requestedBackend(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): BackendName | undefined {
  const value = flag ?? (env.NNC_BACKEND || undefined);
  if (value === undefined || value === "auto") return undefined;
  if ((BACKEND_NAMES as readonly string[]).includes(value)) return value as BackendName;
  throw new Error(`unknown backend "${value}": expected one of ${BACKEND_NAMES.join(", ")} or auto`);
}

async function loadTensorflowBinding(): Promise<string | undefined> {
  try {
    // A variable specifier keeps bundlers and tsc from requiring the optional package.
    const specifier = "@tensorflow/tfjs-node";
    await import(specifier);
    return undefined;
  } catch (error) {
    // "Cannot find package … imported from /…/backend.js" says only that it is not installed.
    const code = typeof error === "object" && error !== null && "code" in error ? error.code : undefined;
    if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") return "not installed";
    return error instanceof Error ? error.message.split("\n")[0] : String(error);
  }
}

let chosen: BackendChoice | undefined;

/** Selects (once per process) and initialises the backend; throws when a requested one cannot run. */
export async function selectBackend(requested?: BackendName): Promise<BackendChoice> {
  if (chosen && (requested === undefined || requested === chosen.name)) return chosen;
  let choice: BackendChoice;
  if (requested === "cpu") {
    choice = { name: "cpu", reason: "requested with --backend cpu / NNC_BACKEND" };
  } else if (requested === "native") {
    choice = nativeChoice("requested with --backend native / NNC_BACKEND");
  } else {
    const failure = await loadTensorflowBinding();
    if (failure === undefined && tf.findBackend("tensorflow")) {
      choice = { name: "tensorflow", reason: "@tensorflow/tfjs-node loaded: native TensorFlow kernels" };
    } else if (requested === "tensorflow") {
      throw new Error(`backend "tensorflow" was requested but @tensorflow/tfjs-node cannot be loaded (${failure ?? "it registered no backend"}); install it or use --backend native or cpu`);
    } else {
      const tfjsNode = failure === "not installed" ? "@tensorflow/tfjs-node is not installed" : `@tensorflow/tfjs-node did not load (${failure ?? "it registered no backend"})`;
      const native = loadNativeAddon();
      choice = native.addon
        ? nativeChoice(tfjsNode)
        : { name: "cpu", reason: `${tfjsNode} and ${native.reason}, so the pure-JavaScript cpu backend runs; it trains every layer, slowly` };
    }
  }
  const ok = await tf.setBackend(choice.name);
  if (!ok) throw new Error(`TensorFlow.js could not initialise the ${choice.name} backend`);
  await tf.ready();
  // The cpu backend greets Node users with a banner recommending tfjs-node; the reason above says it better.
  if (choice.name !== "tensorflow") (tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
  chosen = choice;
  return choice;
}

/** The native backend, registered on first use; throws with the reason when the addon is missing. */
function nativeChoice(why: string): BackendChoice {
  const native = loadNativeAddon();
  if (!native.addon) throw new Error(`backend "native" cannot run: ${native.reason}`);
  const kernels = registerNativeBackend(native.addon);
  const { onednn, threads } = native.addon.info();
  return { name: NATIVE_BACKEND, reason: `${why}: tfjs's cpu backend with ${kernels.length} kernels on oneDNN ${onednn} (${threads} thread${threads === 1 ? "" : "s"})` };
}
