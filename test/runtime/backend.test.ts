import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { describeBackend, requestedBackend, selectBackend } from "../../runtime/kernels/backend.js";
import { loadNativeAddon } from "../../runtime/addon/addon.js";

describe("backend choice", () => {
  it("reads --backend first, then NNC_BACKEND; auto means no preference", () => {
    expect(requestedBackend("cpu", { NNC_BACKEND: "tensorflow" })).toBe("cpu");
    expect(requestedBackend(undefined, { NNC_BACKEND: "cpu" })).toBe("cpu");
    expect(requestedBackend(undefined, {})).toBeUndefined();
    expect(requestedBackend("auto", {})).toBeUndefined();
    expect(() => requestedBackend("gpu", {})).toThrow('unknown backend "gpu": expected one of tensorflow, native, cpu or auto');
  });

  it("without @tensorflow/tfjs-node, runs on the native kernels (else cpu) and says why: briefly, with the details apart", async () => {
    const choice = await selectBackend();
    // This machine cannot install tfjs-node; where it can, the choice is native TensorFlow.
    if (choice.name === "native") {
      expect(describeBackend(choice)).toMatch(/^nnc's native kernels \(native TensorFlow (is not installed|did not load)\)$/);
      expect(choice.details).toMatch(/^\d+ kernels on oneDNN \d[\d.]* \(\d+ threads?\) in front of TensorFlow\.js's cpu backend; @tensorflow\/tfjs-node: .+/);
      if (choice.reason.endsWith("is not installed")) expect(choice.details).toContain("Cannot find package '@tensorflow/tfjs-node'");
      expect(describeBackend(choice, true)).toBe(`nnc's native kernels (${choice.reason}; ${choice.details})`);
    } else if (choice.name === "cpu") {
      expect(describeBackend(choice)).toMatch(/^TensorFlow\.js's JavaScript kernels \(native TensorFlow (is not installed|did not load) and nnc's native kernels are not built; training is slow\)$/);
      expect(choice.details).toMatch(/@tensorflow\/tfjs-node: .+; the native kernels /);
    } else expect(describeBackend(choice)).toBe("native TensorFlow (@tensorflow/tfjs-node) (installed)");
  });

  it("a requested backend says so; the details say how it was requested", async () => {
    const cpu = await selectBackend("cpu");
    expect(describeBackend(cpu)).toBe("TensorFlow.js's JavaScript kernels (requested)");
    expect(cpu.details).toContain("--backend cpu or NNC_BACKEND=cpu");
    if (!loadNativeAddon().addon) return;
    const native = await selectBackend("native");
    expect(describeBackend(native)).toBe("nnc's native kernels (requested)");
    expect(native.details).toMatch(/kernels on oneDNN .*; chosen with --backend native or NNC_BACKEND=native$/);
    await selectBackend();
  });

  it("--backend cpu and --backend native are honoured", async () => {
    expect((await selectBackend("cpu")).name).toBe("cpu");
    expect(tf.getBackend()).toBe("cpu");
    if (!loadNativeAddon().addon) return;
    expect((await selectBackend("native")).name).toBe("native");
    expect(tf.getBackend()).toBe("native");
  });

  it("asking for tensorflow where it cannot load is an error that says how to fix it", async () => {
    const choice = await selectBackend();
    if (choice.name === "tensorflow") return;
    await expect(selectBackend("tensorflow")).rejects.toThrow(/backend "tensorflow" was requested but @tensorflow\/tfjs-node cannot be loaded .*; install it or use --backend native or cpu/);
  });
});
