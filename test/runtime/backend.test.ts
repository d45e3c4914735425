import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { requestedBackend, selectBackend } from "../../runtime/backend.js";
import { loadNativeAddon } from "../../runtime/native/addon.js";

describe("backend choice", () => {
  it("reads --backend first, then NNC_BACKEND; auto means no preference", () => {
    expect(requestedBackend("cpu", { NNC_BACKEND: "tensorflow" })).toBe("cpu");
    expect(requestedBackend(undefined, { NNC_BACKEND: "cpu" })).toBe("cpu");
    expect(requestedBackend(undefined, {})).toBeUndefined();
    expect(requestedBackend("auto", {})).toBeUndefined();
    expect(() => requestedBackend("gpu", {})).toThrow('unknown backend "gpu": expected one of tensorflow, native, cpu or auto');
  });

  it("without @tensorflow/tfjs-node, runs on the native kernels (else cpu) and says why", async () => {
    const choice = await selectBackend();
    // This machine cannot install tfjs-node; where it can, the choice is native TensorFlow.
    if (choice.name === "native") expect(choice.reason).toMatch(/@tensorflow\/tfjs-node (is not installed|did not load \(.+\)): tfjs's cpu backend with \d+ kernels on oneDNN \d/);
    else if (choice.name === "cpu") expect(choice.reason).toMatch(/@tensorflow\/tfjs-node (is not installed|did not load \(.+\)) and the native kernels .+, so the pure-JavaScript cpu backend runs/);
    else expect(choice.reason).toContain("native TensorFlow");
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
