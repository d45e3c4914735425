import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { LAYER_NAMES, LAYERS, lookupLayer } from "../../compiler/layers/registry.js";

/**
 * Every layer of docs/language.md's table (§5): the first column's backquoted names (`leaky_relu`
 * without its argument). Read from the reference, so a new layer kind is documented or this fails.
 */
const SPEC = (() => {
  const text = readFileSync(resolve(import.meta.dirname, "../../docs/language.md"), "utf8");
  const section = text.slice(text.indexOf("## 5. Layers"), text.indexOf("## 6."));
  const names = section
    .split("\n")
    .filter((line) => /^\| `/.test(line))
    .flatMap((line) => [...line.split("|")[1].matchAll(/`([a-z0-9_]+)/g)].map((m) => m[1]));
  return [...new Set(names)];
})();

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
