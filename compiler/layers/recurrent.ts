/**
 * Recurrent layers over a sequence `[T, F]`: `rnn` (a simple recurrent layer), `lstm` and `gru`.
 * Each gives its last state `[units]`, or every state `[T, units]` with `return_sequences: true`;
 * an input of another rank is E200. Parameters follow tfjs-layers: one block of
 * units·(F + units) + units (input weights, recurrent weights, biases) for `rnn`, four for `lstm`
 * (input, forget, cell and output gates) and three for `gru` (update, reset and candidate).
 *
 * `gru` has two forms, chosen by `reset_after` as in Keras. The default, `reset_after: true`, is
 * Keras 2/3's and PyTorch's: the reset gate multiplies the recurrent product with its own bias, so
 * each gate has two biases, 3·(units·(F + units) + 2·units) parameters. tfjs-layers lacks that form,
 * so it is the runtime's `GRUResetAfter` layer (runtime/layers/gru-factory.ts). `reset_after: false`
 * (Keras 1, and nnc before it had the argument) is tfjs's own `GRU`, one bias per gate. The compiled
 * step runs both (cells `gru` and `gru_reset_after` of runtime/addon/src/net_recurrent.cc).
 */
import { add, dimConst, mul } from "../shapes/dim.js";
import type { Shape } from "../shapes/shape.js";
import { FRACTION, POSITIVE_DIM, type ParamSpec } from "../schema/types.js";
import { flag, named, num, type BoundArgs } from "../schema/values.js";
import type { LayerDef } from "./layer.js";
import { ACTIVATION, boolArg, dimArg, initParam, signature, wrongRank } from "./common.js";
import { ACTIVATION_TABLE, enumArg, numArg, type ActivationName } from "./common.js";
import { CodegenError, initializerCode, known, lastDim, nativeActivation, props, sizes, weightInit } from "./tfjs-code.js";
import { literal } from "../schema/literal.js";

/** `gru`'s own argument: which of the two GRU forms (see the header). */
const RESET_AFTER: ParamSpec = {
  name: "reset_after",
  type: { kind: "bool" },
  default: flag(true),
  doc: "the reset gate multiplies the recurrent product after it is taken, with a second bias per gate (Keras 2/3's and PyTorch's GRU); `false` for the older form that resets the state before the product (Keras's `reset_after=False`, tfjs's GRU)",
};

/** Whether a `gru` is in the reset-after form (`reset_after` defaults to true). */
function resetAfter(name: string, args: BoundArgs): boolean {
  return name === "gru" && (boolArg(args, "reset_after") ?? true);
}

function recurrent(name: string, gates: number, doc: string, extra: readonly ParamSpec[] = []): LayerDef {
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
      ...extra,
    ]),
    infer({ inputs, args, report }) {
      const input = inputs[0].shape;
      const units = dimArg(args, "units");
      const activation = enumArg(args, "activation") ?? "tanh";
      // TensorFlow.js's cells take an activation by its name, and it has none for these: reported
      // here so that check, not only compile, says so.
      if (ACTIVATION_TABLE[activation as ActivationName]?.tfjs === null) {
        const usable = Object.entries(ACTIVATION_TABLE).filter(([, entry]) => entry.tfjs !== null).map(([known]) => `\`${known}\``);
        report({
          code: "E105",
          message: `\`${name}\` cannot use \`${activation}\` as its activation: TensorFlow.js's recurrent cells have no such activation`,
          label: `\`${activation}\` here`,
          help: `use one of ${usable.join(", ")} (the default is \`tanh\`)`,
          argument: "activation",
        });
        return undefined;
      }
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
      // The reset-after GRU has a second bias vector (the recurrent product's) per gate.
      const biases = resetAfter(name, args) ? mul(dimConst(2), units) : units;
      const block = add(mul(units, add(features, units)), biases);
      return mul(dimConst(gates), block);
    },
    tfjs({ args, inputs, name: layerName }) {
      const activation = enumArg(args, "activation") ?? "tanh";
      const units = known(dimArg(args, "units"), `${name} units`);
      const tfjsActivation = ACTIVATION_TABLE[activation as ActivationName]?.tfjs;
      if (tfjsActivation === null) throw new CodegenError(`${name} cannot use ${activation} as its activation in tfjs`);
      // tfjs's GRUCell refuses resetAfter: that form is the runtime's own layer (gates always logistic).
      const ownLayer = resetAfter(name, args);
      // Gates are logistic, as in the lectures, Keras 2 and PyTorch; tfjs defaults to a hard sigmoid.
      const gates = name === "rnn" || ownLayer ? {} : { recurrentActivation: literal("sigmoid") };
      const config = props({
        units: String(units),
        activation: literal(tfjsActivation ?? activation),
        ...gates,
        returnSequences: String(boolArg(args, "return_sequences") ?? false),
        dropout: String(numArg(args, "dropout") ?? 0),
        kernelInitializer: weightInit(args, "init", lastDim(inputs[0] ?? [], `${name} input features`)),
        recurrentInitializer: initializerCode({ kind: "orthogonal" }, units),
        name: layerName,
      });
      return { construct: ownLayer ? `nnc.gruResetAfter(${config})` : `tf.layers.${TFJS_RECURRENT[name]}(${config})` };
    },
    native({ args, inputs, name: layerName }) {
      if ((numArg(args, "dropout") ?? 0) > 0) return { notCompiled: `layer "${layerName}" has dropout` };
      const [steps, features] = sizes(inputs[0]);
      if (features === null) return { notCompiled: `layer "${layerName}" has no fixed sequence length` };
      const activation = enumArg(args, "activation") ?? "tanh";
      if (activation === "softmax") return { notCompiled: `layer "${layerName}" has activation softmax` };
      const native = nativeActivation(layerName, activation);
      if ("notCompiled" in native) return native;
      const cell = resetAfter(name, args) ? "gru_reset_after" : (name as "rnn" | "lstm" | "gru");
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
export const gru = recurrent("gru", 3, "A gated recurrent unit layer (reset-after form by default, as Keras 2/3 and PyTorch):", [RESET_AFTER]);
