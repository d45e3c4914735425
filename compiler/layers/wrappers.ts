/**
 * Layers that wrap another layer given as a value. `bidirectional(lstm(32))` runs the recurrent
 * layer forwards and backwards over `[T, F]` and merges the two results: `[2·units]` for `concat`
 * (the default), `[units]` for `sum`, `mul` and `ave`, with a leading `T` when the inner layer
 * returns sequences; it has twice the inner layer's parameters. `time_distributed(layer)` applies
 * the inner layer to each step of `[T, …]`, giving `[T, …inner output]`, with the inner layer's
 * parameters (shared by every step).
 *
 * Both look the inner layer up through a function passed in by the registry, so that this module
 * does not import the registry that imports it.
 */
import { dimConst, dimToString, mul } from "../shapes/dim.js";
import { shapeToString, type Shape } from "../shapes/shape.js";
import { arg, concrete, named, type BoundArgs, type TensorValue } from "../schema/values.js";
import { CodegenError, notCompiled, props, type LayerCode } from "./tfjs-code.js";
import { literal } from "../schema/literal.js";
import type { InferContext, LayerDef, ShapeProblem } from "./layer.js";
import { enumArg, signature } from "./common.js";

/** Finds a built-in layer by name. */
export type LayerLookup = (name: string) => LayerDef | undefined;

/** The inner layer of a wrapper and its bound arguments; undefined when it was reported as wrong. */
interface Inner {
  readonly def: LayerDef;
  readonly args: BoundArgs;
}

function innerOf(args: BoundArgs, lookup: LayerLookup): Inner | undefined {
  const value = arg(args, "layer");
  if (value?.kind !== "layer") return undefined;
  const def = lookup(value.layer);
  return def ? { def, args: value.args } : undefined;
}

/** Runs the inner layer's inference, pointing its problems at the inner layer. */
function inferInner(inner: Inner, input: TensorValue, report: InferContext["report"], note?: string): Shape | undefined {
  return inner.def.infer({
    inputs: [input],
    args: inner.args,
    report: (problem: ShapeProblem) => report({ ...problem, argument: "layer", notes: [...(problem.notes ?? []), ...(note ? [note] : [])] }),
  });
}

export function bidirectionalLayer(lookup: LayerLookup): LayerDef {
  return {
    name: "bidirectional",
    category: "wrapper",
    arity: "one",
    signature: signature("bidirectional", "Runs a recurrent layer forwards and backwards: `[T, F] → [2·units]` with `merge: concat`.", [
      { name: "layer", type: { kind: "layer", what: "recurrent" }, required: true, doc: "the recurrent layer, such as `lstm(32)`" },
      {
        name: "merge",
        type: { kind: "enum", what: "merge mode", values: ["concat", "sum", "mul", "ave"] },
        default: named("concat"),
        doc: "how the two directions combine: `concat`, `sum`, `mul` or `ave`",
      },
    ]),
    infer(ctx) {
      const inner = innerOf(ctx.args, lookup);
      if (!inner) return undefined;
      if (inner.def.category !== "recurrent") {
        ctx.report({
          code: "E104",
          message: `bidirectional wraps a recurrent layer (rnn, lstm or gru), found \`${inner.def.name}\``,
          argument: "layer",
          help: "use `time_distributed` to apply another layer to every step",
        });
        return undefined;
      }
      const output = inferInner(inner, ctx.inputs[0], (p) => ctx.report(p));
      if (!output) return undefined;
      if (enumArg(ctx.args, "merge") !== "concat") return output;
      const last = output[output.length - 1];
      return [...output.slice(0, -1), mul(dimConst(2), last)];
    },
    countParams(inputs, args) {
      const inner = innerOf(args, lookup);
      const output = inner && inferInner(inner, tensorOf(inputs[0]), () => undefined);
      if (!inner || !output) return dimConst(0); // not reached: infer succeeded
      return mul(dimConst(2), inner.def.countParams(inputs, inner.args, output));
    },
    tfjs({ args, inputs, name, owner }) {
      const inner = innerCode(args, lookup, inputs[0] ?? [], owner);
      return { construct: `tf.layers.bidirectional(${props({ layer: `${inner.construct} as tf.RNN`, mergeMode: literal(enumArg(args, "merge") ?? "concat"), name })})` };
    },
    native: ({ name }) => notCompiled(name, "bidirectional"),
  };
}

export function timeDistributedLayer(lookup: LayerLookup): LayerDef {
  return {
    name: "time_distributed",
    category: "wrapper",
    arity: "one",
    signature: signature("time_distributed", "Applies a layer to every step of a sequence: `[T, …] → [T, …inner output]`.", [
      { name: "layer", type: { kind: "layer", what: "any" }, required: true, doc: "the layer applied to each step, such as `dense(10)`" },
    ]),
    infer(ctx) {
      const input = ctx.inputs[0];
      if (input.shape.length < 2) {
        ctx.report({
          code: "E200",
          message: `time_distributed needs an input of shape [steps, …], found ${shapeToString(input.shape)}`,
          help: "time_distributed applies a layer to each step of a sequence; apply the layer directly to a vector",
        });
        return undefined;
      }
      const inner = innerOf(ctx.args, lookup);
      if (!inner) return undefined;
      if (inner.def.arity !== "one") {
        ctx.report({ code: "E104", message: `time_distributed wraps a layer with one input; \`${inner.def.name}\` merges tensors`, argument: "layer" });
        return undefined;
      }
      const step = stepOf(input);
      const note = `time_distributed applies ${inner.def.name} to each of the ${dimToString(input.shape[0])} steps of ${shapeToString(input.shape)}, so it sees ${shapeToString(step.shape)}`;
      const output = inferInner(inner, step, (p) => ctx.report(p), note);
      return output ? [input.shape[0], ...output] : undefined;
    },
    countParams(inputs, args, output) {
      const inner = innerOf(args, lookup);
      if (!inner) return dimConst(0); // not reached: infer succeeded
      return inner.def.countParams([inputs[0].slice(1)], inner.args, output.slice(1));
    },
    activation(args) {
      const inner = innerOf(args, lookup);
      return inner?.def.activation?.(inner.args);
    },
    tfjs({ args, inputs, output, name, owner }) {
      // An activation applied per element after the wrapper is the same as inside it, step by step.
      const inner = innerCode(args, lookup, (inputs[0] ?? []).slice(1), owner, output?.slice(1));
      return { construct: `tf.layers.timeDistributed(${props({ layer: inner.construct, name })})`, then: inner.then };
    },
    native: ({ name }) => notCompiled(name, "time_distributed"),
  };
}

/**
 * The code of a wrapper's inner layer, constructed without a name of its own; the layer it needs
 * after it (a leaky_relu activation) is named after the wrapper.
 */
function innerCode(args: BoundArgs, lookup: LayerLookup, input: Shape, wrapper: string | undefined, output?: Shape): LayerCode {
  const value = arg(args, "layer");
  const v = value && concrete(value);
  const def = v?.kind === "layer" ? lookup(v.layer) : undefined;
  if (!def || v?.kind !== "layer") throw new CodegenError("a wrapper needs a layer argument");
  return def.tfjs({ args: v.args, inputs: [input], output, name: undefined, owner: wrapper });
}

/** One step of a sequence tensor: the same tensor without its first axis. */
function stepOf(input: TensorValue): TensorValue {
  return { ...input, shape: input.shape.slice(1) };
}

/** A tensor of `shape`, for re-running an inner layer's inference while counting parameters. */
function tensorOf(shape: Shape): TensorValue {
  return { kind: "tensor", shape, dtype: "float32", source: { kind: "layer", layerId: -1 } };
}
