/**
 * TensorFlow.js's cpu backend prints a banner ("Hi, looks like you are running TensorFlow.js in
 * Node.js. To speed things up dramatically, install our node backend …") on stderr the first time it
 * stores a tensor (tfjs-backend-cpu's `MathBackendCPU.write`, guarded by its `firstUse` flag). nnc
 * says which backend runs and why on its own (runtime/session/backend.ts), and a program that only imports a
 * generated module, builds a model or loads a package should print nothing at all.
 *
 * Importing the runtime therefore wraps the cpu backend's factory in TensorFlow.js's registry so
 * that every instance it makes starts with `firstUse = false`, and clears the flag of an instance
 * that exists already. Every other message of tfjs is left alone (its `PROD` flag would silence
 * them all).
 */
import * as tf from "@tensorflow/tfjs";

const QUIET = Symbol.for("nnc.quietCpuBackend");

type Factory = (() => tf.KernelBackend | Promise<tf.KernelBackend>) & { [QUIET]?: true };

function silence(backend: tf.KernelBackend): tf.KernelBackend {
  if ("firstUse" in backend) (backend as unknown as { firstUse: boolean }).firstUse = false;
  return backend;
}

/** Silences the banner of the cpu backend (and of backends made from its factory, such as `native`). */
export function quietCpuBackend(): void {
  const engine = tf.engine();
  const entry = engine.registryFactory.cpu as { factory: Factory; priority: number } | undefined;
  if (entry && !entry.factory[QUIET]) {
    const original = entry.factory;
    // The factory stays synchronous when tfjs's is: an asynchronous one would need `await tf.ready()`.
    const quiet: Factory = () => {
      const made = original();
      return made instanceof Promise ? made.then(silence) : silence(made);
    };
    quiet[QUIET] = true;
    entry.factory = quiet;
  }
  const existing = engine.registry.cpu;
  if (existing) silence(existing);
}

quietCpuBackend();
