import { describe, expect, it } from "vitest";
import { LAYER_NAMES, LAYERS, lookupLayer } from "../../compiler/layers/registry.js";

/** Every layer of the language reference's table (§5). */
const SPEC = [
  "dense", "conv2d", "conv1d", "maxpool", "avgpool", "l2pool", "maxpool1d", "avgpool1d", "global_avgpool", "global_maxpool",
  "flatten", "reshape", "dropout", "batchnorm", "layernorm", "relu", "sigmoid", "tanh", "softmax", "leaky_relu", "elu",
  "softplus", "linear", "embedding", "rnn", "lstm", "gru", "bidirectional", "repeat", "time_distributed", "add", "multiply",
  "average", "maximum", "concat",
];

describe("the layer registry", () => {
  it("holds exactly the layers of the language reference", () => {
    expect([...LAYERS.keys()].sort()).toEqual([...SPEC].sort());
    expect(LAYER_NAMES).toEqual([...SPEC].sort());
  });

  it("files each layer under its own name, with a signature of that name and a doc", () => {
    for (const [name, def] of LAYERS) {
      expect(def.name).toBe(name);
      expect(def.signature.name).toBe(name);
      expect(def.signature.doc.length).toBeGreaterThan(0);
      expect(new Set(def.signature.params.map((p) => p.name)).size).toBe(def.signature.params.length);
      for (const p of def.signature.params) expect(!!p.required && p.default !== undefined, `${name}.${p.name}`).toBe(false);
    }
  });

  it("looks layers up by name", () => {
    expect(lookupLayer("conv2d")?.category).toBe("convolution");
    expect(lookupLayer("Conv2D")).toBeUndefined();
  });

  it("marks the merges as taking many inputs, and only embedding as taking token ids", () => {
    for (const def of LAYERS.values()) {
      expect(def.arity).toBe(def.category === "merge" ? "many" : "one");
      expect(def.inputDType ?? "float32").toBe(def.name === "embedding" ? "int32" : "float32");
    }
  });
});
