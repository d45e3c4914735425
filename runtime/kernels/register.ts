/**
 * The `native` TensorFlow.js backend: tfjs's own cpu backend (same data storage, same JavaScript
 * kernels) with the kernels the addon covers replaced by native ones. Autograd, optimizers and
 * tfjs-layers are untouched: gradients are registered by kernel name, so they run through the
 * native forward kernels as well. Registering under a new name keeps `cpu` pure, which the
 * equivalence tests use as their oracle.
 */
import * as tf from "@tensorflow/tfjs";
import type { NativeAddon } from "../addon/addon.js";
import type { CpuBackend, KernelArgs, NativeKernel } from "./kernel.js";
import { convKernels } from "./conv.js";
import { elementwiseKernels } from "./elementwise.js";
import { matMulKernels } from "./matmul.js";
import { poolKernels } from "./pool.js";
import { reduceKernels } from "./reduce.js";
import { sliceKernels } from "./slice.js";
import { softmaxKernels } from "./softmax.js";

export const NATIVE_BACKEND = "native";

/** Every native kernel the addon provides, by family. */
export function nativeKernels(addon: NativeAddon): NativeKernel[] {
  return [...matMulKernels(addon), ...elementwiseKernels(addon), ...reduceKernels(addon), ...softmaxKernels(addon), ...convKernels(addon), ...poolKernels(addon), ...sliceKernels(addon)];
}

let registered = false;

/** Kernels whose native run threw, with the first message: each falls back to JavaScript. */
export const nativeFailures = new Map<string, string>();

function reportFailure(kernel: string, error: unknown): void {
  if (nativeFailures.has(kernel)) return;
  const message = error instanceof Error ? error.message : String(error);
  nativeFailures.set(kernel, message);
  process.emitWarning(`native ${kernel} failed (${message}); the JavaScript kernel runs instead`, { code: "NNC_NATIVE_FALLBACK" });
}

/** Registers the `native` backend once per process; returns the names of the native kernels. */
export function registerNativeBackend(addon: NativeAddon): string[] {
  const kernels = nativeKernels(addon);
  // Another copy of this module (the compiled dist/ and the sources, in tests) may have registered
  // it already: TensorFlow.js's registry is the one source of truth.
  if (registered || tf.findBackendFactory(NATIVE_BACKEND)) return kernels.map((k) => k.name);
  const cpuFactory = tf.findBackendFactory("cpu");
  if (!cpuFactory) throw new Error("TensorFlow.js has no cpu backend to build the native backend on");
  // A fresh cpu backend instance; its banner recommending tfjs-node is silenced, the backend choice explains.
  tf.registerBackend(
    NATIVE_BACKEND,
    async () => {
      const backend = await cpuFactory();
      (backend as unknown as { firstUse: boolean }).firstUse = false;
      return backend;
    },
    0,
  );
  const byName = new Map(kernels.map((k) => [k.name, k]));
  for (const config of tf.getKernelsForBackend("cpu")) {
    const native = byName.get(config.kernelName);
    const fallback = config.kernelFunc;
    const kernelFunc: tf.KernelFunc = native
      ? (params) => {
          const args = { inputs: params.inputs, backend: params.backend as CpuBackend, attrs: params.attrs ?? {} } satisfies KernelArgs;
          try {
            const result = native.run(args);
            if (result) return result;
          } catch (error) {
            reportFailure(native.name, error);
          }
          return fallback(params);
        }
      : fallback;
    tf.registerKernel({ ...config, backendName: NATIVE_BACKEND, kernelFunc });
  }
  for (const kernel of kernels) {
    if (!tf.getKernel(kernel.name, NATIVE_BACKEND)) throw new Error(`native kernel ${kernel.name} has no cpu kernel to stand in for`);
  }
  registered = true;
  return kernels.map((k) => k.name);
}
