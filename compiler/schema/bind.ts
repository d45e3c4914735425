/**
 * Binds the arguments of a call to a signature and checks each value against its parameter's type.
 * One binder serves layers, blocks, initializers, optimizers, datasets and training keys, so every
 * call in the language reports E101–E105 (and E100 for unknown enum names) the same way.
 */
import type { Arg, CallExpr, Expr, Range } from "../../grammar/ast.js";
import { diagnostic, type Diagnostic, type Fix } from "../diagnostics/diagnostic.js";
import { didYouMean, formatList } from "../diagnostics/suggest.js";
import { foreignArgument, foreignName, unquotedName } from "../../grammar/keras-names.js";
import { MAX_EXACT_INTEGER_TEXT, MAX_TENSOR_VALUES, MAX_TENSOR_VALUES_TEXT, TENSOR_LIMIT_HELP } from "../shapes/limits.js";
import { describeType, type NumericRange, type ParamSpec, type Signature, type ValueType } from "./types.js";
import { concrete, UNKNOWN, type BoundArg, type SearchSpace, type Value } from "./values.js";

/** What the binder needs from the phase that calls it. */
export interface BindContext {
  readonly file: string;
  report(diagnostic: Diagnostic): void;
  /**
   * Evaluates an expression that is not a constructor call, list, search space or layer value:
   * literals, names in scope, arithmetic, tensors. A name that is not in scope must come back as
   * `{ kind: "enum", name }` when `type` accepts bare names, so the binder can check it.
   */
  evaluate(expr: Expr, type: ValueType): Value;
  /** Turns `lstm(32)` into a layer value, for parameters of type `layer`. */
  layerValue?(call: CallExpr, type: ValueType & { kind: "layer" }): Value;
  /**
   * The value a search space written at `call` takes in this evaluation, or undefined to bind the
   * space itself: code generation builds a model once per value its layers' spaces may take.
   */
  chosenValue?(call: CallExpr): Value | undefined;
}

export const SEARCH_SPACES = ["choice", "uniform", "log_uniform", "int_uniform"] as const;

/**
 * Binds `args` to `signature`: positional arguments in order, then named ones; defaults fill what
 * is missing. `given` holds arguments bound already (the piped tensor of a block).
 */
export function bindArgs(
  signature: Signature,
  args: readonly Arg[],
  callRange: Range,
  ctx: BindContext,
  given: ReadonlyMap<string, BoundArg> = new Map(),
): Map<string, BoundArg> {
  const bound = new Map<string, BoundArg>(given);
  const firstSeen = new Map<string, Range>();
  const positional = signature.params.filter((p) => p.positional !== false && !given.has(p.name));
  let next = 0;
  let variadic: { param: ParamSpec; items: Value[]; nodes: Expr[] } | undefined;
  const suggested = new Set<string>();

  for (const a of args) {
    if (a.name) {
      const name = a.name.name;
      if (name === "") continue; // a hole left by the parser
      const param = signature.params.find((p) => p.name === name);
      if (!param) {
        const guess = reportUnknownArgument(signature, a, ctx);
        // `kernal: 3` is one fault: do not also report `kernel` as missing.
        if (guess && !bound.has(guess)) suggested.add(guess);
        continue;
      }
      const earlier = firstSeen.get(name);
      if (bound.has(name) && (earlier || given.has(name) || !param.variadic)) {
        ctx.report(
          diagnostic({
            code: "E101",
            file: ctx.file,
            range: a.range,
            message: `argument \`${name}\` of \`${signature.name}\` is given twice`,
            labels: earlier ? [{ file: ctx.file, range: earlier, message: "first given here" }] : [],
            help: "remove one of the two",
          }),
        );
        continue;
      }
      firstSeen.set(name, a.range);
      bound.set(name, { value: bindValue(param.type, a.value, ctx), node: a.value });
      continue;
    }
    if (variadic) {
      variadic.items.push(bindValue(variadic.param.type, a.value, ctx));
      variadic.nodes.push(a.value);
      continue;
    }
    const param = positional[next++];
    if (!param) {
      ctx.report(
        diagnostic({
          code: "E102",
          file: ctx.file,
          range: a.range,
          message: `\`${signature.name}\` takes ${countPositional(positional.length)}; this one is extra`,
          help: positional.length
            ? `its arguments are ${formatList(signature.params.map((p) => p.name))}; name the argument you meant`
            : "remove it",
        }),
      );
      continue;
    }
    firstSeen.set(param.name, a.range);
    if (param.variadic) {
      variadic = { param, items: [bindValue(param.type, a.value, ctx)], nodes: [a.value] };
      continue;
    }
    bound.set(param.name, { value: bindValue(param.type, a.value, ctx), node: a.value });
  }
  if (variadic) bound.set(variadic.param.name, { value: { kind: "list", items: variadic.items } });

  // A hole among the arguments is a syntax error, reported already: the argument it stood for may be
  // the one that looks missing.
  const hasHole = args.some((a) => a.value.kind === "Error");

  for (const param of signature.params) {
    if (bound.has(param.name)) continue;
    if (param.default !== undefined) bound.set(param.name, { value: param.default });
    else if (param.required && !suggested.has(param.name) && !hasHole) {
      ctx.report(
        diagnostic({
          code: "E103",
          file: ctx.file,
          range: callRange,
          message: `\`${signature.name}\` needs the argument \`${param.name}\` (${describeType(param.type)})`,
          help: `add \`${param.name}: …\`${param.doc ? `: ${param.doc}` : ""}`,
        }),
      );
    }
  }
  return bound;
}

function countPositional(n: number): string {
  if (n === 0) return "no positional arguments";
  return n === 1 ? "1 positional argument" : `${n} positional arguments`;
}

/** Reports E102 for a named argument the signature lacks; returns the suggested name, if any. */
function reportUnknownArgument(signature: Signature, a: Arg, ctx: BindContext): string | undefined {
  const name = a.name!;
  const names = signature.params.map((p) => p.name);
  const renamed = foreignArgument(name.name, names);
  const guess = renamed ?? didYouMean(name.name, names);
  ctx.report(
    diagnostic({
      code: "E102",
      file: ctx.file,
      range: name.range,
      message: `\`${signature.name}\` has no argument \`${name.name}\``,
      help: renamed
        ? `nnc calls it \`${renamed}\``
        : guess
        ? `did you mean \`${guess}\`?`
        : names.length
          ? `its arguments are ${formatList(names)}`
          : `\`${signature.name}\` takes no arguments`,
      fixes: guess ? [replaceWith(ctx.file, name.range, guess)] : [],
    }),
  );
  return guess;
}

/** A fix that replaces a span by a suggested name. */
export function replaceWith(file: string, range: Range, text: string): Fix {
  return { title: `Replace with \`${text}\``, edits: [{ file, range, newText: text }] };
}

/** Evaluates one argument expression for a parameter of `type` and checks it. */
export function bindValue(type: ValueType, expr: Expr, ctx: BindContext): Value {
  if (expr.kind === "Error") return UNKNOWN;
  if (expr.kind === "Paren") return bindValue(type, expr.inner, ctx);
  if (expr.kind === "Call" && isSearchSpace(expr.callee.name) && acceptsSearch(type, expr.callee.name)) {
    const chosen = ctx.chosenValue?.(expr);
    if (chosen) return checkValue(chosen, type, expr, ctx);
    return { kind: "search", space: bindSearchSpace(expr, type, ctx) };
  }
  const alternative = type.kind === "union" ? pickAlternative(type.of, expr) : type;
  if (alternative !== type) return bindValue(alternative, expr, ctx);

  if (type.kind === "ctor" && expr.kind === "Call") return bindConstructor(type, expr, ctx);
  if (type.kind === "list" && expr.kind === "List") {
    return { kind: "list", items: expr.items.map((item) => bindValue(type.of, item, ctx)) };
  }
  if (type.kind === "list" && type.of.kind !== "list" && expr.kind !== "List") {
    // A single item where a list goes: `metrics: accuracy` means `[accuracy]`.
    const item = bindValue(type.of, expr, ctx);
    return item.kind === "unknown" ? item : { kind: "list", items: [item] };
  }
  if (type.kind === "layer" && expr.kind === "Call" && ctx.layerValue) return ctx.layerValue(expr, type);
  return checkValue(ctx.evaluate(expr, type), type, expr, ctx);
}

function isSearchSpace(name: string): boolean {
  return (SEARCH_SPACES as readonly string[]).includes(name);
}

/** Search spaces go where a scalar goes, unless a constructor has the same name (`init: uniform(…)`). */
function acceptsSearch(type: ValueType, name: string): boolean {
  if (type.kind === "ctor") return !type.ctors.some((c) => c.name === name);
  if (type.kind === "union") return type.of.every((t) => acceptsSearch(t, name));
  return type.kind !== "tensor" && type.kind !== "layer" && type.kind !== "list";
}

/** Chooses the alternative of a union that the expression's form fits. */
function pickAlternative(types: readonly ValueType[], expr: Expr): ValueType {
  const fits = (t: ValueType): boolean => {
    switch (expr.kind) {
      case "Call":
        return (t.kind === "ctor" && t.ctors.some((c) => c.name === expr.callee.name)) || t.kind === "layer";
      case "List":
        return t.kind === "list";
      case "String":
        return t.kind === "string" || t.kind === "path";
      case "Bool":
        return t.kind === "bool";
      case "Name":
        return (
          (t.kind === "enum" && t.values.includes(expr.name.name)) ||
          (t.kind === "ctor" && t.ctors.some((c) => c.name === expr.name.name))
        );
      default:
        return t.kind === "int" || t.kind === "float";
    }
  };
  return types.find(fits) ?? types.find((t) => t.kind === "ctor" || t.kind === "enum") ?? types[0];
}

function bindConstructor(type: ValueType & { kind: "ctor" }, call: CallExpr, ctx: BindContext): Value {
  const signature = type.ctors.find((c) => c.name === call.callee.name);
  if (!signature) {
    reportUnknownName(call.callee.name, call.callee.range, type.what, type.ctors.map((c) => c.name), ctx);
    // Still look inside, so errors in the arguments are not lost.
    return UNKNOWN;
  }
  return { kind: "ctor", signature, args: bindArgs(signature, call.args, call.range, ctx) };
}

/**
 * What to say when no name of a kind is in scope at all, by the kind (`what`); listing the
 * candidates would say nothing ("expected ").
 */
const NONE_IN_SCOPE: Readonly<Record<string, (name: string) => string>> = {
  name: (name) => `declare it before its use: as an \`input\`, a \`let\`, a parameter, or a dimension symbol standing alone in a shape (\`[${name}, 8]\`)`,
  model: () => "no model is declared in this file or in the files it `use`s",
};

/**
 * Reports E100 for a name that is not one of `candidates`, with a "did you mean" when one is close.
 * `whenNone` is the help when there are no candidates (by default, what `NONE_IN_SCOPE` says).
 */
export function reportUnknownName(
  name: string,
  range: Range,
  what: string,
  candidates: readonly string[],
  ctx: Pick<BindContext, "file" | "report">,
  whenNone: string | undefined = NONE_IN_SCOPE[what]?.(name),
): string | undefined {
  const foreign = foreignName(name, what, candidates);
  if (foreign) {
    ctx.report(diagnostic({ code: "E100", file: ctx.file, range, message: foreign.message, help: `write \`${foreign.replacement}\``, fixes: [replaceWith(ctx.file, range, foreign.replacement)] }));
    return foreign.replacement;
  }
  const guess = didYouMean(name, candidates);
  ctx.report(
    diagnostic({
      code: "E100",
      file: ctx.file,
      range,
      message: `unknown ${what} \`${name}\``,
      help: guess
        ? `did you mean \`${guess}\`?`
        : candidates.length === 0
          ? whenNone
          : candidates.length <= 12
            ? `expected ${formatList(candidates)}`
            : undefined,
      fixes: guess ? [replaceWith(ctx.file, range, guess)] : [],
    }),
  );
  return guess;
}

/** Checks an evaluated value against a type: kind (E104), range (E105), enum membership (E100). */
export function checkValue(value: Value, type: ValueType, expr: Expr, ctx: BindContext): Value {
  if (value.kind === "unknown") return value;
  if (value.kind === "search") {
    // A model parameter bound to a search space: its representative stands in for every option.
    return checkValue(value.space.representative, type, expr, ctx).kind === "unknown" ? UNKNOWN : value;
  }
  const wrongKind = (found: string): Value => {
    ctx.report(
      diagnostic({
        code: "E104",
        file: ctx.file,
        range: expr.range,
        message: `expected ${describeType(type)}, found ${found}`,
      }),
    );
    return UNKNOWN;
  };
  switch (type.kind) {
    case "int":
      if (value.kind === "dim") return value;
      if (value.kind !== "number") return wrongKind(describeValue(value));
      if (!value.integer || !Number.isInteger(value.value)) return wrongKind(`\`${value.value}\`, which is not an integer`);
      // A symbolic int is a size (units, filters, kernel, a block's `int`): it must fit in a tensor.
      if (type.symbolic && value.value > MAX_TENSOR_VALUES) {
        return tooLarge(expr, ctx, `${numberText(value.value, expr)} is too large: a size is at most ${MAX_TENSOR_VALUES_TEXT}`, TENSOR_LIMIT_HELP);
      }
      if (!Number.isSafeInteger(value.value)) {
        return tooLarge(expr, ctx, `${numberText(value.value, expr)} is too large to be exact: integers go up to ${MAX_EXACT_INTEGER_TEXT}`);
      }
      return checkRange(value, type.range, expr, ctx);
    case "float":
      if (value.kind === "dim") return value;
      if (value.kind !== "number") return wrongKind(describeValue(value));
      if (!Number.isFinite(value.value)) return tooLarge(expr, ctx, `${numberText(value.value, expr)} is not a finite number`);
      return checkRange(value, type.range, expr, ctx);
    case "bool":
      return value.kind === "bool" ? value : wrongKind(describeValue(value));
    case "string":
    case "path":
      return value.kind === "string" ? value : wrongKind(describeValue(value));
    case "enum":
      if (value.kind === "string") value = unquoted(value.value, type.what, type.values, expr, ctx) ?? value;
      if (value.kind !== "enum") return wrongKind(describeValue(value));
      if (!type.values.includes(value.name)) {
        reportUnknownName(value.name, expr.range, type.what, type.values, ctx);
        return UNKNOWN;
      }
      return value;
    case "ctor": {
      if (value.kind === "ctor") return value;
      if (value.kind === "string") value = unquoted(value.value, type.what, type.ctors.map((c) => c.name), expr, ctx) ?? value;
      if (value.kind !== "enum") return wrongKind(describeValue(value));
      const name = value.name;
      const signature = type.ctors.find((c) => c.name === name);
      if (!signature) {
        reportUnknownName(name, expr.range, type.what, type.ctors.map((c) => c.name), ctx);
        return UNKNOWN;
      }
      // A bare constructor name: every parameter must have a default (`cross_entropy`, `he_normal`).
      const call: CallExpr = { kind: "Call", callee: { kind: "Identifier", name, range: expr.range }, args: [], hasParens: false, range: expr.range };
      return { kind: "ctor", signature, args: bindArgs(signature, [], call.range, ctx) };
    }
    case "list":
      return value.kind === "list" ? value : wrongKind(describeValue(value));
    case "union":
      return value;
    case "tensor":
      return value.kind === "tensor" ? value : wrongKind(describeValue(value));
    case "layer":
      return value.kind === "layer" ? value : wrongKind(describeValue(value));
  }
}

/**
 * `"relu"` where the name `relu` goes: one E104 whose fix removes the quotes, and the name as if it
 * had been written bare (so nothing else is reported about it); undefined for another string.
 */
function unquoted(text: string, what: string, names: readonly string[], expr: Expr, ctx: BindContext): Value | undefined {
  const name = expr.kind === "String" ? unquotedName(text, names) : undefined;
  if (name === undefined) return undefined;
  ctx.report(
    diagnostic({
      code: "E104",
      file: ctx.file,
      range: expr.range,
      message: `${what} names are written without quotes: \`${name}\``,
      help: "remove the quotes",
      fixes: [{ title: `Replace with \`${name}\``, edits: [{ file: ctx.file, range: expr.range, newText: name }] }],
    }),
  );
  return { kind: "enum", name };
}

/** E105 for a number beyond what nnc can represent or build; the value becomes unknown. */
function tooLarge(expr: Expr, ctx: BindContext, message: string, help?: string): Value {
  ctx.report(diagnostic({ code: "E105", file: ctx.file, range: expr.range, message, help }));
  return UNKNOWN;
}

/** A number as the user wrote it when it is a literal (`9007199254740993`, which reads as …992), else its value. */
export function numberText(value: number, expr: Expr): string {
  return `\`${expr.kind === "Number" ? expr.text : String(value)}\``;
}

function checkRange(value: Value & { kind: "number" }, range: NumericRange | undefined, expr: Expr, ctx: BindContext): Value {
  if (!range) return value;
  const v = value.value;
  const belowMin = range.min !== undefined && (range.minExclusive ? v <= range.min : v < range.min);
  const aboveMax = range.max !== undefined && (range.maxExclusive ? v >= range.max : v > range.max);
  if (!belowMin && !aboveMax) return value;
  ctx.report(
    diagnostic({
      code: "E105",
      file: ctx.file,
      range: expr.range,
      message: `${v} is out of range: expected ${describeRange(range)}`,
    }),
  );
  return UNKNOWN;
}

/** "a number in [0, 1)", "an integer ≥ 1", "a number > 0". */
export function describeRange(range: NumericRange): string {
  const { min, max } = range;
  if (min !== undefined && max !== undefined) {
    return `a value in ${range.minExclusive ? "(" : "["}${min}, ${max}${range.maxExclusive ? ")" : "]"}`;
  }
  if (min !== undefined) return `a value ${range.minExclusive ? ">" : "≥"} ${min}`;
  if (max !== undefined) return `a value ${range.maxExclusive ? "<" : "≤"} ${max}`;
  return "any value";
}

/** Names a value's kind for "expected …, found …" messages. */
export function describeValue(value: Value): string {
  switch (value.kind) {
    case "number":
      return `the number ${value.value}`;
    case "dim":
      return "a dimension";
    case "bool":
      return `\`${value.value}\``;
    case "string":
      return "a string";
    case "enum":
      return `\`${value.name}\``;
    case "ctor":
      return `\`${value.signature.name}(…)\``;
    case "list":
      return "a list";
    case "tensor":
      return "a tensor";
    case "layer":
      return `the layer \`${value.layer}\``;
    case "search":
      return "a search space";
    case "unknown":
      return "an unknown value";
  }
}

/**
 * Binds `choice(…)`, `uniform(a, b)`, `log_uniform(a, b)` or `int_uniform(a, b)` and checks that the
 * space is valid (E304): not empty, ordered bounds, positive bounds for a log scale, integer bounds
 * for int_uniform, and no continuous range where only a name or an integer goes. Each option is
 * checked against the parameter's type. A space that does not fit its parameter gets an unknown
 * representative, so that where its value is used (a model argument in the body) nothing more is said.
 */
function bindSearchSpace(call: CallExpr, type: ValueType, ctx: BindContext): SearchSpace {
  const kind = call.callee.name as SearchSpace["kind"];
  const where = { file: ctx.file, range: call.range };
  const invalid = (range: Range, message: string, help?: string, fixes: Fix[] = []): void =>
    ctx.report(diagnostic({ code: "E304", file: ctx.file, range, message, help, fixes }));
  for (const a of call.args) {
    if (a.name) invalid(a.name.range, `\`${kind}\` takes its values positionally`, `remove \`${a.name.name}:\``);
  }
  if (kind === "choice") {
    const options = call.args.map((a) => bindValue(type, a.value, ctx));
    if (options.length === 0) invalid(call.range, "`choice()` needs at least one option", "list the values to try: `choice(30, 100, 300)`");
    return { kind, options, representative: options[0] ?? UNKNOWN, ...where };
  }
  const boundType: ValueType = kind === "int_uniform" ? { kind: "int" } : { kind: "float" };
  // A union's number (`validation`: a fraction or a dataset) takes a range as a number would.
  const numeric = type.kind === "union" ? type.of.find((t) => t.kind === "int" || t.kind === "float") : type;
  let fits = true;
  if (numeric?.kind !== "int" && numeric?.kind !== "float") {
    invalid(call.range, `\`${kind}\` is a numeric range, but ${describeType(type)} goes here`, "use `choice(…)` to search over names");
    fits = false;
  }
  if (call.args.length !== 2) {
    invalid(call.range, `\`${kind}\` takes two bounds, low and high; found ${call.args.length}`);
    return { kind, options: [], representative: UNKNOWN, ...where };
  }
  const [low, high] = call.args.map((a) => bindValue(boundType, a.value, ctx));
  const lo = concrete(low);
  const hi = concrete(high);
  if (lo.kind === "number" && hi.kind === "number") {
    if (lo.value >= hi.value) invalid(call.range, `the low bound ${lo.value} of \`${kind}\` is not below the high bound ${hi.value}`);
    if (kind === "log_uniform" && lo.value <= 0) {
      invalid(call.args[0].range, `\`log_uniform\` needs bounds above 0; found ${lo.value}`, "a log scale cannot include 0: start from a small positive value such as 1e-4");
    }
  }
  if (numeric?.kind === "int" && kind !== "int_uniform") {
    // A batch size of 11.64 or 2.34 epochs cannot run: the range must be one of integers.
    const integers = lo.kind === "number" && hi.kind === "number" && Number.isInteger(lo.value) && Number.isInteger(hi.value);
    const bounds = integers ? `${lo.value}, ${hi.value}` : "low, high";
    invalid(
      call.range,
      `\`${kind}(…)\` draws fractional numbers, but ${describeType(numeric)} goes here`,
      `search the integers with \`int_uniform(${bounds})\`, or list the values to try with \`choice(…)\``,
      integers ? [replaceWith(ctx.file, call.callee.range, "int_uniform")] : [],
    );
    fits = false;
  }
  // The representative must itself satisfy the parameter's type (e.g. `lr > 0`).
  return { kind, options: [low, high], representative: fits ? low : UNKNOWN, ...where };
}
