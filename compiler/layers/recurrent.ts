/**
 * Recurrent layers over a sequence `[T, F]`: `rnn` (a simple recurrent layer), `lstm` and `gru`.
 * Each gives its last state `[units]`, or every state `[T, units]` with `return_sequences: true`;
 * an input of another rank is E200. Parameters follow tfjs-layers: one block of
 * units·(F + units) + units (input weights, recurrent weights, biases) for `rnn`, four for `lstm`
 * (input, forget, cell and output gates) and three for `gru` (update, reset and candidate; tfjs
 * has no `reset_after`, so one bias per gate).
 */
import { add, dimConst, mul } from "../shapes/dim.js";
import type { Shape } from "../shapes/shape.js";
import { FRACTION, POSITIVE_DIM } from "../schema/types.js";
import { flag, named, num } from "../schema/values.js";
import type { LayerDef } from "./layer.js";
import { ACTIVATION, boolArg, dimArg, initParam, signature, wrongRank } from "./common.js";
import { ACTIVATION_TABLE, enumArg, numArg, type ActivationName } from "./common.js";
import { CodegenError, initializerCode, known, lastDim, nativeActivation, props, sizes, weightInit } from "./tfjs-code.js";
import { literal } from "../schema/literal.js";

function recurrent(name: string, gates: number, doc: string): LayerDef {
  return {
    name,
    category: "recurrent",
    arity: "one",
    signature: signature(name, `${doc} \`[T, F] → [units]\`, or \`[T, units]\` with \`return_sequences\`.`, [
      { name: "units", type: POSITIVE_DIM, required: true, doc: "size of the state" },
      { name: "activation", type: ACTIVATION, default: named("tanh"), doc: "applied to the state" },
      { name: "return_sequences", type: { kind: "bool" }, default: flag(false), doc: "give the state at every step, not only the last" },
      { name: "dropout", type: FRACTION, default: num(0), doc: "fraction of the inputs dropped while training" },
      initParam,
    ]),
    infer({ inputs, args, report }) {
      const input = inputs[0].shape;
      const units = dimArg(args, "units");
      if (input.length !== 2) {
        report(wrongRank(name, "[steps, features]", input, rankHelp(input)));
        return undefined;
      }
      if (!units) return undefined;
      return boolArg(args, "return_sequences") ? [input[0], units] : [units];
    },
    countParams(inputs, args) {
      const units = dimArg(args, "units");
      const features = inputs[0][1];
      if (!units || !features) return dimConst(0); // not reached: infer succeeded
      const block = add(mul(units, add(features, units)), units);
      return mul(dimConst(gates), block);
    },
    tfjs({ args, inputs, name: layerName }) {
      const activation = enumArg(args, "activation") ?? "tanh";
      const units = known(dimArg(args, "units"), `${name} units`);
      const tfjsActivation = ACTIVATION_TABLE[activation as ActivationName]?.tfjs;
      if (tfjsActivation === null) throw new CodegenError(`${name} cannot use ${activation} as its activation in tfjs`);
      return {
        construct: `tf.layers.${TFJS_RECURRENT[name]}(${props({
          units: String(units),
          activation: literal(tfjsActivation ?? activation),
          // Gates are logistic, as in the lectures, Keras 2 and PyTorch; tfjs defaults to a hard sigmoid.
          recurrentActivation: name === "rnn" ? undefined : literal("sigmoid"),
          returnSequences: String(boolArg(args, "return_sequences") ?? false),
          dropout: String(numArg(args, "dropout") ?? 0),
          kernelInitializer: weightInit(args, "init", lastDim(inputs[0] ?? [], `${name} input features`)),
          recurrentInitializer: initializerCode({ kind: "orthogonal" }, units),
          name: layerName,
        })})`,
      };
    },
    native({ args, inputs, name: layerName }) {
      if ((numArg(args, "dropout") ?? 0) > 0) return { notCompiled: `layer "${layerName}" has dropout` };
      const [steps, features] = sizes(inputs[0]);
      if (features === null) return { notCompiled: `layer "${layerName}" has no fixed sequence length` };
      const activation = enumArg(args, "activation") ?? "tanh";
      if (activation === "softmax") return { notCompiled: `layer "${layerName}" has activation softmax` };
      const native = nativeActivation(layerName, activation);
      if ("notCompiled" in native) return native;
      const cell = name as "rnn" | "lstm" | "gru";
      return {
        run: { kind: "recurrent", cell, steps: steps ?? null, features: features!, units: known(dimArg(args, "units"), `${name} units`), ...native, bias: true, returnSequences: boolArg(args, "return_sequences") ?? false },
      };
    },
  };
}

/** tfjs-layers' constructor of each cell. */
const TFJS_RECURRENT: Record<string, string> = { rnn: "simpleRNN", lstm: "lstm", gru: "gru" };

function rankHelp(input: Shape): string {
  if (input.length === 1) {
    return "a recurrent layer reads a sequence [steps, features]: `repeat(n)` turns a vector into n equal steps, and `reshape([n, 1])` reads it one value per step";
  }
  return "`reshape` the input to [steps, features], or apply the recurrent layer to every step with `time_distributed`";
}

export const rnn = recurrent("rnn", 1, "A simple recurrent layer, h_t = activation(W x_t + U h_(t−1) + b):");
export const lstm = recurrent("lstm", 4, "A long short-term memory layer:");
export const gru = recurrent("gru", 3, "A gated recurrent unit layer:");
