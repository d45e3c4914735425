/**
 * Chooses the TensorFlow.js backend a training runs on, and says why. In order of preference:
 * `tensorflow` (native TensorFlow through the optional @tensorflow/tfjs-node), `native` (tfjs's cpu
 * backend with nnc's oneDNN kernels, runtime/kernels/ on the addon of runtime/addon/), then the pure-JS `cpu` backend, the only
 * other one that has every kernel training needs (`wasm` lacks Conv2DBackpropFilter, `webgl`
 * needs a GPU context Node does not have).
 */
import * as tf from "@tensorflow/tfjs";
import "../core/quiet-tfjs.js";
import { loadNativeAddon } from "../addon/addon.js";
import { NATIVE_BACKEND, registerNativeBackend } from "./register.js";

export type BackendName = "tensorflow" | "native" | "cpu";
export const BACKEND_NAMES: readonly BackendName[] = ["tensorflow", "native", "cpu"];

export interface BackendChoice {
  readonly name: BackendName;
  /** Why this backend runs, in a few words: "native TensorFlow is not installed", "requested". */
  readonly reason: string;
  /**
   * The particulars, for `nnc train --verbose` and the report: kernels, oneDNN version, threads,
   * and why @tensorflow/tfjs-node did not load (its error message).
   */
  readonly details: string;
}

/** What each backend is, as the backend line names it. */
const TITLES: Record<BackendName, string> = {
  tensorflow: "native TensorFlow (@tensorflow/tfjs-node)",
  native: "nnc's native kernels",
  cpu: "TensorFlow.js's JavaScript kernels",
};

/**
 * The backend line, composed here only: `nnc's native kernels (native TensorFlow is not installed)`;
 * `verbose` (`nnc train --verbose`, the report) adds the details after the reason. The run prints
 * it as `backend: …`.
 */
export function describeBackend(choice: { readonly name: string; readonly reason: string; readonly details?: string }, verbose = false): string {
  const title = TITLES[choice.name as BackendName] ?? choice.name;
  const details = verbose && choice.details ? `; ${choice.details}` : "";
  return `${title} (${choice.reason}${details})`;
}

/** The backend a user asked for: `--backend`, else `NNC_BACKEND`, else automatic (undefined). */
export function requestedBackend(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): BackendName | undefined {
  const value = flag ?? (env.NNC_BACKEND || undefined);
  if (value === undefined || value === "auto") return undefined;
  if ((BACKEND_NAMES as readonly string[]).includes(value)) return value as BackendName;
  throw new Error(`unknown backend "${value}": expected one of ${BACKEND_NAMES.join(", ")} or auto`);
}

/** Why @tensorflow/tfjs-node is not there: not installed at all, or installed and failing to load. */
interface BindingFailure {
  readonly installed: boolean;
  /** The import's error message (its first line). */
  readonly message: string;
}

async function loadTensorflowBinding(): Promise<BindingFailure | undefined> {
  try {
    // A variable specifier keeps bundlers and tsc from requiring the optional package.
    const specifier = "@tensorflow/tfjs-node";
    await import(specifier);
    return undefined;
  } catch (error) {
    // "Cannot find package … imported from /…/backend.js" says only that it is not installed.
    const code = typeof error === "object" && error !== null && "code" in error ? error.code : undefined;
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    return { installed: !(code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND"), message };
  }
}

let chosen: BackendChoice | undefined;

/** Selects (once per process) and initialises the backend; throws when a requested one cannot run. */
export async function selectBackend(requested?: BackendName): Promise<BackendChoice> {
  if (chosen && (requested === undefined || requested === chosen.name)) return chosen;
  let choice: BackendChoice;
  const requestedWith = (name: BackendName) => `chosen with --backend ${name} or NNC_BACKEND=${name}`;
  if (requested === "cpu") {
    choice = { name: "cpu", reason: "requested", details: `${requestedWith("cpu")}; TensorFlow.js's pure-JavaScript cpu backend trains every layer, slowly` };
  } else if (requested === "native") {
    choice = nativeChoice("requested", requestedWith("native"));
  } else {
    const failure = await loadTensorflowBinding();
    if (failure === undefined && tf.findBackend("tensorflow")) {
      choice = { name: "tensorflow", reason: requested === "tensorflow" ? "requested" : "installed", details: "@tensorflow/tfjs-node loaded: TensorFlow's own kernels" };
    } else if (requested === "tensorflow") {
      throw new Error(`backend "tensorflow" was requested but @tensorflow/tfjs-node cannot be loaded (${failure ? (failure.installed ? failure.message : "it is not installed") : "it registered no backend"}); install it or use --backend native or cpu`);
    } else {
      const reason = failure && !failure.installed ? "native TensorFlow is not installed" : "native TensorFlow did not load";
      const tfjsNode = `@tensorflow/tfjs-node: ${failure ? failure.message : "it loaded but registered no backend"}`;
      const native = loadNativeAddon();
      choice = native.addon
        ? nativeChoice(reason, tfjsNode)
        : {
            name: "cpu",
            reason: `${reason} and nnc's native kernels are not built; training is slow`,
            details: `${tfjsNode}; ${native.reason}; TensorFlow.js's pure-JavaScript cpu backend trains every layer, slowly`,
          };
    }
  }
  const ok = await tf.setBackend(choice.name);
  if (!ok) throw new Error(`TensorFlow.js could not initialise the ${choice.name} backend`);
  await tf.ready();
  // The cpu backend greets Node users with a banner recommending tfjs-node; the reason above says it
  // better. (quiet-tfjs.ts silences it for every cpu backend instance; this one may predate it.)
  if (choice.name !== "tensorflow") (tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
  chosen = choice;
  return choice;
}

/** The native backend, registered on first use; throws with the reason when the addon is missing. */
function nativeChoice(reason: string, why: string): BackendChoice {
  const native = loadNativeAddon();
  if (!native.addon) throw new Error(`backend "native" cannot run: ${native.reason}`);
  const kernels = registerNativeBackend(native.addon);
  const { onednn, threads } = native.addon.info();
  const details = `${kernels.length} kernels on oneDNN ${onednn} (${threads} thread${threads === 1 ? "" : "s"}) in front of TensorFlow.js's cpu backend; ${why}`;
  return { name: NATIVE_BACKEND, reason, details };
}
