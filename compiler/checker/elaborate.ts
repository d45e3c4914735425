/**
 * Elaboration turns a model declaration into a `ModelGraph`: it evaluates the body statement by
 * statement, applies each layer to its input (inferring the output shape), and inlines block calls,
 * binding their generic dimension symbols afresh at each call. Every mistake becomes a diagnostic;
 * a value that could not be computed becomes `unknown`, and nothing is reported about it again.
 *
 * Depth and size come from the input, so neither may exhaust the stack or grow without bound:
 * - Chains that the grammar reads as loops (`x -> a -> b …`, `a + b + c …`, `- - - 1`) nest
 *   without limit in the AST; they are evaluated by iterating along them, never by recursion.
 * - What does nest (parentheses and calls, at most 64 brackets deep per the parser; block calls) is
 *   bounded: block calls nest at most `MAX_BLOCK_DEPTH` deep (E105, or E106 when the blocks form a
 *   cycle longer than that), evaluation at most `MAX_EVALUATION_DEPTH` deep.
 * - Inlining multiplies (a block that calls another twice, ten levels deep, makes 1,024 calls), so
 *   one model expands to at most `MAX_EXPANSIONS` layers and block calls more than its source has
 *   characters (E105).
 * - Sizes: a layer whose output holds more than 2^31 − 1 values per example, or whose weights do,
 *   cannot be built (E105), nor can a size that overflows exact arithmetic.
 * If the stack runs out all the same, the model is reported as too deep instead of crashing.
 */
import type { Arg, BinaryExpr, BlockDecl, CallExpr, Expr, Identifier, ModelDecl, PipeExpr, Range, Stmt, TypeRef } from "../../grammar/ast.js";
import { diagnostic, type Diagnostic, type DiagnosticInit, type Location } from "../diagnostics/diagnostic.js";
import { isStackOverflow } from "../../grammar/parse.js";
import type { LayerDef, ShapeProblem } from "../layers/layer.js";
import { LAYER_NAMES, lookupLayer } from "../layers/registry.js";
import { foreignName } from "../../grammar/keras-names.js";
import { SEARCH_SPACES, bindArgs, checkValue, reportUnknownName, type BindContext } from "../schema/bind.js";
import { describeType, type ValueType } from "../schema/types.js";
import { acceptsNames } from "../schema/accepts-names.js";
import { searchSpaceKey, UNKNOWN, type BoundArgs, type TensorValue, type Value } from "../schema/values.js";
import { add, constValue, dimConst, dimSymbol, exactly, lowerBound, type Dim } from "../shapes/dim.js";
import { countText, MAX_TENSOR_VALUES, MAX_TENSOR_VALUES_TEXT, TENSOR_LIMIT_HELP } from "../shapes/limits.js";
import { shapeToString, type Shape } from "../shapes/shape.js";
import { arithmetic, type Integers } from "../schema/arithmetic.js";
import { evaluateExpression, type ExpressionContext } from "../schema/evaluate.js";
import { bindBlockCall, blockSignature, paramSignature, repeatsAParameter } from "./block-call.js";
import { blockCalls, elide, expressionsIn } from "./block-cycles.js";
import { lookup, type Binding, type Frame } from "./frame.js";
import type { LayerNode, ModelGraph, ModelInput, ModelOutput, UnboundParam } from "./graph.js";
import type { Declared, Program } from "./program.js";
import { DIMENSION, evaluateShape } from "./shape-decl.js";

/** What elaboration needs from the checker that drives it. */
export interface ElaborationHost {
  readonly program: Program;
  report(diagnostic: Diagnostic): void;
  /** Called for every block that a model calls, so unused blocks can be found. */
  blockCalled?(block: BlockDecl): void;
  /**
   * Called with the value of every expression evaluated and of every name bound (the declaring
   * identifier of an input, `let` or parameter), so an editor can show shapes; never changes checking.
   */
  recordValue?(node: Expr | Identifier, value: Value): void;
  /**
   * The value each search space written in the model's layers takes, by `searchSpaceKey`: code
   * generation elaborates a model once per combination a search may choose. Absent: spaces stay.
   */
  readonly chosen?: ReadonlyMap<string, Value>;
}

/**
 * How deep block calls may nest. Real networks nest blocks a handful of levels. Measured on Node 20's
 * default stack, block calls alone run out of stack at about 870 levels; each level also counts
 * towards `MAX_EVALUATION_DEPTH` (one or two levels), which is what bounds mixed nesting.
 */
export const MAX_BLOCK_DEPTH = 64;

/**
 * How deep expression evaluation may nest: parentheses, calls and lists inside each other, summed
 * over the block calls that lead there. Chains (`->`, `+`, unary `-`) do not count; they are loops.
 * Measured on Node 20's default stack, the costliest nesting (a layer call as the named argument of
 * another, `dense(x, units: dense(…))`, through block calls) runs out of stack at about 660 levels;
 * this keeps a margin of three for callers that are already deep (an editor's request handler).
 */
export const MAX_EVALUATION_DEPTH = 200;

/**
 * How many layers and block calls one model may expand to beyond the size of its source: the budget
 * is this plus one per character of the model's declaration and of each block it expands, so a
 * model written out layer by layer is never stopped, while inlining that multiplies (blocks calling
 * blocks twice) stops after a bounded amount of work: checking time stays linear in the input plus
 * this constant. (Only those declarations count, not the whole program, so that a cached result
 * stays valid while they are unchanged.) The largest hand-written networks have a few thousand layers.
 */
export const MAX_EXPANSIONS = 20_000;

/** A layer node while the graph is being built: names are given at the end, once all labels are known. */
interface PendingLayer extends Omit<LayerNode, "name"> {
  readonly label?: Identifier;
}

/**
 * Elaborates `model` with its parameters bound to `params` (a training's arguments); parameters not
 * in `params` take their defaults, and an `int` parameter without a default stays symbolic.
 */
export function elaborateModel(model: Declared<ModelDecl>, params: ReadonlyMap<string, Value>, host: ElaborationHost): ModelGraph {
  const elaborator = new Elaborator(model, host);
  try {
    return elaborator.run(params);
  } catch (error) {
    // The limits above keep evaluation far from the end of the stack; should some path still reach
    // it (a caller that was already deep), the model is reported rather than the check crashing.
    if (!isStackOverflow(error)) throw error;
    return elaborator.stackExhausted();
  }
}

/**
 * Checks a block's declaration on its own, as a compiler checks a generic function's body without an
 * instantiation: the parameters (an unknown type E100, a repeated name E101), their defaults, the
 * declared shapes, and the body evaluated with every parameter unknown. That reports unknown names,
 * layers and blocks (E100), literal arguments of the wrong kind or out of range (E104, E105), the
 * arguments of the block calls it makes (E101–E105), unused bindings (W401) and a missing result
 * (E103): everything that does not depend on a call. Shapes come only from calls, so nothing about
 * them is said here, and the blocks it calls are not expanded.
 *
 * A call elaborates the same body with the same names bound in the same order, so a fault that does
 * not depend on the call comes out as the very same diagnostic, which the check's deduplication keeps
 * once (docs/ARCHITECTURE.md, cross-cutting rules).
 */
export function checkBlockDeclaration(block: Declared<BlockDecl>, host: ElaborationHost): void {
  const elaborator = new Elaborator(block, host, true);
  try {
    elaborator.checkBlock();
  } catch (error) {
    if (!isStackOverflow(error)) throw error;
    elaborator.stackExhausted();
  }
}

class Elaborator {
  private readonly layers: PendingLayer[] = [];
  private readonly inputs: ModelInput[] = [];
  private readonly outputs: ModelOutput[] = [];
  private readonly labels = new Map<string, Location>();
  private readonly params = new Map<string, Value>();
  private readonly unbound: UnboundParam[] = [];
  private failed = false;
  /** How deep `evaluate` is nested right now. */
  private depth = 0;
  /** Layers made and blocks called so far, against `expansionBudget`. */
  private expansions = 0;
  /** `MAX_EXPANSIONS` plus the length of the model's declaration and of each block expanded so far. */
  private expansionBudget: number;
  /** The blocks whose length is in the budget. */
  private readonly budgeted = new Set<BlockDecl>();
  /** The limits reported so far: once per model is enough. */
  private readonly limitsReported = new Set<"depth" | "expansions">();
  /** The blocks each block's body names as callees, computed when a cycle is looked for. */
  private readonly callees = new Map<BlockDecl, Declared<BlockDecl>[]>();

  constructor(
    /** The model elaborated, or the block checked on its own. */
    private readonly model: Declared<ModelDecl | BlockDecl>,
    private readonly host: ElaborationHost,
    /**
     * Checking a block's declaration without a call: block calls are bound but not expanded, and no
     * label is claimed (labels belong to a model).
     */
    private readonly declarationOnly = false,
  ) {
    this.expansionBudget = MAX_EXPANSIONS + lengthOf(model.decl.range);
  }

  run(given: ReadonlyMap<string, Value>): ModelGraph {
    const { decl, file } = this.model;
    const scope = this.host.program.scopes.get(file)!;
    const frame: Frame = { file, scope, env: new Map(), blockPath: [], callStack: [], isModel: true };
    const params = this.params;
    for (const param of decl.params) {
      const name = param.name.name;
      if (!name) continue;
      let value = given.get(name);
      if (value === undefined && param.default) {
        const type = paramSignature([param], this.scopeCtx(frame)).params[0]?.type;
        value = type ? this.bindDefault(type, param.default, frame) : UNKNOWN;
      }
      if (param.type?.kind !== "ScalarType") {
        // A training gives a model only scalars: a tensor parameter could never get a value.
        this.report({
          code: "E104",
          file,
          range: param.range,
          message: `model parameter \`${name}\` would be a tensor, but a model takes tensors only through \`input\``,
          help: `give it a type such as \`${name}: int\` (or float, bool, string, activation, init), or declare \`input ${name}: […]\` in the body`,
        });
        value ??= UNKNOWN;
      }
      if (value === undefined) {
        value = param.type?.kind === "ScalarType" && param.type.name.name === "int" ? symbolic(name) : UNKNOWN;
        this.unbound.push({ name, declaredAt: { file, range: param.name.range } });
      }
      params.set(name, value);
      this.host.recordValue?.(param.name, value);
      this.bind(frame, name, { kind: "param", value, declaredAt: param.name.range, used: false });
    }
    const result = this.evaluateBody(decl.body, frame);
    if (result.value && result.isBareExpression) {
      if (result.value.kind === "tensor") this.addOutput(result.value, undefined, result.range!, frame);
    }
    // A body that ends with an expression of unknown value (`x -> ` with the layer's name left out)
    // has its output: what made the value unknown was reported, and is all there is to say.
    const unknownOutput = result.isBareExpression && result.value?.kind === "unknown";
    if (this.outputs.length === 0 && !this.failed && !unknownOutput && decl.name.name) {
      this.report({
        code: "E103",
        file,
        range: decl.name.range,
        message: `model \`${decl.name.name}\` has no output`,
        help: "end the body with the expression that gives the output, or mark it with `output`",
      });
    }
    this.reportUnused(frame, "model");
    return this.finish(params);
  }

  /** See `checkBlockDeclaration`. */
  checkBlock(): void {
    const { decl, file } = this.model as Declared<BlockDecl>;
    const inner: Frame = {
      file,
      scope: this.host.program.scopes.get(file)!,
      env: new Map(),
      blockPath: [decl.name.name],
      callStack: [decl],
      isModel: false,
    };
    // In the order a call binds them: defaults, the symbols of the tensor parameters' shapes, then
    // the parameters themselves, so that both say the same about the body's names.
    blockSignature(decl, this.bindCtx(inner));
    for (const param of decl.params) {
      if (param.type?.kind === "ShapeType") evaluateShape(param.type, inner, this.shapeCtx(inner), "declare");
    }
    for (const param of decl.params) {
      if (param.name.name) this.bind(inner, param.name.name, { kind: "param", value: UNKNOWN, declaredAt: param.name.range, used: true });
    }
    const result = this.evaluateBody(decl.body, inner);
    this.reportUnused(inner, "block");
    if (!result.value) this.reportNoResult(this.model as Declared<BlockDecl>);
    if (decl.result) evaluateShape(decl.result, inner, this.shapeCtx(inner), "match");
  }

  /** The graph as far as it got when the stack ran out, with the model (or block) reported. */
  stackExhausted(): ModelGraph {
    const { decl, file } = this.model;
    this.report({
      code: "E105",
      file,
      range: decl.name.range,
      message: `${decl.kind === "Model" ? "model" : "block"} \`${decl.name.name}\` nests too deeply for nnc to check: the stack ran out`,
      help: "split deeply nested expressions with `let` bindings, and flatten deep chains of blocks",
    });
    this.failed = true;
    return this.finish(this.params);
  }

  private finish(params: ReadonlyMap<string, Value>): ModelGraph {
    const taken = new Set(this.labels.keys());
    const counters = new Map<string, number>();
    const layers: LayerNode[] = this.layers.map((pending) => {
      let name = pending.label?.name;
      if (!name) {
        do {
          const n = (counters.get(pending.def.name) ?? 0) + 1;
          counters.set(pending.def.name, n);
          name = `${pending.def.name}_${n}`;
        } while (taken.has(name));
      }
      taken.add(name);
      const { label: _label, ...node } = pending;
      return { ...node, name };
    });
    let total: Dim | undefined = dimConst(0);
    for (const layer of layers) {
      if (!layer.params || !total) {
        total = undefined;
        break;
      }
      const sum = exactly(() => add(total!, layer.params!));
      total = sum.ok ? sum.value : undefined;
    }
    return {
      name: this.model.decl.name.name,
      file: this.model.file,
      inputs: this.inputs,
      layers,
      outputs: this.outputs,
      params,
      unbound: this.unbound,
      totalParams: total,
      incomplete: this.failed,
    };
  }

  // ---------------------------------------------------------------- statements

  private evaluateBody(body: readonly Stmt[], frame: Frame): { value?: Value; range?: Range; expr?: Expr; isBareExpression: boolean } {
    let last: { value?: Value; range?: Range; expr?: Expr; isBareExpression: boolean } = { isBareExpression: false };
    for (const stmt of body) {
      switch (stmt.kind) {
        case "Input": {
          if (!frame.isModel) {
            this.report({ code: "E104", file: frame.file, range: stmt.range, message: "`input` declares a model input; a block receives tensors as parameters", help: "add a parameter to the block instead" });
            last = { isBareExpression: false };
            break;
          }
          const value = this.declareInput(stmt.name, stmt.type, stmt.range, frame);
          last = { value, range: stmt.range, isBareExpression: false };
          break;
        }
        case "Let": {
          const value = this.evaluate(stmt.value, frame);
          this.host.recordValue?.(stmt.name, value);
          if (stmt.name.name) this.bind(frame, stmt.name.name, { kind: "let", value, declaredAt: stmt.name.range, used: false });
          last = { value, range: stmt.value.range, expr: stmt.value, isBareExpression: false };
          break;
        }
        case "Output": {
          const value = this.evaluate(stmt.value, frame);
          if (!frame.isModel) {
            this.report({ code: "E104", file: frame.file, range: stmt.range, message: "`output` marks a model output; a block's result is its last statement", help: "remove `output`" });
          } else if (value.kind === "tensor") {
            this.addOutput(value, stmt.name, stmt.value.range, frame);
          } else if (value.kind !== "unknown") {
            this.report({ code: "E104", file: frame.file, range: stmt.value.range, message: "an output must be a tensor" });
          }
          last = { value, range: stmt.value.range, expr: stmt.value, isBareExpression: false };
          break;
        }
        case "ExprStmt": {
          const value = this.evaluate(stmt.value, frame);
          last = { value, range: stmt.value.range, expr: stmt.value, isBareExpression: true };
          break;
        }
      }
    }
    return last;
  }

  private declareInput(name: Identifier, type: TypeRef | undefined, range: Range, frame: Frame): Value {
    if (!type || type.kind !== "ShapeType") {
      if (type) this.report({ code: "E104", file: frame.file, range: type.range, message: "an input needs a shape such as `[28, 28, 1]`", help: "write `input image: [28, 28, 1]`" });
      return this.bindUnknownInput(name, frame);
    }
    const declared = evaluateShape(type, frame, this.shapeCtx(frame), "declare");
    if (!declared) return this.bindUnknownInput(name, frame);
    const values = leastValues(declared.shape);
    if (values > MAX_TENSOR_VALUES) {
      this.report({
        code: "E105",
        file: frame.file,
        range: type.range,
        message: `an example of ${declared.text} holds ${atLeast(declared.shape)}${countText(values)} values, more than a tensor holds, ${MAX_TENSOR_VALUES_TEXT}`,
        help: TENSOR_LIMIT_HELP,
      });
      return this.bindUnknownInput(name, frame);
    }
    const tensor: TensorValue = { kind: "tensor", shape: declared.shape, dtype: declared.dtype, source: { kind: "input", name: name.name, file: frame.file, range: name.range } };
    this.host.recordValue?.(name, tensor);
    if (name.name) {
      this.inputs.push({ name: name.name, shape: declared.shape, dtype: declared.dtype, definedAt: { file: frame.file, range } });
      this.bind(frame, name.name, { kind: "input", value: tensor, declaredAt: name.range, used: false });
    }
    return tensor;
  }

  /** An input whose shape is missing or wrong is still declared, so later uses of it do not also get E100. */
  private bindUnknownInput(name: Identifier, frame: Frame): Value {
    if (name.name) this.bind(frame, name.name, { kind: "input", value: UNKNOWN, declaredAt: name.range, used: true });
    return UNKNOWN;
  }

  private addOutput(tensor: TensorValue, name: Identifier | undefined, range: Range, frame: Frame): void {
    const producer = tensor.source.kind === "layer" ? this.layers[tensor.source.layerId] : undefined;
    const fallback = producer?.label?.name ?? (this.outputs.length === 0 ? "output" : `output_${this.outputs.length + 1}`);
    this.outputs.push({ name: name?.name || fallback, tensor, definedAt: { file: frame.file, range } });
  }

  private bind(frame: Frame, name: string, binding: Binding): void {
    const earlier = frame.env.get(name);
    if (earlier && earlier.kind !== "dim") {
      this.report({
        code: "E101",
        file: frame.file,
        range: binding.declaredAt,
        message: `\`${name}\` is already defined in this ${frame.isModel ? "model" : "block"}`,
        labels: [{ file: frame.file, range: earlier.declaredAt, message: "first defined here" }],
        help: "choose another name",
      });
      return;
    }
    frame.env.set(name, binding);
  }

  /** W401 for inputs and `let` bindings that nothing uses. */
  private reportUnused(frame: Frame, where: "model" | "block"): void {
    for (const [name, binding] of frame.env) {
      if (binding.used || (binding.kind !== "input" && binding.kind !== "let")) continue;
      const what = binding.kind === "input" ? "input" : "binding";
      this.report({
        code: "W401",
        file: frame.file,
        range: binding.declaredAt,
        message: `${what} \`${name}\` is never used`,
        help: binding.kind === "input" ? `use \`${name}\` in the ${where}, or remove the input` : `use \`${name}\`, or remove the \`let\``,
      });
    }
  }

  // ---------------------------------------------------------------- expressions

  /** Evaluates an expression; `type` is the expected type where one is known (arguments). */
  evaluate(expr: Expr, frame: Frame, type?: ValueType): Value {
    if (this.depth >= MAX_EVALUATION_DEPTH) {
      this.reportLimitOnce("depth", {
        code: "E105",
        file: frame.file,
        range: expr.range,
        message: `expressions nest more than ${MAX_EVALUATION_DEPTH} levels deep here, counting the block calls that lead here; nnc evaluates at most ${MAX_EVALUATION_DEPTH}`,
        help: "split nested expressions with `let` bindings, and flatten deep chains of blocks",
      });
      return this.fail();
    }
    this.depth++;
    let value: Value;
    try {
      value = this.evaluateExpr(expr, frame, type);
    } finally {
      this.depth--;
    }
    this.host.recordValue?.(expr, value);
    return value;
  }

  /** The shared evaluator (schema/evaluate.ts), with names, calls and pipelines evaluated in `frame`. */
  private evaluateExpr(expr: Expr, frame: Frame, type?: ValueType): Value {
    return evaluateExpression(expr, type, this.expressionContext(frame));
  }

  /** One evaluation context per frame, made when the frame first evaluates an expression. */
  private readonly expressionContexts = new WeakMap<Frame, ExpressionContext<ValueType | undefined>>();

  private expressionContext(frame: Frame): ExpressionContext<ValueType | undefined> {
    let ctx = this.expressionContexts.get(frame);
    if (!ctx) {
      ctx = {
        file: frame.file,
        report: (d) => this.report(d),
        evaluate: (expr, type) => this.evaluate(expr, frame, type),
        // Inside a model, only arguments have an expected type; items of a list argument keep theirs.
        itemType: (type) => (type?.kind === "list" ? type.of : undefined),
        // Operands have none (a bare name in arithmetic is a binding, never an enum value), except
        // in a declared dimension, where every operation is dimension arithmetic.
        operandType: (type) => (type === DIMENSION ? DIMENSION : undefined),
        name: (ref, type) => this.evaluateName(ref.name, frame, type),
        call: (call) => this.evaluateCall(call, frame),
        pipe: (pipe) => this.evaluatePipeline(pipe, frame),
        // A hole left by a syntax error: the model is incomplete, so "no output" would be a cascade.
        hole: () => this.fail(),
        binary: (node, left, right, type) => this.evaluateBinary(node, left, right, frame, type === DIMENSION ? "dimensions" : "numbers"),
        recordChainValue: (node, value) => this.host.recordValue?.(node, value),
      };
      this.expressionContexts.set(frame, ctx);
    }
    return ctx;
  }

  /** `x -> a -> b …`: down to the source, then each stage in order. */
  private evaluatePipeline(outermost: PipeExpr, frame: Frame): Value {
    const stages: PipeExpr[] = [];
    let source: Expr = outermost;
    for (; source.kind === "Pipe"; source = source.source) stages.push(source);
    let value = this.evaluate(source, frame);
    for (let i = stages.length - 1; i >= 0; i--) {
      value = this.evaluatePipe(stages[i], value, frame);
      if (i > 0) this.host.recordValue?.(stages[i], value);
    }
    return value;
  }

  private evaluateName(id: Identifier, frame: Frame, type: ValueType | undefined): Value {
    if (!id.name) return UNKNOWN;
    const binding = lookup(frame, id.name);
    if (binding) return binding.value;
    if (type && acceptsNames(type)) return { kind: "enum", name: id.name };
    // Where a layer goes, a bare name is that layer without arguments, as `-> flatten` is
    // (`time_distributed(flatten)` is `time_distributed(flatten())`).
    if (type?.kind === "layer") return this.layerValue({ kind: "Call", callee: id, args: [], hasParens: false, range: id.range }, type, frame);
    const layer = lookupLayer(id.name);
    const block = frame.scope.blocks.get(id.name);
    if (layer || block) {
      this.report({
        code: "E104",
        file: frame.file,
        range: id.range,
        message: `\`${id.name}\` is a ${layer ? "layer" : "block"}, not a value`,
        help: `apply it to a tensor: \`x -> ${id.name}\``,
      });
      return UNKNOWN;
    }
    const guess = reportUnknownName(id.name, id.range, "name", [...frame.env.keys()], this.scopeCtx(frame));
    // The binding the user probably meant is not "unused": that would report one typo twice.
    if (guess) lookup(frame, guess);
    return UNKNOWN;
  }

  private evaluateBinary(expr: BinaryExpr, left: Value, right: Value, frame: Frame, integers: Integers): Value {
    if (left.kind === "tensor" || right.kind === "tensor") {
      if (left.kind === "unknown" || right.kind === "unknown") return UNKNOWN;
      if (expr.op !== "+" || left.kind !== "tensor" || right.kind !== "tensor") {
        this.report({
          code: "E104",
          file: frame.file,
          range: expr.range,
          message: expr.op === "+" ? "`+` adds two tensors; one side is not a tensor" : `\`${expr.op}\` does not apply to tensors`,
          help: expr.op === "*" ? "use `multiply(a, b)` for an element-wise product" : "tensors merge with `a + b`, `concat(a, b)`, `multiply(a, b)`, `average(a, b)` or `maximum(a, b)`",
        });
        return UNKNOWN;
      }
      return this.applyLayer(lookupLayer("add")!, [left, right], [], expr, frame);
    }
    return arithmetic(expr.op, left, right, expr, this.scopeCtx(frame), integers);
  }

  private evaluateCall(call: CallExpr, frame: Frame): Value {
    const name = call.callee.name;
    if (!name) return UNKNOWN;
    const layer = lookupLayer(name) ?? this.foreignLayer(call.callee, frame);
    if (layer) {
      const inputs: Value[] = [];
      let rest = call.args;
      const takesTensors = (a: Arg | undefined): a is Arg => !!a && !a.name;
      if (layer.arity === "many") {
        for (const a of rest) if (takesTensors(a)) inputs.push(this.evaluate(a.value, frame));
        rest = rest.filter((a) => a.name);
      } else if (takesTensors(rest[0])) {
        inputs.push(this.evaluate(rest[0].value, frame));
        rest = rest.slice(1);
      }
      return this.applyLayer(layer, inputs, rest, call, frame);
    }
    const block = frame.scope.blocks.get(name);
    if (block) return this.callBlock(block, call, undefined, frame);
    return this.unknownCallee(call, frame);
  }

  /** Applies one stage of a pipeline to the value of its source. */
  private evaluatePipe(pipe: PipeExpr, source: Value, frame: Frame): Value {
    const stage = pipe.stage;
    const name = stage.callee.name;
    if (!name) return UNKNOWN;
    if (source.kind !== "tensor" && source.kind !== "unknown") {
      this.report({
        code: "E104",
        file: frame.file,
        range: pipe.source.range,
        message: `\`->\` applies a layer to a tensor, but this is ${describeSource(source)}`,
      });
    }
    const input = source.kind === "tensor" ? source : UNKNOWN;
    const layer = lookupLayer(name) ?? this.foreignLayer(stage.callee, frame);
    if (layer) {
      const inputs: Value[] = [input];
      let rest = stage.args;
      if (layer.arity === "many") {
        for (const a of rest) if (!a.name) inputs.push(this.evaluate(a.value, frame));
        rest = rest.filter((a) => a.name);
      }
      return this.applyLayer(layer, inputs, rest, stage, frame, pipe.label, pipe.doc);
    }
    const block = frame.scope.blocks.get(name);
    if (block) {
      if (pipe.label) {
        this.report({ code: "E104", file: frame.file, range: pipe.label.range, message: `labels name layers; \`${name}\` is a block`, help: "label the layers inside the block instead" });
      }
      return this.callBlock(block, stage, input, frame);
    }
    return this.unknownCallee(stage, frame);
  }

  /**
   * Keras's or PyTorch's name for a layer (`Dense`, `MaxPooling2D`) that is no block or model in
   * scope: reported once (E100, with the fix) and checked as the layer it names, so that its
   * arguments and what follows it are checked as if the fix had been applied.
   */
  private foreignLayer(callee: Identifier, frame: Frame): LayerDef | undefined {
    if (frame.scope.blocks.has(callee.name) || frame.scope.models.has(callee.name)) return undefined;
    const foreign = foreignName(callee.name, "layer", LAYER_NAMES);
    if (!foreign) return undefined;
    reportUnknownName(callee.name, callee.range, "layer", LAYER_NAMES, this.scopeCtx(frame));
    return lookupLayer(foreign.replacement);
  }

  private unknownCallee(call: CallExpr, frame: Frame): Value {
    const name = call.callee.name;
    if (frame.scope.models.has(name)) {
      this.report({ code: "E104", file: frame.file, range: call.callee.range, message: `\`${name}\` is a model; only layers and blocks can be applied`, help: `turn the reusable part of \`${name}\` into a block` });
      return UNKNOWN;
    }
    if ((SEARCH_SPACES as readonly string[]).includes(name)) {
      // `let w = choice(…)`: a search space is a value an argument or a training key takes, not a tensor.
      this.report({
        code: "E104",
        file: frame.file,
        range: call.callee.range,
        message: `\`${name}(…)\` is a search space: it goes where an argument's value goes, not in a binding or a pipeline`,
        help: `write it in the argument it searches, such as \`dense(${name}(…))\`, or as a model parameter given by the training, \`train M(width: ${name}(…)) { … tune: … }\``,
      });
    } else {
      const candidates = [...LAYER_NAMES, ...frame.scope.blocks.keys()];
      reportUnknownName(name, call.callee.range, "layer or block", candidates, this.scopeCtx(frame));
    }
    // Still check the arguments' own names, so a typo there is not hidden behind this one.
    for (const a of call.args) if (!a.name) this.evaluate(a.value, frame);
    return UNKNOWN;
  }

  // ---------------------------------------------------------------- layers

  private applyLayer(def: LayerDef, inputs: readonly Value[], argExprs: readonly Arg[], node: CallExpr | BinaryExpr, frame: Frame, label?: Identifier, doc?: string): Value {
    if (!this.expand(node.range, frame)) return this.fail();
    const args = bindArgs(def.signature, argExprs, node.range, this.bindCtx(frame));
    if (label?.name && !this.declarationOnly) this.claimLabel(label, frame);
    if (def.arity === "many" && inputs.length < 2 && inputs.every((i) => i.kind !== "unknown")) {
      this.report({ code: "E103", file: frame.file, range: node.range, message: `\`${def.name}\` merges two or more tensors; found ${inputs.length}`, help: `write \`${def.name}(a, b)\`` });
      return this.fail();
    }
    if (def.arity === "one" && inputs.length === 0) {
      this.report({ code: "E103", file: frame.file, range: node.range, message: `\`${def.name}\` needs an input`, help: `apply it with \`x -> ${def.name}${node.kind === "Call" && node.hasParens ? "(…)" : ""}\`` });
      return this.fail();
    }
    const tensors = inputs.filter((i): i is TensorValue => i.kind === "tensor");
    if (tensors.length !== inputs.length) {
      for (const [i, value] of inputs.entries()) {
        if (value.kind !== "tensor" && value.kind !== "unknown") {
          this.report({ code: "E104", file: frame.file, range: node.range, message: `\`${def.name}\` needs a tensor as input ${i + 1}, found ${describeSource(value)}` });
        }
      }
      return this.fail();
    }
    const wantDType = def.inputDType ?? "float32";
    const wrongType = tensors.find((t) => t.dtype !== wantDType);
    if (wrongType) {
      this.report({
        code: "E200",
        file: frame.file,
        range: node.range,
        message: wantDType === "int32" ? `\`${def.name}\` takes integer token ids (int32), but its input holds numbers (float32)` : `\`${def.name}\` takes numbers, but its input is integer token ids (${shapeToString(wrongType.shape)}, int32)`,
        label: this.describeInput(wrongType, frame),
        help: wantDType === "int32" ? "declare the input as `int32[T]`" : "turn token ids into vectors first: `-> embedding(vocab, dim)`",
      });
      return this.fail();
    }
    let broken = false;
    const inferred = exactly(() =>
      def.infer({
        inputs: tensors,
        args,
        report: (problem) => {
          if (problem.severity !== "warning") broken = true;
          this.reportProblem(problem, def, tensors, args, node, frame);
        },
      }),
    );
    if (!inferred.ok) return this.reportOverflow(def, "output shape", inferred.reason, tensors, node, frame);
    const output = inferred.value;
    if (!output || broken) return this.fail();
    const shapes = tensors.map((t) => t.shape);
    const counted = exactly(() => def.countParams(shapes, args, output));
    if (!counted.ok) return this.reportOverflow(def, "parameter count", counted.reason, tensors, node, frame);
    if (!this.fitsInTensors(def, output, counted.value, node, frame)) return this.fail();
    const id = this.layers.length;
    const definedAt = { file: frame.file, range: node.range };
    const tensor: TensorValue = { kind: "tensor", shape: output, dtype: def.outputDType ?? "float32", source: { kind: "layer", layerId: id } };
    this.layers.push({
      id,
      label: label?.name ? label : undefined,
      labelled: !!label?.name,
      def,
      args,
      inputs: tensors,
      output: tensor,
      params: counted.value,
      definedAt,
      site: frame.site ?? definedAt,
      blockPath: frame.blockPath,
      doc,
    });
    return tensor;
  }

  private fail(): Value {
    this.failed = true;
    return UNKNOWN;
  }

  /** E105 for a layer whose shape arithmetic would not be exact (`DimOverflow`'s reason). */
  private reportOverflow(def: LayerDef, what: string, reason: string, inputs: readonly TensorValue[], node: CallExpr | BinaryExpr, frame: Frame): Value {
    this.report({
      code: "E105",
      file: frame.file,
      range: node.range,
      message: `${def.name} cannot compute its ${what} exactly: ${reason}`,
      label: inputs[0] ? this.describeInput(inputs[0], frame) : undefined,
      help: "use smaller sizes",
    });
    return this.fail();
  }

  /**
   * E105 when a layer's output holds more than 2^31 − 1 values per example, or its weights do:
   * no backend could build it. Symbols count as 1, the least they can be.
   */
  private fitsInTensors(def: LayerDef, output: Shape, params: Dim, node: CallExpr | BinaryExpr, frame: Frame): boolean {
    const values = leastValues(output);
    if (values > MAX_TENSOR_VALUES) {
      this.report({
        code: "E105",
        file: frame.file,
        range: node.range,
        message: `${def.name} gives ${shapeToString(output)}: one example would hold ${atLeast(output)}${countText(values)} values, more than a tensor holds, ${MAX_TENSOR_VALUES_TEXT}`,
        help: TENSOR_LIMIT_HELP,
      });
      return false;
    }
    const weights = lowerBound(params);
    if (weights > MAX_TENSOR_VALUES) {
      this.report({
        code: "E105",
        file: frame.file,
        range: node.range,
        message: `${def.name} would have ${constValue(params) === undefined ? "at least " : ""}${countText(weights)} parameters, more than a layer's weights may hold, ${MAX_TENSOR_VALUES_TEXT}`,
        help: TENSOR_LIMIT_HELP,
      });
      return false;
    }
    return true;
  }

  /** Counts one more layer or block call; false (after reporting once) past the budget. */
  private expand(range: Range, frame: Frame): boolean {
    if (++this.expansions <= this.expansionBudget) return true;
    this.reportLimitOnce("expansions", {
      code: "E105",
      file: frame.file,
      range,
      message: `model \`${this.model.decl.name.name}\` expands to more than ${countText(this.expansionBudget)} layers and block calls; nnc stops here`,
      help: "a block that calls another block several times multiplies its layers at every level: call each block fewer times",
    });
    return false;
  }

  private reportLimitOnce(limit: "depth" | "expansions", init: DiagnosticInit): void {
    if (this.limitsReported.has(limit)) return;
    this.limitsReported.add(limit);
    this.report(init);
  }

  private claimLabel(label: Identifier, frame: Frame): void {
    const earlier = this.labels.get(label.name);
    if (earlier) {
      this.report({
        code: "E101",
        file: frame.file,
        range: label.range,
        message: `label \`${label.name}\` is used twice in model \`${this.model.decl.name.name}\``,
        labels: [{ ...earlier, message: "first used here" }],
        help: frame.blockPath.length ? "a label inside a block is repeated by every call of the block; label the calls' layers outside the block" : "give each layer its own label",
      });
      return;
    }
    this.labels.set(label.name, { file: frame.file, range: label.range });
  }

  private reportProblem(problem: ShapeProblem, def: LayerDef, inputs: readonly TensorValue[], args: BoundArgs, node: CallExpr | BinaryExpr, frame: Frame): void {
    const input = inputs[problem.inputIndex ?? 0];
    const argNode = problem.argument ? args.get(problem.argument)?.node : undefined;
    const otherInputs = def.arity === "many" ? inputs.filter((t) => t !== input) : [];
    this.report({
      code: problem.code,
      severity: problem.severity,
      file: frame.file,
      range: argNode?.range ?? node.range,
      message: problem.message,
      label: problem.label ?? (input ? this.describeInput(input, frame) : undefined),
      labels: otherInputs.flatMap((t) => {
        const where = this.producerLocation(t);
        return where ? [{ ...where, message: `${shapeToString(t.shape)} here` }] : [];
      }),
      help: problem.help,
      notes: problem.notes,
    });
  }

  /** "input is [4, 4, 20], from maxpool at line 6" */
  private describeInput(tensor: TensorValue, frame: Frame): string {
    const shape = shapeToString(tensor.shape);
    if (tensor.source.kind === "input") return `input is ${shape}, the model input \`${tensor.source.name}\``;
    const producer = this.layers[tensor.source.layerId];
    if (!producer) return `input is ${shape}`;
    const where = producer.definedAt.file === frame.file ? producer.definedAt : producer.site;
    const file = where.file === frame.file ? "" : ` of ${where.file}`;
    return `input is ${shape}, from ${producer.label?.name ?? producer.def.name} at line ${where.range.start.line}${file}`;
  }

  private producerLocation(tensor: TensorValue): Location | undefined {
    if (tensor.source.kind === "input") return { file: tensor.source.file, range: tensor.source.range };
    return this.layers[tensor.source.layerId]?.definedAt;
  }

  /** Evaluates `lstm(32)` as a layer value (the argument of `bidirectional` or `time_distributed`). */
  private layerValue(call: CallExpr, type: ValueType & { kind: "layer" }, frame: Frame): Value {
    const def = lookupLayer(call.callee.name) ?? this.foreignLayer(call.callee, frame);
    if (!def) {
      if (frame.scope.blocks.has(call.callee.name)) {
        this.report({ code: "E104", file: frame.file, range: call.callee.range, message: `\`${call.callee.name}\` is a block; only built-in layers can be wrapped` });
        return UNKNOWN;
      }
      reportUnknownName(call.callee.name, call.callee.range, "layer", LAYER_NAMES, this.scopeCtx(frame));
      return UNKNOWN;
    }
    if (type.what === "recurrent" && def.category !== "recurrent") {
      this.report({ code: "E104", file: frame.file, range: call.range, message: `expected ${describeType(type)}, found \`${def.name}\`` });
      return UNKNOWN;
    }
    if (def.arity === "many") {
      this.report({ code: "E104", file: frame.file, range: call.range, message: `\`${def.name}\` merges tensors and cannot be wrapped` });
      return UNKNOWN;
    }
    const args = bindArgs(def.signature, call.args, call.range, this.bindCtx(frame));
    return { kind: "layer", layer: def.name, args, range: call.range };
  }

  // ---------------------------------------------------------------- blocks

  private callBlock(block: Declared<BlockDecl>, call: CallExpr, piped: Value | undefined, frame: Frame): Value {
    const decl = block.decl;
    // The declaration's check reports a repeated parameter name (E101); which of the two an argument
    // is for cannot be known, so such a call is not bound.
    const bindable = !repeatsAParameter(decl);
    if (!bindable) {
      // The names its arguments use are used all the same: W401 about them would be noise.
      for (const expr of expressionsIn(call.args.map((a) => a.value))) if (expr.kind === "Name") lookup(frame, expr.name.name);
    }
    if (this.declarationOnly) {
      // The call's arguments are checked against the block's signature; its body is checked on its own.
      if (bindable) this.bindCall(block, call, piped, frame);
      return this.fail();
    }
    this.host.blockCalled?.(decl);
    if (!bindable) return this.fail();
    // A cycle of blocks is E106 once for the whole program (block-cycles.ts); here it only stops.
    if (frame.callStack.includes(decl)) return this.fail();
    if (frame.callStack.length >= MAX_BLOCK_DEPTH) {
      // The blocks past the limit are called all the same: W401 about them would be noise.
      this.markReachableCalled(block);
      // A cycle longer than the limit is still a cycle, reported as such: do not blame the depth.
      if (!this.closesCycle(block, frame.callStack)) {
        const chain = elide([...frame.callStack, decl].map((b) => b.name.name));
        this.report({
          code: "E105",
          file: frame.file,
          range: call.callee.range,
          message: `blocks nest more than ${MAX_BLOCK_DEPTH} calls deep here (${chain}); nnc expands at most ${MAX_BLOCK_DEPTH} levels`,
          help: "call the blocks one after another in the model instead of each from the one before",
        });
      }
      return this.fail();
    }
    if (!this.budgeted.has(decl)) {
      this.budgeted.add(decl);
      this.expansionBudget += lengthOf(decl.range);
    }
    if (!this.expand(call.range, frame)) return this.fail();
    const { inner, bound } = this.bindCall(block, call, piped, frame);
    if (!bound) return this.fail();
    for (const [name, binding] of bound) inner.env.set(name, binding);
    for (const param of decl.params) {
      const binding = bound.get(param.name.name);
      if (binding) this.host.recordValue?.(param.name, binding.value);
    }
    const result = this.evaluateBody(decl.body, inner);
    this.reportUnused(inner, "block");
    if (!result.value || result.value.kind === "unknown") {
      if (!result.value) this.reportNoResult(block);
      return this.fail();
    }
    if (decl.result && result.value.kind === "tensor") {
      const declared = evaluateShape(decl.result, inner, this.shapeCtx(inner), "match");
      if (declared && !declared.matches(result.value.shape)) {
        this.report({
          code: "E204",
          file: block.file,
          range: result.range ?? decl.name.range,
          message: `block \`${decl.name.name}\` declares the result ${declared.text}, but its body gives ${shapeToString(result.value.shape)}`,
          label: `this is ${shapeToString(result.value.shape)}`,
          labels: [{ file: block.file, range: decl.result.range, message: `declared ${declared.text}${declared.text === shapeToString(declared.shape) ? "" : ` = ${shapeToString(declared.shape)}`} for this call` }],
          help: "change the body so it keeps the declared shape (e.g. `padding: same`), or change the declared result",
        });
        return this.fail();
      }
    }
    return result.value;
  }

  /** Binds a call's arguments in a fresh frame for the block's body; `bound` is undefined after an error. */
  private bindCall(block: Declared<BlockDecl>, call: CallExpr, piped: Value | undefined, frame: Frame): { inner: Frame; bound?: Map<string, Binding> } {
    const inner: Frame = {
      file: block.file,
      scope: this.host.program.scopes.get(block.file)!,
      env: new Map(),
      blockPath: [...frame.blockPath, block.decl.name.name],
      site: frame.site ?? { file: frame.file, range: call.range },
      callStack: [...frame.callStack, block.decl],
      isModel: false,
    };
    const bound = bindBlockCall(block.decl, call, piped, {
      caller: this.bindCtx(frame),
      callee: this.bindCtx(inner),
      shapes: this.shapeCtx(inner),
      inner,
      describeInput: (t) => this.describeInput(t, frame),
      report: (d) => this.report(d),
    });
    return { inner, bound };
  }

  private reportNoResult(block: Declared<BlockDecl>): void {
    const name = block.decl.name.name;
    if (name) this.report({ code: "E103", file: block.file, range: block.decl.name.range, message: `block \`${name}\` has no result`, help: "end its body with the expression that gives the result" });
  }

  /**
   * Whether `block`, called at the end of `stack`, reaches a block of the stack or itself again
   * through the calls its body makes (found without expanding them).
   */
  private closesCycle(block: Declared<BlockDecl>, stack: readonly BlockDecl[]): boolean {
    const targets = new Set<BlockDecl>([...stack, block.decl]);
    const seen = new Set<BlockDecl>([block.decl]);
    const queue: Declared<BlockDecl>[] = [block];
    for (let head = 0; head < queue.length; head++) {
      for (const callee of this.calleesOf(queue[head])) {
        if (targets.has(callee.decl)) return true;
        if (seen.has(callee.decl)) continue;
        seen.add(callee.decl);
        queue.push(callee);
      }
    }
    return false;
  }

  /** Tells the host that every block `block` calls, directly or not, is called. */
  private markReachableCalled(block: Declared<BlockDecl>): void {
    const seen = new Set<BlockDecl>([block.decl]);
    const pending = [block];
    for (let current = pending.pop(); current; current = pending.pop()) {
      this.host.blockCalled?.(current.decl);
      for (const callee of this.calleesOf(current)) {
        if (seen.has(callee.decl)) continue;
        seen.add(callee.decl);
        pending.push(callee);
      }
    }
  }

  /** The blocks a block's parameters and body name as callees, resolved in the block's file. */
  private calleesOf(block: Declared<BlockDecl>): Declared<BlockDecl>[] {
    const known = this.callees.get(block.decl);
    if (known) return known;
    const result = [...new Set(blockCalls(block, this.host.program.scopes).map((c) => c.callee))];
    this.callees.set(block.decl, result);
    return result;
  }

  // ---------------------------------------------------------------- contexts

  private bindCtx(frame: Frame): BindContext {
    return {
      file: frame.file,
      report: (d) => this.report(d),
      evaluate: (expr, type) => this.evaluate(expr, frame, type),
      layerValue: (call, type) => this.layerValue(call, type, frame),
      chosenValue: (call) => this.host.chosen?.get(searchSpaceKey(frame.file, call.range)),
    };
  }

  private scopeCtx(frame: Frame): BindContext {
    return this.bindCtx(frame);
  }

  private shapeCtx(frame: Frame) {
    return { file: frame.file, report: (d: Diagnostic) => this.report(d), evaluate: (e: Expr) => this.evaluate(e, frame, DIMENSION) };
  }

  private bindDefault(type: ValueType, expr: Expr, frame: Frame): Value {
    return checkValue(this.evaluate(expr, frame, type), type, expr, this.bindCtx(frame));
  }

  private report(init: DiagnosticInit | Diagnostic): void {
    const d = "labels" in init && "fixes" in init && "notes" in init ? (init as Diagnostic) : diagnostic(init);
    if (d.severity === "error") this.failed = true;
    this.host.report(d);
  }
}

/** How many characters of source a range spans. */
function lengthOf(range: Range): number {
  return range.end.offset - range.start.offset;
}

/** The fewest values an example of `shape` can hold (each symbolic dimension at its least, and at least 1). */
function leastValues(shape: Shape): number {
  let values = 1;
  for (const d of shape) values *= Math.max(1, lowerBound(d));
  return values;
}

/** "at least " when a shape has symbolic dimensions, whose sizes are not known yet. */
function atLeast(shape: Shape): string {
  return shape.some((d) => constValue(d) === undefined) ? "at least " : "";
}

function symbolic(name: string): Value {
  return { kind: "dim", dim: dimSymbol(name) };
}

function describeSource(value: Value): string {
  switch (value.kind) {
    case "number":
      return `the number ${value.value}`;
    case "enum":
      return `the name \`${value.name}\``;
    case "tensor":
      return "a tensor";
    default:
      return `a ${value.kind}`;
  }
}

