/**
 * Names tfjs-layers rejects (a leading `_`, `__proto__`) work: generated code gives tfjs `nn-` + the
 * name (runtime/core/layer-names.ts), and everything a user sees or writes uses the source name.
 */
import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isValidTensorName } from "@tensorflow/tfjs-layers/dist/common.js";
import { sourceName, tfjsName } from "../../runtime/core/layer-names.js";
import { fileHandler } from "../../runtime/run/save-model.js";
import { nativeAvailable } from "../support/native-oracle.js";
import { loadProgram } from "../support/train-source.js";

const IDENTIFIER = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,12}$/);

describe("tfjsName", () => {
  it("gives tfjs a valid name for every .nn name, one-to-one, read back by sourceName, unchanged when tfjs takes it", () => {
    fc.assert(
      fc.property(IDENTIFIER, IDENTIFIER, (a, b) => {
        expect(isValidTensorName(tfjsName(a))).toBe(true);
        expect(isValidTensorName(`${tfjsName(a)}/kernel`)).toBe(true);
        expect(sourceName(tfjsName(a))).toBe(a);
        if (a !== b) expect(tfjsName(a)).not.toBe(tfjsName(b));
        if (isValidTensorName(a)) expect(tfjsName(a)).toBe(a);
      }),
    );
    expect(tfjsName("_h")).toBe("nn-_h");
    expect(tfjsName("__proto__")).toBe("nn-__proto__");
    expect(tfjsName("dense_Dense1")).toBe("dense_Dense1");
  });
});

const SOURCE = `model _M {
  input _x: [784]
  _x -> _h: dense(12, activation: relu) -> __proto__: dense(10, activation: softmax, l2: 500)
}
train _first: _M {
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
  epochs: 1
  seed: 4
  monitor: [gradient_norms, weight_norms]
}
train constructor: _M {
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
  epochs: 1
  seed: 4
  init_from: "runs/_first/model.json"
  freeze: [_h]
  reinit: [__proto__]
}
`;

describe.skipIf(!nativeAvailable)("labels and inputs starting with _ train, save, transfer and report by their source names", () => {
  for (const compiled of [true, false]) {
    it(`${compiled ? "compiled step" : "autograd"}`, async () => {
      const program = await loadProgram(SOURCE, `underscore-${compiled}`);
      if (!compiled) process.env.NNC_COMPILED_STEP = "0";
      try {
        const first = await program.train("_first", { limit: 60, backend: "native" });
        const [epoch] = first.history;
        expect(Object.keys(epoch!.gradientNorms!)).toEqual(["_h", "__proto__"]);
        expect(Object.keys(epoch!.weightNorms!)).toEqual(["_h", "__proto__"]);
        const saved = JSON.parse(readFileSync(join(first.runDir, "model.json"), "utf8")) as { modelTopology: { config: { layers: { config: { name: string } }[] } } };
        expect(saved.modelTopology.config.layers.map((l) => l.config.name)).toEqual(["nn-_x", "nn-_h", "nn-__proto__"]);

        // init_from copies by layer name, freeze keeps `_h`, reinit starts `__proto__` afresh.
        const second = await program.train("constructor", { limit: 60, backend: "native", runDir: join(first.runDir, "..", "constructor"), baseDir: join(first.runDir, "..", "..") });
        const before = await tf.loadLayersModel(fileHandler(join(first.runDir, "model.json")));
        const after = await tf.loadLayersModel(fileHandler(join(second.runDir, "model.json")));
        expect(after.getLayer("nn-_h").getWeights()[0]!.dataSync()).toEqual(before.getLayer("nn-_h").getWeights()[0]!.dataSync());
        expect(after.getLayer("nn-__proto__").getWeights()[0]!.dataSync()).not.toEqual(before.getLayer("nn-__proto__").getWeights()[0]!.dataSync());
        before.dispose();
        after.dispose();
      } finally {
        delete process.env.NNC_COMPILED_STEP;
      }
    }, 60_000);
  }

  it("a layer's own l2 reaches the layer labelled __proto__ (its penalty is not lost as an object's prototype)", async () => {
    const heavy = await loadProgram(SOURCE, "underscore-l2");
    const light = await loadProgram(SOURCE.replace("l2: 500", "l2: 0"), "underscore-no-l2");
    const norm = async (program: typeof heavy) => {
      const report = await program.train("_first", { limit: 300, backend: "native" });
      return report.history[0]!.weightNorms!["__proto__"]!.weights;
    };
    expect(await norm(heavy)).toBeLessThan(0.5 * (await norm(light)));
  }, 60_000);
});
