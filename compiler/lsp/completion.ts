/**
 * Completion: layer and block names after `->`; argument names and their values (activations,
 * initializers, padding, …) inside calls; training keys and their values inside `train`; the
 * trained model's labels in `freeze:` and `reinit:`; the names declared in scope wherever a name
 * goes. Everything offered comes from the tables the checker binds with, and only what can go
 * there: inside a call, the names of the parameters no other argument binds, and as a value only
 * what the parameter's type accepts — its enum values, constructors or search spaces, and the names
 * in scope that hold such a value (a tensor only where a tensor goes).
 */
import { CompletionItemKind, type CompletionItem } from "vscode-languageserver";
import type { Decl } from "../../grammar/ast.js";
import { SCALAR_TYPES } from "../checker/block-call.js";
import { LAYERS } from "../layers/registry.js";
import { SEARCH_SPACES } from "../schema/bind.js";
import { shapeToString } from "../shapes/shape.js";
import type { ValueType } from "../schema/types.js";
import { TRAINING_KEYS } from "../training/keys.js";
import { completionSite, type CompletionSite } from "./completion-context.js";
import { declarationLabel, paramLabel, signatureLabel, typeLabel } from "./describe.js";
import { fits, namesInScope, type ScopeName } from "./names-in-scope.js";
import { boundParams, resolveFrames } from "./signatures.js";
import type { Analysis } from "./workspace.js";

export function completions(analysis: Analysis, offset: number): CompletionItem[] {
  const site = siteAt(analysis, offset);
  const items = itemsFor(analysis, site, offset);
  // The editor filters by the word being typed; a name offered twice (a binding named like a layer) is kept once.
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(item.label) && seen.add(item.label));
}

/** The completion site at `offset`, scanning from the start of the declaration around it. */
export function siteAt(analysis: Analysis, offset: number): CompletionSite {
  const decl = declarationAround(analysis, offset);
  return completionSite(analysis.text, offset, decl?.range.start.offset ?? 0);
}

/** The declaration that contains `offset`, or the last one that starts before it. */
export function declarationAround(analysis: Analysis, offset: number): Decl | undefined {
  const decls = analysis.result.program.units.get(analysis.path)?.ast.decls ?? [];
  let found: Decl | undefined;
  for (const decl of decls) if (decl.range.start.offset < offset) found = decl;
  return found;
}

function itemsFor(analysis: Analysis, site: CompletionSite, offset: number): CompletionItem[] {
  const scope = analysis.result.program.scopes.get(analysis.path);
  const place = site.place;
  switch (place.kind) {
    case "top":
      return ["model", "block", "train", "use"].map(keyword);
    case "trained-model":
      return [...(scope?.models.values() ?? [])].map(({ decl }) => ({ label: decl.name.name, kind: CompletionItemKind.Class, detail: declarationLabel(decl), documentation: decl.doc }));
    case "stage":
      return stageItems(analysis);
    case "statement":
      return [...["input", "let", "output"].map(keyword), ...nameItems(analysis, offset), ...stageItems(analysis)];
    case "expression":
      // Inside a call the argument's type decides; in a body anything in scope may start an expression.
      if (site.frames.some((f) => f.kind === "call")) return expressionItems(analysis, site, offset, place.operand === true);
      return [...nameItems(analysis, offset), ...stageItems(analysis)];
    case "key": {
      const given = new Set(trainingDecl(analysis, offset)?.entries.map((e) => e.key.name));
      return TRAINING_KEYS.filter((k) => !given.has(k.name)).map((k) => ({
        label: k.name,
        kind: CompletionItemKind.Property,
        detail: `${typeLabel(k.type)}${k.required ? " (required)" : ""}`,
        documentation: k.doc,
        insertText: `${k.name}: `,
        sortText: `${k.required ? "0" : "1"}${k.name}`,
      }));
    }
    case "value":
    case "argument":
    case "argument-value":
      return valueItems(analysis, site, offset);
    case "param-type":
      return [...SCALAR_TYPES.keys()].map((name) => ({ label: name, kind: CompletionItemKind.TypeParameter }));
    case "none":
      return [];
  }
}

function keyword(word: string): CompletionItem {
  return { label: word, kind: CompletionItemKind.Keyword };
}

/** Layers, then the blocks the file can see. */
function stageItems(analysis: Analysis): CompletionItem[] {
  const scope = analysis.result.program.scopes.get(analysis.path);
  const layers = [...LAYERS.values()].map((def) => ({
    label: def.name,
    kind: CompletionItemKind.Function,
    detail: signatureLabel(def.signature),
    documentation: def.signature.doc,
    sortText: `1${def.name}`,
  }));
  const blocks = [...(scope?.blocks.values() ?? [])].map(({ decl }) => ({
    label: decl.name.name,
    kind: CompletionItemKind.Class,
    detail: declarationLabel(decl),
    documentation: decl.doc,
    sortText: `0${decl.name.name}`,
  }));
  return [...blocks, ...layers];
}

/**
 * The parameters, dimension symbols, inputs and bindings the body around `offset` can use there;
 * with `type`, only those holding a value of that type.
 */
function nameItems(analysis: Analysis, offset: number, type?: ValueType): CompletionItem[] {
  const decl = declarationAround(analysis, offset);
  if (!decl || (decl.kind !== "Model" && decl.kind !== "Block")) return [];
  const kinds = { param: CompletionItemKind.Variable, dim: CompletionItemKind.TypeParameter, input: CompletionItemKind.Variable, let: CompletionItemKind.Variable } as const;
  const what = { param: "parameter", dim: "dimension", input: "input", let: "binding" } as const;
  return namesInScope(analysis, decl, offset)
    .filter((n) => !type || fits(type, n.holds))
    .map((n: ScopeName) => ({ label: n.name, kind: kinds[n.kind], detail: `${what[n.kind]}${holdsLabel(n)}`, sortText: `0${n.name}` }));
}

function holdsLabel(name: ScopeName): string {
  if (name.kind === "dim" || name.holds.kind === "unknown" || name.holds.kind === "dim") return "";
  return `: ${typeLabel(name.holds)}`;
}

function trainingDecl(analysis: Analysis, offset: number) {
  const decl = declarationAround(analysis, offset);
  return decl?.kind === "Train" ? decl : undefined;
}

/**
 * Argument names and values where an argument or a training value goes: the names of the parameters
 * the call's other arguments leave unbound, and the values of the type expected here.
 */
function valueItems(analysis: Analysis, site: CompletionSite, offset: number): CompletionItem[] {
  const scope = analysis.result.program.scopes.get(analysis.path);
  const inTraining = site.frames[0]?.kind === "body" && site.frames[0].decl === "train";
  const resolved = resolveFrames(site.frames, scope);
  const { signature, call, key, param } = resolved;
  let expected = resolved.expected;
  const trainHeader = call?.trainHeader ?? false;
  const items: CompletionItem[] = [];
  if (site.place.kind === "argument" && signature && call) {
    const bound = boundParams(resolved, site.following);
    items.push(
      ...signature.params
        .filter((p) => (p.type.kind !== "tensor" || trainHeader) && !bound.all.has(p.name))
        .map((p) => ({ label: `${p.name}:`, kind: CompletionItemKind.Field, detail: `${paramLabel(p)}: ${typeLabel(p.type)}`, documentation: p.doc, insertText: `${p.name}: `, sortText: `2${p.name}`, filterText: p.name })),
    );
    // A value written here binds the next positional parameter: nothing, when an argument names it.
    if (param && bound.named.has(param.name)) expected = undefined;
  }
  if (inTraining && (key === "freeze" || key === "reinit")) return [...items, ...labelItems(analysis, offset)];
  items.push(...typeItems(expected));
  if (expected && !inTraining && !trainHeader) {
    items.push(...nameItems(analysis, offset, expected));
    // A layer or block applied in call form gives a tensor: `add(x, dense(x, 4))`.
    if (expected.kind === "tensor") items.push(...stageItems(analysis));
  }
  return items;
}

/**
 * An expression inside a call (after `(`, `[` or an operator): the values of the argument's type, or
 * after an operator the names that hold one (the other operand of `2 * n`, `a + b`).
 */
function expressionItems(analysis: Analysis, site: CompletionSite, offset: number, operand: boolean): CompletionItem[] {
  const { expected } = resolveFrames(site.frames, analysis.result.program.scopes.get(analysis.path));
  if (!expected) return [];
  const inTraining = site.frames[0]?.kind === "body" && site.frames[0].decl === "train";
  const names = inTraining ? [] : nameItems(analysis, offset, expected);
  const stages = expected.kind === "tensor" && !inTraining ? stageItems(analysis) : [];
  if (operand) return expected.kind === "tensor" || expected.kind === "int" || expected.kind === "float" || expected.kind === "union" ? [...names, ...stages] : [];
  return [...typeItems(expected), ...names, ...stages];
}

/** The values a type accepts that can be named: enum values, constructors, `true`/`false`, layers, search spaces. */
function typeItems(type: ValueType | undefined): CompletionItem[] {
  if (!type) return [];
  switch (type.kind) {
    case "enum":
      return type.values.map((v) => ({ label: v, kind: CompletionItemKind.EnumMember, detail: type.what, sortText: `0${v}` }));
    case "ctor":
      return type.ctors.map((c) => ({ label: c.name, kind: CompletionItemKind.Constructor, detail: signatureLabel(c), documentation: c.doc, sortText: `0${c.name}` }));
    case "union": {
      // `loss: mse` or `loss: [mse, …]`: the alternatives offer the same names once.
      const seen = new Set<string>();
      return type.of.flatMap(typeItems).filter((item) => !seen.has(item.label) && seen.add(item.label));
    }
    case "list":
      return typeItems(type.of);
    case "bool":
      return ["true", "false"].map(keyword);
    case "layer":
      return [...LAYERS.values()]
        .filter((d) => type.what === "any" || d.category === "recurrent")
        .map((d) => ({ label: d.name, kind: CompletionItemKind.Function, detail: signatureLabel(d.signature), documentation: d.signature.doc }));
    case "int":
    case "float":
      return SEARCH_SPACES.map((s) => ({ label: s, kind: CompletionItemKind.Function, detail: "search space", sortText: `3${s}` }));
    default:
      return [];
  }
}

/** The labels of the model the training around `offset` trains. */
function labelItems(analysis: Analysis, offset: number): CompletionItem[] {
  const decl = trainingDecl(analysis, offset);
  if (!decl) return [];
  const graph = analysis.result.trainings.find((t) => t.decl === decl)?.model ?? analysis.result.models.find((m) => m.name === decl.model.name);
  return (graph?.layers ?? [])
    .filter((l) => l.labelled)
    .map((l) => ({ label: l.name, kind: CompletionItemKind.Reference, detail: `${l.def.name}${l.output ? ` → ${shapeToString(l.output.shape)}` : ""}` }));
}
