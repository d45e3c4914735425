/**
 * Which signature a call is bound with, and which type is expected where: a layer or block in a model
 * body, a constructor of the type its place expects elsewhere (`optimizer: sgd(…)`,
 * `init: normal(…)`, `bidirectional(lstm(…))`), a model's parameters in `train M(…)`. The checker
 * binds calls with the same tables; hover, completion and signature help ask here.
 */
import type { BlockDecl, CallExpr, Expr, ModelDecl, Node } from "../../grammar/ast.js";
import { isTensorParam, paramSignature } from "../checker/block-call.js";
import type { FileScope } from "../checker/program.js";
import { lookupLayer } from "../layers/registry.js";
import { SEARCH_SPACES } from "../schema/bind.js";
import { TENSOR, type ParamSpec, type Signature, type ValueType } from "../schema/types.js";
import { named, num, type Value } from "../schema/values.js";
import { trainingKey } from "../training/keys.js";
import type { FollowingArguments, Frame } from "./completion-context.js";
import type { Analysis } from "./workspace.js";

/**
 * Whether a call where a value of type `expected` goes applies a layer or block: in a model or block
 * body (`expected` undefined) and where a tensor goes (`add(x, dense(x, 4))`).
 */
export function appliesLayers(expected: ValueType | undefined): boolean {
  return !expected || expected.kind === "tensor";
}

/** The signature of a call of `name`, where a value of type `expected` goes (undefined: a model or block body). */
export function callSignature(name: string, expected: ValueType | undefined, scope: FileScope | undefined): Signature | undefined {
  if (appliesLayers(expected)) {
    const layer = lookupLayer(name);
    if (layer) return layer.signature;
    const block = scope?.blocks.get(name);
    return block ? declSignature(block.decl) : undefined;
  }
  if (!expected) return undefined;
  if ((SEARCH_SPACES as readonly string[]).includes(name) && !ctorOf(expected, name)) {
    return { name, doc: "A search space: the values a hyper-parameter search may try.", params: [{ name: "options", type: expected, variadic: true, required: true }] };
  }
  return ctorOf(expected, name);
}

function ctorOf(type: ValueType, name: string): Signature | undefined {
  switch (type.kind) {
    case "ctor":
      return type.ctors.find((c) => c.name === name);
    case "union":
      for (const t of type.of) {
        const found = ctorOf(t, name);
        if (found) return found;
      }
      return undefined;
    case "list":
      return ctorOf(type.of, name);
    case "layer":
      return lookupLayer(name)?.signature;
    default:
      return undefined;
  }
}

/** The parameter an argument binds to: by name, or the `index`-th positional one (tensor inputs of a layer skipped). */
export function paramFor(signature: Signature, name: string | undefined, index: number): ParamSpec | undefined {
  if (name) return signature.params.find((p) => p.name === name);
  const positional = signature.params.filter((p) => p.positional !== false);
  const variadic = positional.find((p) => p.variadic);
  return positional[index] ?? variadic;
}

/** A block's or model's parameters as a signature (tensor parameters included, defaults shown when literal). */
export function declSignature(decl: BlockDecl | ModelDecl): Signature {
  const base = paramSignature(decl.params, { file: "", report: () => {} }, decl.name.name);
  return {
    ...base,
    doc: decl.doc ?? "",
    params: base.params.map((spec) => {
      const param = decl.params.find((p) => p.name.name === spec.name);
      const value = param?.default ? literalValue(param.default) : undefined;
      return { ...spec, type: param && isTensorParam(param) ? TENSOR : spec.type, ...(value ? { default: value } : {}) };
    }),
  };
}

function literalValue(expr: Expr): Value | undefined {
  if (expr.kind === "Number") return num(expr.value);
  if (expr.kind === "Name") return named(expr.name.name);
  if (expr.kind === "Bool") return { kind: "bool", value: expr.value };
  return undefined;
}

/**
 * The type expected at the innermost node of `chain` (file first) and the signature of each call on
 * the way; follows training keys, arguments, lists and nested constructor calls.
 */
export function typesAlong(analysis: Analysis, chain: readonly Node[]): { expected: ValueType | undefined; signatures: Map<CallExpr, Signature> } {
  const scope = analysis.result.program.scopes.get(analysis.path);
  const signatures = new Map<CallExpr, Signature>();
  let expected: ValueType | undefined;
  let signature: Signature | undefined;
  for (let i = 0; i < chain.length; i++) {
    const node = chain[i];
    switch (node.kind) {
      case "Train": {
        const model = scope?.models.get(node.model.name);
        signature = model ? declSignature(model.decl) : undefined;
        expected = undefined;
        break;
      }
      case "TrainEntry":
        expected = trainingKey(node.key.name)?.type;
        signature = undefined;
        break;
      case "Call": {
        signature = callSignature(node.callee.name, expected, scope);
        // A block's first tensor parameter receives the piped value; the arguments bind the rest.
        if (signature && appliesLayers(expected) && !lookupLayer(node.callee.name) && isPipedStage(chain, i)) {
          const piped = signature.params.find((p) => p.type.kind === "tensor");
          signature = { ...signature, params: signature.params.filter((p) => p !== piped) };
        }
        if (signature) signatures.set(node, signature);
        break;
      }
      case "Arg": {
        const parent = chain[i - 1];
        const args = parent?.kind === "Call" || parent?.kind === "Train" ? parent.args : [];
        const positional = args.filter((a) => !a.name);
        const layer = parent?.kind === "Call" && appliesLayers(expected) ? lookupLayer(parent.callee.name) : undefined;
        // A layer applied in call form takes its input tensor(s) first: `dense(h, 10)`.
        const skipped = layer && parent?.kind === "Call" && !isPipedStage(chain, i - 1) ? (layer.arity === "many" ? positional.length : 1) : 0;
        const index = positional.indexOf(node) - skipped;
        const param = signature ? paramFor(signature, node.name?.name, index) : undefined;
        expected = node.name || index >= 0 ? param?.type : TENSOR;
        break;
      }
      case "List":
        if (expected?.kind === "list") expected = expected.of;
        break;
      case "Model":
      case "Block":
        expected = undefined;
        signature = undefined;
        break;
      default:
        break;
    }
  }
  return { expected, signatures };
}

/** Whether the call at `chain[index]` is the stage of a pipe (its input is piped, not an argument). */
function isPipedStage(chain: readonly Node[], index: number): boolean {
  const parent = chain[index - 1];
  return parent?.kind === "Pipe" && parent.stage === chain[index];
}

/** The signature of `call` (default: the innermost call of `chain`). */
export function enclosingSignature(analysis: Analysis, chain: readonly Node[], call?: CallExpr): Signature | undefined {
  const target = call ?? [...chain].reverse().find((n): n is CallExpr => n.kind === "Call");
  if (!target) return undefined;
  const upTo = chain.includes(target) ? chain.slice(0, chain.indexOf(target) + 1) : [...chain, target];
  return typesAlong(analysis, upTo).signatures.get(target);
}

/** What `resolveFrames` finds. */
export interface ResolvedFrames {
  /** The type expected at the cursor; undefined in a body, or where nothing can go. */
  readonly expected?: ValueType;
  /** The innermost call and its signature (a piped block's piped parameter left out). */
  readonly signature?: Signature;
  readonly call?: Frame & { kind: "call" };
  /** The parameter the argument being written binds, if it binds one. */
  readonly param?: ParamSpec;
  /**
   * How many positional arguments of the innermost call are its input tensors rather than
   * parameters: 1 for a layer in call form (`dense(h, 10)`), all of them for a merge, else 0.
   */
  readonly inputs: number;
  /** The training key whose value is being written. */
  readonly key?: string;
}

/**
 * The innermost call of a completion site's open brackets, its signature, and the type expected at
 * the cursor: the same resolution as `typesAlong`, from the token scan instead of the tree.
 */
export function resolveFrames(frames: readonly Frame[], scope: FileScope | undefined): ResolvedFrames {
  let expected: ValueType | undefined;
  let param: ParamSpec | undefined;
  let signature: Signature | undefined;
  let key: string | undefined;
  let call: (Frame & { kind: "call" }) | undefined;
  let inputs = 0;
  for (const frame of frames) {
    if (frame.kind === "body") {
      key = frame.currentKey;
      expected = frame.decl === "train" && key ? trainingKey(key)?.type : undefined;
    } else if (frame.kind === "call") {
      call = frame;
      if (frame.trainHeader) {
        const model = scope?.models.get(frame.callee);
        signature = model ? declSignature(model.decl) : undefined;
      } else {
        signature = callSignature(frame.callee, expected, scope);
        if (signature && appliesLayers(expected) && frame.piped && !lookupLayer(frame.callee)) {
          const piped = signature.params.find((p) => p.type.kind === "tensor");
          signature = { ...signature, params: signature.params.filter((p) => p !== piped) };
        }
      }
      // In call form a layer's first argument (every positional one for a merge) is its input tensor.
      const layer = appliesLayers(expected) && !frame.piped && !frame.trainHeader ? lookupLayer(frame.callee) : undefined;
      inputs = layer ? (layer.arity === "many" ? Infinity : 1) : 0;
      const index = frame.positional - inputs;
      param = signature ? paramFor(signature, frame.currentName, index) : undefined;
      expected = frame.currentName === undefined && index < 0 && signature ? TENSOR : param?.type;
    } else if (frame.kind === "list") {
      if (expected?.kind === "list") expected = expected.of;
    } else if (frame.kind === "group") {
      // Parentheses around an expression keep the expected type.
    }
  }
  return { expected, signature, call, param, inputs, key };
}

/**
 * The parameters of the innermost call that its other arguments bind, as the binder binds them:
 * positional arguments (before and after the cursor's, input tensors left out) the first positional
 * parameters in order, named ones their parameter. `named` holds the parameters bound by name.
 */
export function boundParams(resolved: ResolvedFrames, following: FollowingArguments | undefined): { all: Set<string>; named: Set<string> } {
  const { signature, call, inputs } = resolved;
  const named = new Set<string>([...(call?.named ?? []), ...(following?.names ?? [])]);
  const all = new Set(named);
  if (!signature || !call) return { all, named };
  const count = call.positional + (following?.positional ?? 0) - inputs;
  const positional = signature.params.filter((p) => p.positional !== false);
  for (let i = 0; i < count && i < positional.length; i++) all.add(positional[i].name);
  const variadic = positional.find((p) => p.variadic);
  if (variadic && count > positional.indexOf(variadic)) all.add(variadic.name);
  return { all, named };
}
