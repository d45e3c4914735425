/**
 * docs/ is complete on its own: every keyword and parameter type of the language, every layer,
 * activation and initializer, every training key, and every value a training key names (data
 * sources, losses, optimizers, schedules, metrics, transforms, …) appears in at least one ```nn
 * block of docs/*.md that examples.test.ts checks and that is a correct program: not a
 * `<!-- fragment -->`, and not a block whose marker expects an error (it shows a mistake; a block
 * expecting only warnings counts).
 *
 * What exists comes from the registries the compiler itself binds with (the layer registry, the
 * training keys' table and the value types of their entries), so a layer or a key added there
 * fails this test until the docs show it. Uses are found in the blocks' syntax trees, with the type
 * each value is bound to: `constant` is a schedule under `schedule:` and an initializer under
 * `init:`, `mae` a loss under `loss:` and a metric under `metrics:`, and `relu` a layer where it is
 * applied (`-> relu`) and an activation where it is an argument (`activation: relu`).
 */
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import type { Arg, BlockDecl, CallExpr, Expr, ModelDecl, Param, Stmt } from "../../grammar/ast.js";
import { parse } from "../../grammar/parse.js";
import { KEYWORDS } from "../../grammar/tokens.js";
import { SCALAR_TYPES } from "../../compiler/checker/block-call.js";
import { ACTIVATION } from "../../compiler/layers/common.js";
import { LAYERS } from "../../compiler/layers/registry.js";
import { SEARCH_SPACES } from "../../compiler/schema/bind.js";
import { INITIALIZER } from "../../compiler/schema/initializers.js";
import { TENSOR, type ParamSpec, type ValueType } from "../../compiler/schema/types.js";
import { DATASET } from "../../compiler/training/datasets.js";
import { TRAINING_KEY_NAMES, trainingKey } from "../../compiler/training/keys.js";
import { LOSS } from "../../compiler/training/losses.js";
import { OPTIMIZER } from "../../compiler/training/optimizers.js";
import { SCHEDULE } from "../../compiler/training/schedules.js";
import {
  CHECKPOINT,
  CLIP,
  EARLY_STOPPING,
  METRIC,
  MONITOR,
  NORMALIZE,
  OBJECTIVE,
  REGULARIZATION,
  TRANSFORM,
  TUNE,
  VOTE,
} from "../../compiler/training/settings.js";
import { docBlocks, type DocBlock } from "../support/doc-blocks.js";

const DOCS = join(resolve(import.meta.dirname, "../.."), "docs");

/** The names each kind of thing is used by in a block: kind → names. */
type Uses = Map<string, Set<string>>;

const KEYWORD = "keyword";
const SCALAR_TYPE = "parameter type";
const LAYER = "layer";
const TRAINING_KEY = "training key";
const SEARCH_SPACE = "search space";

/** The keyword each syntax-tree node stands for, as `usesOf` records it. */
const KEYWORD_OF_NODE: Readonly<Record<string, string>> = {
  Use: "use",
  Block: "block",
  Model: "model",
  Train: "train",
  Input: "input",
  Output: "output",
  Let: "let",
};
const KEYWORDS_FOUND = new Set([...Object.values(KEYWORD_OF_NODE), "true", "false"]);

/** The members of a type, unions flattened. */
function members(type: ValueType | undefined): ValueType[] {
  if (!type) return [];
  return type.kind === "union" ? type.of.flatMap(members) : [type];
}

/** Every name each kind is used by in one block's program. */
function usesOf(text: string): Uses {
  const uses: Uses = new Map();
  const use = (kind: string, name: string) => {
    let names = uses.get(kind);
    if (!names) uses.set(kind, (names = new Set()));
    names.add(name);
  };
  const { file } = parse(text, "block.nn");
  /** The blocks and models declared in the block, whose calls bind like a layer's. */
  const callables = new Map<string, readonly Param[]>();
  for (const decl of file.decls) if (decl.kind === "Block" || decl.kind === "Model") callables.set(decl.name.name, decl.params);

  const paramType = (param: Param): ValueType =>
    param.type?.kind === "ScalarType" ? (SCALAR_TYPES.get(param.type.name.name) ?? TENSOR) : TENSOR;

  /** Walks arguments bound to `params` as the binder does: positional in order, then by name. */
  const bind = (params: readonly ParamSpec[], args: readonly Arg[], skipPositional = 0) => {
    const positional = params.filter((p) => p.positional !== false);
    let next = 0;
    let skip = skipPositional;
    for (const a of args) {
      if (a.name) {
        walk(a.value, params.find((p) => p.name === a.name!.name)?.type);
        continue;
      }
      if (skip > 0) {
        skip--;
        walk(a.value, TENSOR);
        continue;
      }
      const param = positional[next];
      if (param && !param.variadic) next++;
      // Extra positional arguments of a merge (`add(a, b, c)`) are its input tensors.
      walk(a.value, param?.type ?? TENSOR);
    }
  };

  const name = (n: string, type: ValueType | undefined) => {
    for (const t of members(type)) {
      if (t.kind === "enum" && t.values.includes(n)) use(t.what, n);
      if (t.kind === "ctor" && t.ctors.some((c) => c.name === n)) use(t.what, n);
      if (t.kind === "list") for (const u of members(t.of)) if (u.kind === "enum" && u.values.includes(n)) use(u.what, n);
      if (t.kind === "layer" && LAYERS.has(n)) use(LAYER, n);
    }
  };

  const call = (c: CallExpr, type: ValueType | undefined, piped: boolean) => {
    const callee = c.callee.name;
    for (const t of members(type)) {
      const signature = t.kind === "ctor" ? t.ctors.find((s) => s.name === callee) : undefined;
      if (t.kind === "ctor" && signature) {
        use(t.what, callee);
        bind(signature.params, c.args);
        return;
      }
      const layer = t.kind === "layer" ? LAYERS.get(callee) : undefined;
      if (layer) {
        use(LAYER, callee);
        bind(layer.signature.params, c.args);
        return;
      }
    }
    if ((SEARCH_SPACES as readonly string[]).includes(callee)) {
      use(SEARCH_SPACE, callee);
      for (const a of c.args) walk(a.value, callee === "choice" ? type : undefined);
      return;
    }
    const layer = LAYERS.get(callee);
    if (layer) {
      use(LAYER, callee);
      // In the call form (`relu(h + x)`) the first positional argument is the input.
      bind(layer.signature.params, c.args, piped ? 0 : 1);
      return;
    }
    const params = callables.get(callee);
    if (params) {
      // A piped value goes to the first tensor parameter.
      const receiver = piped ? params.find((p) => paramType(p) === TENSOR) : undefined;
      bind(
        params.filter((p) => p !== receiver).map((p) => ({ name: p.name.name, type: paramType(p) })),
        c.args,
      );
      return;
    }
    for (const a of c.args) walk(a.value, undefined);
  };

  const walk = (e: Expr, type: ValueType | undefined): void => {
    switch (e.kind) {
      case "Paren":
        return walk(e.inner, type);
      case "Unary":
        return walk(e.operand, type);
      case "Binary":
        walk(e.left, type);
        walk(e.right, type);
        return;
      case "List": {
        const of = members(type).find((t) => t.kind === "list");
        for (const item of e.items) walk(item, of?.kind === "list" ? of.of : undefined);
        return;
      }
      case "Pipe":
        walk(e.source, TENSOR);
        call(e.stage, TENSOR, true);
        return;
      case "Call":
        return call(e, type, false);
      case "Name":
        return name(e.name.name, type);
      case "Bool":
        use(KEYWORD, e.value ? "true" : "false");
        return;
      default:
        return;
    }
  };

  const params = (list: readonly Param[]) => {
    for (const p of list) {
      if (p.type?.kind === "ScalarType") use(SCALAR_TYPE, p.type.name.name);
      if (p.type?.kind === "ShapeType") for (const d of p.type.dims) walk(d, undefined);
      if (p.default) walk(p.default, paramType(p));
    }
  };
  const statement = (s: Stmt) => {
    if (KEYWORD_OF_NODE[s.kind]) use(KEYWORD, KEYWORD_OF_NODE[s.kind]);
    if (s.kind === "Input") {
      if (s.type?.kind === "ShapeType") for (const d of s.type.dims) walk(d, undefined);
      return;
    }
    walk(s.value, TENSOR);
  };
  const body = (decl: BlockDecl | ModelDecl) => {
    params(decl.params);
    for (const s of decl.body) statement(s);
  };

  for (const decl of file.decls) {
    use(KEYWORD, KEYWORD_OF_NODE[decl.kind]);
    switch (decl.kind) {
      case "Block":
      case "Model":
        body(decl);
        break;
      case "Train":
        bind(
          (callables.get(decl.model.name) ?? []).map((p) => ({ name: p.name.name, type: paramType(p) })),
          decl.args,
        );
        for (const entry of decl.entries) {
          use(TRAINING_KEY, entry.key.name);
          walk(entry.value, trainingKey(entry.key.name)?.type);
        }
        break;
      default:
        break;
    }
  }
  return uses;
}

/** A registry of things the docs must show, and the doc that should show them. */
interface Registry {
  readonly kind: string;
  readonly names: readonly string[];
  readonly doc: string;
}

/** The names of an enum or constructor type (or of the enum a list type holds), and what they are. */
function ofType(type: ValueType, doc: string): Registry {
  const t = type.kind === "list" ? type.of : type;
  if (t.kind === "enum") return { kind: t.what, names: t.values, doc };
  if (t.kind === "ctor") return { kind: t.what, names: t.ctors.map((c) => c.name), doc };
  throw new Error(`not a registry type: ${t.kind}`);
}

const REGISTRIES: readonly Registry[] = [
  { kind: KEYWORD, names: KEYWORDS, doc: "language.md" },
  { kind: SCALAR_TYPE, names: [...SCALAR_TYPES.keys()], doc: "language.md" },
  { kind: LAYER, names: [...LAYERS.keys()], doc: "language.md" },
  ofType(ACTIVATION, "language.md"),
  ofType(INITIALIZER, "language.md"),
  { kind: TRAINING_KEY, names: TRAINING_KEY_NAMES, doc: "training.md" },
  { kind: SEARCH_SPACE, names: SEARCH_SPACES, doc: "training.md" },
  ofType(DATASET, "your-own-data.md"),
  ofType(TRANSFORM, "your-own-data.md"),
  ofType(LOSS, "training.md"),
  ofType(OPTIMIZER, "training.md"),
  ofType(SCHEDULE, "training.md"),
  ofType(METRIC, "training.md"),
  ofType(NORMALIZE, "training.md"),
  ofType(REGULARIZATION, "training.md"),
  ofType(EARLY_STOPPING, "training.md"),
  ofType(VOTE, "training.md"),
  ofType(CLIP, "training.md"),
  ofType(MONITOR, "training.md"),
  ofType(CHECKPOINT, "training.md"),
  ofType(TUNE, "training.md"),
  ofType(OBJECTIVE, "training.md"),
];

/**
 * The blocks that examples.test.ts checks and that show a correct program, with what each uses: not
 * a fragment, and not a block that shows a mistake (one whose marker expects an error; a warning
 * leaves the program correct).
 */
function checkedUses(blocks: readonly DocBlock[]): { block: DocBlock; uses: Uses }[] {
  const correct = (b: DocBlock) => b.marker === null || (b.marker.kind === "expect" && b.marker.codes.every((c) => c.startsWith("W")));
  return blocks.filter(correct).map((block) => ({ block, uses: usesOf(block.text) }));
}

const checked = checkedUses(docBlocks(DOCS));

/** The names of `registry` that no checked block uses. */
function missing(registry: Registry, blocks: readonly { uses: Uses }[]): string[] {
  return registry.names.filter((n) => !blocks.some((b) => b.uses.get(registry.kind)?.has(n)));
}

function report(registry: Registry, names: readonly string[]): string {
  const list = names.map((n) => `\`${n}\``).join(", ");
  return `${registry.kind}: no checked \`\`\`nn block of docs/ uses ${list}; add an example of each to docs/${registry.doc}`;
}

describe("docs/ shows every construct, layer, key and value in a checked ```nn block", () => {
  it("finds the keywords of the language in a syntax tree", () => {
    const unknown = KEYWORDS.filter((k) => !KEYWORDS_FOUND.has(k));
    expect(unknown, `this test cannot tell where a program uses the keywords ${unknown.join(", ")}: teach usesOf`).toEqual([]);
  });

  it("tells a use by the type it is bound to", () => {
    const uses = usesOf(`
      block Act(x, a: activation = elu) { x -> dense(4, activation: a, init: uniform(low: -0.1, high: 0.1)) -> relu }
      model M(act: activation = tanh) {
        input x: [4]
        output y = x -> Act(a: softplus) -> dense(choice(2, 3), activation: act) -> dense(1)
      }
      train M(act: sigmoid) {
        data: csv("iris.csv", label: "species")
        loss: mae
        optimizer: adam(lr: log_uniform(0.001, 0.1))
        schedule: warmup(2, then: constant)
        init: constant(0.1)
        metrics: [mae, loss]
      }
    `);
    const names = (kind: string) => [...(uses.get(kind) ?? [])].sort();
    expect(names(LAYER)).toEqual(["dense", "relu"]);
    expect(names(ACTIVATION.kind === "enum" ? ACTIVATION.what : "")).toEqual(["elu", "sigmoid", "softplus", "tanh"]);
    expect(names(ofType(INITIALIZER, "").kind)).toEqual(["constant", "uniform"]);
    expect(names(ofType(SCHEDULE, "").kind)).toEqual(["constant", "warmup"]);
    expect(names(ofType(LOSS, "").kind)).toEqual(["mae"]);
    expect(names(ofType(METRIC, "").kind)).toEqual(["loss", "mae"]);
    expect(names(SEARCH_SPACE)).toEqual(["choice", "log_uniform"]);
    expect(names(ofType(DATASET, "").kind)).toEqual(["csv"]);
    expect(names(SCALAR_TYPE)).toEqual(["activation"]);
  });

  it("reports what is missing and where it should be shown", () => {
    const layers = REGISTRIES.find((r) => r.kind === LAYER)!;
    const blocks = [{ uses: usesOf("model M {\n  input x: [4, 4, 1]\n  x -> maxpool(2) -> flatten -> dense(2)\n}\n") }];
    const names = missing(layers, blocks);
    expect(names).toContain("l2pool");
    expect(names).not.toContain("maxpool");
    expect(report(layers, ["l2pool", "rnn"])).toBe(
      "layer: no checked ```nn block of docs/ uses `l2pool`, `rnn`; add an example of each to docs/language.md",
    );
  });

  for (const registry of REGISTRIES) {
    it(`every ${registry.kind}`, () => {
      const names = missing(registry, checked);
      expect(names, report(registry, names)).toEqual([]);
    });
  }
});
