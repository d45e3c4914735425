/**
 * The compiled step's plan entries each layer definition states (`LayerDef.native`) against the
 * ones read back from the tfjs-layers model the generated code builds (the planner's former way,
 * kept as an oracle in test/support/tfjs-config-layers.ts).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkProgram } from "../../compiler/check/check.js";
import { emitModel } from "../../compiler/codegen/emit-model.js";
import { loadProgram, TEST_OUT } from "../support/train-source.js";
import { nativeLayersFromConfigs } from "../support/tfjs-config-layers.js";

const NETWORKS: Record<string, string> = {
  Dense: `input x: [12]\n  x -> h: dense(8, activation: relu) -> h2: dense(5, activation: tanh, use_bias: false) -> out: dense(3, activation: softmax)`,
  ConvValid: `input x: [9, 9, 2]\n  x -> c: conv2d(4, 3, activation: relu) -> f: flatten -> out: dense(2)`,
  ConvSame: `input x: [9, 8, 2]\n  x -> c: conv2d(4, [3, 2], padding: same, stride: 2) -> f: flatten -> out: dense(2, activation: sigmoid)`,
  ConvDilated: `input x: [10, 10, 1]\n  x -> c: conv2d(3, 3, dilation: 2, padding: same) -> c2: conv2d(2, 2, dilation: [1, 2]) -> f: flatten -> out: dense(2)`,
  Pooling: `input x: [9, 9, 2]\n  x -> p: maxpool(2) -> q: avgpool(3, stride: 2, padding: same) -> f: flatten -> out: dense(2)`,
  Recurrent: `input x: [6, 3]\n  x -> r: lstm(4, return_sequences: true) -> g: gru(3, reset_after: false) -> out: dense(2)`,
  ResetAfter: `input x: [6, 3]\n  x -> g: gru(3, return_sequences: true) -> h: gru(2, reset_after: true) -> out: dense(2)`,
  OpenRecurrent: `input x: [T, 3]\n  x -> r: rnn(4, activation: relu) -> out: dense(2)`,
  Norm: `input x: [6, 6, 2]\n  x -> c: conv2d(3, 3, use_bias: false) -> n: batchnorm(momentum: 0.9) -> f: flatten -> d: dropout(0.25) -> a: relu -> out: dense(2)`,
  NotCompiled: `input x: [8]\n  x -> h: dense(4, activation: leaky_relu) -> e: elu -> out: dense(2, activation: softplus)`,
};

describe("the native plan entries the compiler emits", () => {
  it("equal the ones read from the tfjs model's configs", async () => {
    for (const [name, body] of Object.entries(NETWORKS)) {
      const text = `model ${name} {\n  ${body}\n}\n`;
      const dir = join(TEST_OUT, "native-plan", String(process.pid));
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `${name}.nn`);
      writeFileSync(file, text);
      const graph = checkProgram([file]).models.find((m) => m.name === name)!;
      const emitted = emitModel(graph).nativeLayers;
      const model = (await loadProgram(text, name)).build(name);
      const oracle = nativeLayersFromConfigs(model);
      for (const [layer, entry] of Object.entries(oracle)) {
        if ("notCompiled" in entry) expect(emitted[layer], `${name} ${layer}`).toHaveProperty("notCompiled");
        else expect(emitted[layer], `${name} ${layer}`).toEqual(entry);
      }
      expect(Object.keys(emitted).sort()).toEqual(Object.keys(oracle).sort());
      model.dispose();
    }
  }, 60_000);
});
