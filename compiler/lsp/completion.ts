/**
 * Completion: layer and block names after `->`; argument names and their values (activations,
 * initializers, padding, …) inside calls; training keys and their values inside `train`; the
 * trained model's labels in `freeze:` and `reinit:`; the names declared in scope wherever a name
 * goes. Everything offered comes from the tables the checker binds with.
 */
import { CompletionItemKind, type CompletionItem } from "vscode-languageserver";
import type { Decl } from "../ast.js";
import { SCALAR_TYPES } from "../checker/block-call.js";
import { LAYERS } from "../layers/registry.js";
import { SEARCH_SPACES } from "../schema/bind.js";
import { shapeToString } from "../shapes/shape.js";
import type { ValueType } from "../schema/types.js";
import { TRAINING_KEYS } from "../training/keys.js";
import { completionSite, type CompletionSite } from "./completion-context.js";
import { declarationLabel, paramLabel, signatureLabel, typeLabel } from "./describe.js";
import { resolveFrames } from "./signatures.js";
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

/** The parameters, dimension symbols, inputs and bindings declared in the body around `offset`. */
function nameItems(analysis: Analysis, offset: number): CompletionItem[] {
  const decl = declarationAround(analysis, offset);
  if (!decl || (decl.kind !== "Model" && decl.kind !== "Block")) return [];
  const kinds = { param: CompletionItemKind.Variable, dim: CompletionItemKind.TypeParameter, input: CompletionItemKind.Variable, let: CompletionItemKind.Variable } as const;
  return analysis.symbols.occurrences
    .filter((o) => o.declaration && o.file === analysis.path && o.range.start.offset >= decl.range.start.offset && o.range.end.offset <= Math.max(offset, decl.range.end.offset))
    .flatMap((o) => {
      const kind = o.symbol.kind;
      if (kind !== "param" && kind !== "dim" && kind !== "input" && kind !== "let") return [];
      return [{ label: o.symbol.name, kind: kinds[kind], detail: kind === "let" ? "binding" : kind === "dim" ? "dimension" : kind, sortText: `0${o.symbol.name}` }];
    });
}

function trainingDecl(analysis: Analysis, offset: number) {
  const decl = declarationAround(analysis, offset);
  return decl?.kind === "Train" ? decl : undefined;
}

/** Argument names and values where an argument or a training value goes. */
function valueItems(analysis: Analysis, site: CompletionSite, offset: number): CompletionItem[] {
  const scope = analysis.result.program.scopes.get(analysis.path);
  const inTraining = site.frames[0]?.kind === "body" && site.frames[0].decl === "train";
  const { expected, signature, call, key } = resolveFrames(site.frames, scope);
  const trainHeader = call?.trainHeader ?? false;
  const items: CompletionItem[] = [];
  if (site.place.kind === "argument" && signature && call) {
    items.push(
      ...signature.params
        .filter((p) => p.type.kind !== "tensor" || trainHeader)
        .map((p) => ({ label: `${p.name}:`, kind: CompletionItemKind.Field, detail: `${paramLabel(p)}: ${typeLabel(p.type)}`, documentation: p.doc, insertText: `${p.name}: `, sortText: `2${p.name}`, filterText: p.name })),
    );
  }
  if (inTraining && (key === "freeze" || key === "reinit")) return [...items, ...labelItems(analysis, offset)];
  items.push(...typeItems(expected));
  if (!inTraining && !trainHeader) items.push(...nameItems(analysis, offset));
  return items;
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
