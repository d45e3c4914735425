/**
 * The resolved form of a training is defined by the runtime, which executes it; the compiler
 * produces it. Re-exported here so the compiler's modules keep one import path.
 */
export * from "../../runtime/core/settings.js";
