import * as tf from "@tensorflow/tfjs";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GRUResetAfter, gruResetAfter } from "../../runtime/layers/gru.js";
import { L2Pooling2D, l2Pooling2d } from "../../runtime/layers/l2pool.js";
import { CUSTOM_LAYER_CLASSES, STANDALONE_LAYERS_FILE, standaloneLayersSource, usesCustomLayers } from "../../runtime/layers/standalone.js";
import { saveModel } from "../../runtime/run/save-model.js";

const root = resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "nnc-layers-standalone-"));

beforeAll(async () => {
  await tf.setBackend("cpu");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const INPUT_SHAPE = [2, 7, 5, 2] as const;
const INPUT = Array.from({ length: INPUT_SHAPE.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * 0.7) * 2);

/**
 * A conv (so there are weights to load) feeding three l2pools: valid, valid with strides ≠ size, same
 * (asymmetric padding); and a reset-after GRU (gru's default) reading the conv's rows as a sequence.
 */
function pooledModel(): tf.LayersModel {
  const input = tf.input({ shape: INPUT_SHAPE.slice(1) as number[] });
  const conv = tf.layers.conv2d({ filters: 3, kernelSize: 2, padding: "same", name: "conv" }).apply(input) as tf.SymbolicTensor;
  const pool = (config: Parameters<typeof l2Pooling2d>[0]) => l2Pooling2d(config).apply(conv) as tf.SymbolicTensor;
  const outputs = [
    pool({ poolSize: [2, 2], strides: [2, 2], padding: "valid", name: "valid" }),
    pool({ poolSize: [3, 2], strides: [1, 2], padding: "valid", name: "valid_strided" }),
    pool({ poolSize: [3, 2], strides: [2, 2], padding: "same", name: "same" }),
    gruResetAfter({ units: 4, name: "gru" }).apply(tf.layers.reshape({ targetShape: [7, 15], name: "rows" }).apply(conv)) as tf.SymbolicTensor,
  ];
  return tf.model({ inputs: input, outputs });
}

/**
 * Runs in a child node process, so no nnc code is loaded: plain @tensorflow/tfjs (resolved from
 * the repository, as `import * as tf` would) and the written nnc-layers.mjs, nothing else. In mode
 * `sandbox` the module is evaluated in a fresh vm context, where only JavaScript's built-ins exist
 * (no process, Buffer, require, window): it needs nothing from Node, so it runs in a browser too.
 */
const CHILD = `
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [dir, root, mode] = process.argv.slice(2);
const tf = await import(pathToFileURL(createRequire(join(root, "package.json")).resolve("@tensorflow/tfjs")).href);
await tf.setBackend("cpu");

// model.json + weights.bin from disk: plain tfjs has no file loader in Node.
const fromDisk = {
  load: async () => {
    const json = JSON.parse(readFileSync(join(dir, "model.json"), "utf8"));
    const weights = Buffer.concat(json.weightsManifest.flatMap((group) => group.paths.map((path) => readFileSync(join(dir, path)))));
    return {
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
      format: json.format,
      generatedBy: json.generatedBy,
      convertedBy: json.convertedBy,
    };
  },
};

let before = "loaded";
try {
  await tf.loadLayersModel(fromDisk);
} catch (error) {
  before = String(error && error.message);
}

async function sandboxed(path) {
  const { default: vm } = await import("node:vm");
  const module = new vm.SourceTextModule(readFileSync(path, "utf8"), { context: vm.createContext({}) });
  await module.link(() => {
    throw new Error("nnc-layers.mjs imports something");
  });
  await module.evaluate();
  return module.namespace;
}
const layersPath = join(dir, "nnc-layers.mjs");
const { registerNncLayers } = mode === "sandbox" ? await sandboxed(layersPath) : await import(pathToFileURL(layersPath).href);
const classes = () => tf.serialization.SerializationMap.getMap().classNameMap;
const returned = registerNncLayers(tf) === tf;
const registered = classes().L2Pooling2D[0];
const gru = classes().GRUResetAfter[0];
const again = registerNncLayers(tf) === tf && classes().L2Pooling2D[0] === registered && classes().GRUResetAfter[0] === gru;

const model = await tf.loadLayersModel(fromDisk);
const input = JSON.parse(readFileSync(join(dir, "input.json"), "utf8"));
const outputs = [model.predict(tf.tensor(input.values, input.shape))].flat();
writeFileSync(join(dir, mode + "-result.json"), JSON.stringify({
  before,
  returned,
  again,
  className: registered.className,
  gruClassName: gru.className,
  outputs: outputs.map((t) => ({ shape: t.shape, values: Array.from(t.dataSync()) })),
}));
`;

interface ChildResult {
  before: string;
  returned: boolean;
  again: boolean;
  className: string;
  gruClassName: string;
  outputs: { shape: number[]; values: number[] }[];
}

describe("nnc-layers.mjs: nnc's custom layers for plain tfjs", () => {
  let model: tf.LayersModel;
  beforeAll(async () => {
    model = pooledModel();
    await saveModel(model, dir);
    writeFileSync(join(dir, STANDALONE_LAYERS_FILE), standaloneLayersSource());
    writeFileSync(join(dir, "input.json"), JSON.stringify({ values: INPUT, shape: INPUT_SHAPE }));
    writeFileSync(join(dir, "child.mjs"), CHILD);
  });

  it.each([
    ["imported", "import", []],
    ["evaluated where only JavaScript's built-ins exist", "sandbox", ["--experimental-vm-modules", "--no-warnings"]],
  ])("lets plain tfjs in a process without nnc load a saved l2pool and reset-after gru model, which predicts what the runtime's does (module %s)", (_, mode, flags) => {
    const child = spawnSync(process.execPath, [...flags, join(dir, "child.mjs"), dir, root, mode], { cwd: root, encoding: "utf8" });
    expect(child.status, child.stderr).toBe(0);
    const result = JSON.parse(readFileSync(join(dir, `${mode}-result.json`), "utf8")) as ChildResult;

    expect(result.before).toMatch(/Unknown layer: (L2Pooling2D|GRUResetAfter)/);
    expect(result.returned).toBe(true);
    expect(result.again).toBe(true);
    expect(result.className).toBe("L2Pooling2D");
    expect(result.gruClassName).toBe("GRUResetAfter");

    const want = (model.predict(tf.tensor(INPUT, [...INPUT_SHAPE])) as tf.Tensor[]).map((t) => ({ shape: t.shape, values: Array.from(t.dataSync()) }));
    expect(result.outputs.map((o) => o.shape)).toEqual(want.map((o) => o.shape));
    expect(want.map((o) => o.shape)).toEqual([
      [2, 3, 2, 3],
      [2, 5, 2, 3],
      [2, 4, 3, 3],
      [2, 4],
    ]);
    const diff = Math.max(...want.flatMap((o, i) => o.values.map((v, j) => Math.abs(v - result.outputs[i].values[j]))));
    expect(diff).toBeLessThan(1e-6);
  });

  it("is a module that imports nothing, and registering where the runtime already has leaves the runtime's class", async () => {
    const source = standaloneLayersSource();
    const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
    expect(code).not.toMatch(/\bimport\b|\brequire\(/);
    expect(code).toMatch(/^export function registerNncLayers\(tf\)/m);
    expect(source).toMatch(/import \{ registerNncLayers \} from "\.\/nnc-layers\.mjs";/);
    const path = join(dir, "in-process-nnc-layers.mjs");
    writeFileSync(path, source);
    const module = (await import(/* @vite-ignore */ pathToFileURL(path).href)) as { registerNncLayers: (t: typeof tf) => typeof tf };
    expect(module.registerNncLayers(tf)).toBe(tf);
    expect(tf.serialization.SerializationMap.getMap().classNameMap["L2Pooling2D"][0]).toBe(L2Pooling2D);
    expect(() => module.registerNncLayers(undefined as unknown as typeof tf)).toThrow(TypeError);
  });
});

describe("usesCustomLayers", () => {
  const saved = async (model: tf.LayersModel) => {
    const sub = mkdtempSync(join(dir, "model-"));
    return JSON.parse(readFileSync(await saveModel(model, sub), "utf8")) as { modelTopology: unknown };
  };

  it("lists nnc's own layer classes", () => {
    expect(CUSTOM_LAYER_CLASSES).toEqual(["L2Pooling2D", "GRUResetAfter"]);
    expect(L2Pooling2D.className).toBe(CUSTOM_LAYER_CLASSES[0]);
    expect(GRUResetAfter.className).toBe(CUSTOM_LAYER_CLASSES[1]);
  });

  it("says whether a saved model has an l2pool, in model.json, its modelTopology or its text", async () => {
    const withPool = await saved(pooledModel());
    expect(usesCustomLayers(withPool)).toBe(true);
    expect(usesCustomLayers(withPool.modelTopology)).toBe(true);
    expect(usesCustomLayers(JSON.stringify(withPool))).toBe(true);

    const plain = tf.sequential({
      layers: [tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 2, kernelSize: 3 }), tf.layers.maxPooling2d({ poolSize: 2 }), tf.layers.flatten(), tf.layers.dense({ units: 2 })],
    });
    const without = await saved(plain);
    expect(usesCustomLayers(without)).toBe(false);
    expect(usesCustomLayers(without.modelTopology)).toBe(false);
    expect(usesCustomLayers(null)).toBe(false);
    expect(usesCustomLayers(42)).toBe(false);
  });

  it("finds an l2pool inside a nested model", async () => {
    const innerInput = tf.input({ shape: [4, 4, 1] });
    const inner = tf.model({ inputs: innerInput, outputs: l2Pooling2d({ poolSize: [2, 2], strides: [2, 2], padding: "valid" }).apply(innerInput) as tf.SymbolicTensor });
    const outer = tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [4, 4, 1] }), inner, tf.layers.flatten()] });
    expect(usesCustomLayers(await saved(outer))).toBe(true);
  });
});
