/**
 * Completion offers only what can go where the cursor is, against the real server over stdio:
 * inside a call, the names of the parameters no other argument binds (by position or by name, before
 * or after the cursor), and as a value only what the parameter's type accepts — never a tensor where
 * a number or a name goes, and tensors only where a tensor goes.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CompletionItem } from "vscode-languageserver-protocol";
import type { LayerDef } from "../../compiler/layers/layer.js";
import { LAYERS } from "../../compiler/layers/registry.js";
import { SEARCH_SPACES } from "../../compiler/schema/bind.js";
import type { ParamSpec, ValueType } from "../../compiler/schema/types.js";
import { TestClient } from "./client.js";

/** Where the cursor goes in a source. */
const CURSOR = "§";

/**
 * The block and the model of every document. For the oracle, `names` says what each name in scope
 * at the end of the body may stand for: "int*" where an integer may be a dimension symbol.
 */
const SCOPES = {
  block: {
    header: "block B(x, n: int, act: activation, w: init, f: float) {\n  let k = n * 2\n  let y = x -> relu\n",
    input: "x",
    tensors: ["x", "y"],
    names: { x: ["tensor"], n: ["int", "int*", "float"], act: ["activation"], w: ["initializer"], f: ["float"], k: ["int", "int*", "float"], y: ["tensor"] },
  },
  model: {
    header: "model M(h: int) {\n  input image: [T, 8]\n  let a = 3\n  let r = 0.5\n  let h2 = image -> relu\n",
    input: "image",
    tensors: ["image", "h2"],
    names: { h: ["int", "int*", "float"], T: ["int*"], image: ["tensor"], a: ["int", "int*", "float"], r: ["float"], h2: ["tensor"] },
  },
} as const;
type Scope = (typeof SCOPES)[keyof typeof SCOPES];
/** The blocks of the document: stages that give a tensor. */
const BLOCKS = ["B"];

/** A document with the block and the model, `statement` the last of the model (or of the block). */
const inModel = (statement: string): string => `${SCOPES.block.header}  y\n}\n\n${SCOPES.model.header}  ${statement}\n}\n`;
const inBlock = (statement: string): string => `${SCOPES.block.header}  ${statement}\n}\n\n${SCOPES.model.header}  h2 -> dense(2)\n}\n`;

let client: TestClient;
let uri: string;

beforeAll(async () => {
  uri = pathToFileURL(join(mkdtempSync(join(tmpdir(), "nnc-lsp-completion-")), "completion.nn")).href;
  client = await TestClient.start({ diagnosticsDelay: 0 });
  await client.open(uri, "");
});

afterAll(async () => {
  expect(client.logs.filter((l) => l.includes("internal error"))).toEqual([]);
  expect(await client.shutdown()).toBe(0);
});

/** The labels offered at `§` in `source`, which becomes the whole document. */
async function labelsAt(source: string): Promise<string[]> {
  const offset = source.indexOf(CURSOR);
  const text = source.replace(CURSOR, "");
  client.changeNoWait(uri, { text });
  const before = text.slice(0, offset);
  const position = { line: before.split("\n").length - 1, character: offset - (before.lastIndexOf("\n") + 1) };
  const items = await client.request<CompletionItem[]>("textDocument/completion", client.at(uri, position));
  return items.map((i) => i.label);
}

describe("argument names", () => {
  it("leave out the parameters bound by position", async () => {
    const labels = await labelsAt(inModel(`image -> dense(10, ${CURSOR})`));
    expect(labels).not.toContain("units:");
    expect(labels).toEqual(expect.arrayContaining(["activation:", "init:", "use_bias:"]));
  });

  it("leave out the parameters bound by name, before or after the cursor, and by position after it", async () => {
    const labels = await labelsAt(inModel(`image -> conv2d(8, ${CURSOR}, activation: relu, padding: same)`));
    for (const name of ["filters:", "activation:", "padding:"]) expect(labels).not.toContain(name);
    // `kernel` is the next positional parameter: it may still be named here.
    expect(labels).toEqual(expect.arrayContaining(["kernel:", "stride:", "init:"]));
    // `conv2d(8, §, 5)`: once `§` is named, `5` binds `kernel`.
    const after = await labelsAt(inModel(`image -> conv2d(8, ${CURSOR}, 5)`));
    expect(after).not.toContain("kernel:");
    expect(after).toContain("stride:");
  });

  it("leave out bound parameters of constructors too", async () => {
    const labels = await labelsAt(`${inModel("h2 -> dense(2)")}\ntrain M {\n  optimizer: sgd(0.1, ${CURSOR}, nesterov: true)\n}\n`);
    for (const name of ["lr:", "nesterov:"]) expect(labels).not.toContain(name);
    expect(labels).toContain("momentum:");
  });

  it("do not count a layer's input tensor in call form as a parameter", async () => {
    expect(await labelsAt(inModel(`let z = dense(image, ${CURSOR})`))).toContain("units:");
    expect(await labelsAt(inModel(`let z = dense(image, 10, ${CURSOR})`))).not.toContain("units:");
  });
});

describe("argument values", () => {
  it("are the values of the parameter's type, never a tensor where a non-tensor goes", async () => {
    const activation = await labelsAt(inModel(`image -> dense(10, activation: ${CURSOR})`));
    expect(activation).toEqual(expect.arrayContaining(["relu", "sigmoid", "softmax", "tanh"]));
    for (const name of ["image", "h2", "a", "h", "T", "dense"]) expect(activation).not.toContain(name);
    // In a block, a parameter typed `activation` is an activation.
    const inABlock = await labelsAt(inBlock(`x -> dense(10, activation: ${CURSOR})`));
    expect(inABlock).toContain("act");
    for (const name of ["x", "y", "n", "k", "w", "f"]) expect(inABlock).not.toContain(name);
    const init = await labelsAt(inBlock(`x -> dense(10, init: ${CURSOR})`));
    expect(init).toEqual(expect.arrayContaining(["he_normal", "glorot_uniform", "zeros", "normal", "w"]));
    for (const name of ["x", "act", "n"]) expect(init).not.toContain(name);
  });

  it("where a number goes: the numbers in scope and search spaces", async () => {
    const units = await labelsAt(inModel(`image -> dense(${CURSOR})`));
    expect(units).toEqual(expect.arrayContaining(["h", "a", "T", "choice", "int_uniform"]));
    for (const name of ["image", "h2", "r", "relu"]) expect(units).not.toContain(name);
    const rate = await labelsAt(inBlock(`x -> dropout(rate: ${CURSOR})`));
    expect(rate).toEqual(expect.arrayContaining(["f", "n", "k", "uniform"]));
    for (const name of ["x", "y", "act", "w"]) expect(rate).not.toContain(name);
    // The other operand of arithmetic where a number goes.
    const operand = await labelsAt(inModel(`image -> dense(2 * ${CURSOR})`));
    expect(operand).toEqual(expect.arrayContaining(["h", "a", "T"]));
    expect(operand).not.toContain("image");
  });

  it("where a tensor goes: the tensors in scope, layers and blocks", async () => {
    const operand = await labelsAt(inModel(`let z = add(image, ${CURSOR})`));
    expect(operand).toEqual(expect.arrayContaining(["image", "h2", "dense", "B"]));
    for (const name of ["a", "h", "T", "r"]) expect(operand).not.toContain(name);
    const input = await labelsAt(inModel(`let z = dense(${CURSOR})`));
    expect(input).toEqual(expect.arrayContaining(["image", "h2"]));
    expect(input).not.toContain("a");
  });

  it("offer only the bindings declared before the statement being written", async () => {
    const labels = await labelsAt(`model M {\n  input x: [4]\n  let h = x -> dense(${CURSOR})\n  let later = 3\n  h -> dense(2)\n}\n`);
    expect(labels).not.toContain("later");
    expect(labels).not.toContain("h");
  });
});

/** The value labels `type` offers by itself: enum values, constructors, layers, search spaces. */
function typeValues(type: ValueType): string[] {
  switch (type.kind) {
    case "enum":
      return [...type.values];
    case "ctor":
      return type.ctors.map((c) => c.name);
    case "union":
      return type.of.flatMap(typeValues);
    case "list":
      return typeValues(type.of);
    case "bool":
      return ["true", "false"];
    case "layer":
      return [...LAYERS.values()].filter((d) => type.what === "any" || d.category === "recurrent").map((d) => d.name);
    case "int":
    case "float":
      return [...SEARCH_SPACES];
    default:
      return [];
  }
}

/** Whether a name that may stand for `kinds` goes where `type` goes. */
function nameFits(type: ValueType, kinds: readonly string[]): boolean {
  switch (type.kind) {
    case "int":
      return kinds.includes(type.symbolic ? "int*" : "int");
    case "float":
    case "tensor":
      return kinds.includes(type.kind);
    case "enum":
    case "ctor":
      return kinds.includes(type.what);
    case "union":
      return type.of.some((t) => nameFits(t, kinds));
    case "list":
      return nameFits(type.of, kinds);
    default:
      return false;
  }
}

/** Exactly the value labels that may go where `type` goes, in `scope`. */
function expectedValues(type: ValueType | undefined, scope: Scope): Set<string> {
  if (!type) return new Set();
  const names = Object.entries(scope.names)
    .filter(([, kinds]) => nameFits(type, kinds))
    .map(([name]) => name);
  const stages = type.kind === "tensor" ? [...BLOCKS, ...LAYERS.keys()] : [];
  return new Set([...typeValues(type), ...names, ...stages]);
}

/** A value of `type` to write in a generated call. */
function sample(type: ValueType, scope: Scope): string {
  switch (type.kind) {
    case "int":
      return "3";
    case "float":
      return "0.5";
    case "bool":
      return "true";
    case "string":
    case "path":
      return '"s"';
    case "enum":
      return type.values[0];
    case "ctor":
      return type.ctors.find((c) => !c.params.some((p) => p.required))?.name ?? `${type.ctors[0].name}()`;
    case "union":
      return sample(type.of[0], scope);
    case "list":
      return `[${sample(type.of, scope)}]`;
    case "layer":
      return "lstm(4)";
    case "tensor":
      return scope.input;
  }
}

const isNamed = (arg: string): boolean => /^\w+: /.test(arg);

/**
 * A call of `layer` — piped, or in call form with its input tensor(s) first — with its first
 * parameters given by position and some others by name, and the cursor at one argument: a new one
 * (`§`) or the value of a parameter not given (`name: §`). With it, the oracle: the parameters the
 * other arguments bind, and the type of the cursor's argument (undefined where nothing can go).
 */
const generated = (layer: LayerDef) =>
  fc
    .record({
      where: fc.constantFrom<"model" | "block">("model", "block"),
      callForm: fc.boolean(),
      positional: fc.nat(),
      named: fc.array(fc.nat(), { maxLength: 6 }),
      cursor: fc.nat(),
      value: fc.boolean(),
      valueOf: fc.nat(),
    })
    .map(({ where, callForm, positional, named, cursor, value, valueOf }) => {
      const scope = SCOPES[where];
      const params: readonly ParamSpec[] = layer.signature.params;
      // A merge takes its tensors as positional arguments; another layer in call form takes one.
      const merge = layer.arity === "many";
      const inputs = merge ? [...scope.tensors] : callForm ? [scope.input] : [];
      const byPosition = merge ? [] : params.slice(0, positional % (params.length + 1));
      const rest = params.filter((p) => !byPosition.includes(p));
      const byName = [...new Set(named.map((i) => rest[i % Math.max(1, rest.length)]).filter((p): p is ParamSpec => p !== undefined))];
      const args = [...inputs, ...byPosition.map((p) => sample(p.type, scope)), ...byName.map((p) => `${p.name}: ${sample(p.type, scope)}`)];
      // The cursor's argument comes after the input tensors.
      const at = inputs.length + (cursor % (args.length - inputs.length + 1));
      const free = rest.filter((p) => !byName.includes(p));
      const valueParam = value && free.length > 0 ? free[valueOf % free.length] : undefined;
      const written = [...args.slice(0, at), valueParam ? `${valueParam.name}: ${CURSOR}` : CURSOR, ...args.slice(at)];
      const call = `${layer.name}(${written.join(", ")})`;
      const statement = merge || callForm ? `let z = ${call}` : `${scope.input} -> ${call}`;
      const source = where === "model" ? inModel(statement) : inBlock(statement);

      const positionalBefore = args.slice(inputs.length, at).filter((a) => !isNamed(a)).length;
      const positionalAfter = args.slice(at).filter((a) => !isNamed(a)).length;
      const bound = new Set([...byName.map((p) => p.name), ...(merge ? [] : params.slice(0, positionalBefore + positionalAfter).map((p) => p.name))]);
      let type: ValueType | undefined;
      if (valueParam) type = valueParam.type;
      else if (merge) type = { kind: "tensor" };
      else {
        // A value here binds the next positional parameter, unless an argument names it.
        const slot = params[positionalBefore];
        type = slot && !byName.includes(slot) ? slot.type : undefined;
      }
      // Where a new argument goes, every parameter left unbound is offered by name (tensors aside), and no other.
      const names = valueParam ? [] : params.filter((p) => !bound.has(p.name) && p.type.kind !== "tensor").map((p) => `${p.name}:`);
      return { source, names: new Set(names), values: expectedValues(type, scope) };
    });

describe("property: at random places in random calls of every layer", () => {
  it.each([...LAYERS.values()].map((layer) => [layer.name, layer] as const))(
    "%s: no argument name offered is bound already, and the values offered are exactly those of the expected type",
    async (_, layer) => {
      await fc.assert(
        fc.asyncProperty(generated(layer), async ({ source, names, values }) => {
          const labels = await labelsAt(source);
          expect(new Set(labels.filter((l) => l.endsWith(":"))), source).toEqual(names);
          expect(new Set(labels.filter((l) => !l.endsWith(":"))), source).toEqual(values);
        }),
        { numRuns: 25 },
      );
    },
  );
});
