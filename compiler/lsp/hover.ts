/**
 * Hover: what the checker knows about the thing under the cursor. On a layer, its inferred input and
 * output shapes (symbolic where they are), parameter count, arguments with defaults filled in and
 * doc comment; on a block call, the block's result shape and signature; on an input, binding or
 * parameter, its shape or value; on a model, its inputs, outputs and size; on a training key, what
 * it means.
 */
import type { Hover } from "vscode-languageserver";
import type { BlockDecl, CallExpr, Identifier, ModelDecl, Node, PipeExpr } from "../../grammar/ast.js";
import type { LayerNode } from "../checker/graph.js";
import { lookupLayer } from "../layers/registry.js";
import { trainingKey } from "../training/keys.js";
import { valueToString, type Value } from "../schema/values.js";
import { add, dimConst, type Dim } from "../shapes/dim.js";
import { shapeToString } from "../shapes/shape.js";
import { countLabel, declarationLabel, paramLines, scalarsOf, shapesOf, signatureLabel, typeLabel } from "./describe.js";
import { enclosingSignature } from "./signatures.js";
import { nodesAt } from "./syntax-tree.js";
import type { Analysis } from "./workspace.js";

export function hover(analysis: Analysis, offset: number): Hover | null {
  const unit = analysis.result.program.units.get(analysis.path);
  if (!unit) return null;
  const chain = nodesAt(unit.ast, offset);
  const node = chain[chain.length - 1];
  if (node.kind !== "Identifier" || !node.name) return null;
  const parent = chain[chain.length - 2];
  const grandparent = chain[chain.length - 3];
  const markdown = describeIdentifier(analysis, node, parent, grandparent, chain);
  return markdown ? { contents: { kind: "markdown", value: markdown }, range: analysis.lines.range(node.range) } : null;
}

function describeIdentifier(analysis: Analysis, id: Identifier, parent: Node | undefined, grandparent: Node | undefined, chain: readonly Node[]): string | undefined {
  const { result } = analysis;
  const values = result.values;
  switch (parent?.kind) {
    case "Call": {
      if (parent.callee !== id) return undefined;
      const pipe = grandparent?.kind === "Pipe" && grandparent.stage === parent ? grandparent : undefined;
      return describeCall(analysis, parent, pipe, chain);
    }
    case "Pipe":
      return parent.label === id ? describeCall(analysis, parent.stage, parent, chain) : undefined;
    case "Name":
      return describeName(analysis, id, parent.range.start.offset) ?? describeValues(id.name, values.get(parent));
    case "Let":
    case "Input":
    case "Param":
      return describeName(analysis, id, id.range.start.offset) ?? describeValues(id.name, values.get(id));
    case "Block":
    case "Model":
      return describeDeclaration(analysis, parent.kind === "Model" ? parent.name.name : undefined, parent);
    case "Train": {
      if (parent.model !== id) return `training \`${id.name}\` of model \`${parent.model.name}\``;
      const model = result.program.scopes.get(analysis.path)?.models.get(id.name);
      return model ? describeDeclaration(analysis, id.name, model.decl) : undefined;
    }
    case "TrainEntry": {
      const spec = parent.key === id ? trainingKey(id.name) : undefined;
      if (!spec) return undefined;
      return [`**${spec.name}**: ${typeLabel(spec.type)}${spec.required ? " (required)" : ""}`, spec.doc, spec.default ? `Default: ${spec.default}` : ""].filter(Boolean).join("\n\n");
    }
    case "Arg": {
      if (parent.name !== id) return undefined;
      const signature = enclosingSignature(analysis, chain.slice(0, -2));
      const param = signature?.params.find((p) => p.name === id.name);
      return param ? `\`${param.name}\` of \`${signature!.name}\`: ${typeLabel(param.type)}${param.doc ? ` — ${param.doc}` : ""}` : undefined;
    }
    default:
      return undefined;
  }
}

/** A layer or block applied, in a pipeline or in call form. */
function describeCall(analysis: Analysis, call: CallExpr, pipe: PipeExpr | undefined, chain: readonly Node[]): string | undefined {
  const name = call.callee.name;
  const def = lookupLayer(name);
  const inBody = chain.some((n) => n.kind === "Model" || n.kind === "Block");
  if (def && inBody) {
    const layers = layersAt(analysis, call);
    const lines = [`**${name}** (layer)${pipe?.label ? ` \`${pipe.label.name}\`` : layers[0] && !layers[0].labelled ? ` \`${layers[0].name}\`` : ""}`];
    if (layers.length > 0) {
      const inputs = distinct(layers.map((l) => l.inputs.map((t) => shapeToString(t.shape)).join(" + ")));
      const outputs = distinct(layers.flatMap((l) => (l.output ? [shapeToString(l.output.shape)] : [])));
      lines.push(`\`${inputs.join(" | ")}\` → \`${outputs.join(" | ") || "?"}\``);
      lines.push(`Parameters: ${distinct(layers.map((l) => countLabel(l.params))).join(" | ")}`);
      lines.push(["```nn", ...distinct(layers.map((l) => `${name}(${[...l.args].map(([k, a]) => `${k}: ${valueToString(a.value)}`).join(", ")})`)), "```"].join("\n"));
      if (layers.length > 1) lines.push(`Made ${layers.length} times (once per call of the block it is in).`);
    } else {
      lines.push(["```nn", signatureLabel(def.signature), "```"].join("\n"));
    }
    if (pipe?.doc) lines.push(pipe.doc);
    lines.push(def.signature.doc);
    return lines.join("\n\n");
  }
  const block = analysis.result.program.scopes.get(analysis.path)?.blocks.get(name);
  if (block && inBody) {
    const shapes = shapesOf(analysis.result.values.get(pipe ?? call));
    const lines = [`**${name}** (block)${shapes.length ? ` → \`${shapes.join(" | ")}\`` : ""}`];
    const made = analysis.result.models.flatMap((m) => m.layers.filter((l) => l.site.file === analysis.path && l.site.range.start.offset === call.range.start.offset));
    if (made.length > 0) lines.push(`Parameters: ${countSum(made)} in ${made.length} layer${made.length === 1 ? "" : "s"}`);
    lines.push(["```nn", declarationLabel(block.decl), "```"].join("\n"));
    if (block.decl.doc) lines.push(block.decl.doc);
    return lines.join("\n\n");
  }
  const signature = def?.signature ?? enclosingSignature(analysis, [...chain.slice(0, -1)], call);
  if (signature) return [["```nn", signatureLabel(signature), "```"].join("\n"), signature.doc, ...paramLines(signature)].filter(Boolean).join("\n\n");
  return undefined;
}

/** Every layer node (in the root's models, at their defaults) that a call made. */
function layersAt(analysis: Analysis, call: CallExpr): LayerNode[] {
  const file = analysis.path;
  return analysis.result.models.flatMap((m) => m.layers.filter((l) => l.definedAt.file === file && l.definedAt.range.start.offset === call.range.start.offset));
}

function countSum(layers: readonly LayerNode[]): string {
  let total: Dim | undefined = dimConst(0);
  for (const layer of layers) total = total && layer.params ? add(total, layer.params) : undefined;
  return countLabel(total);
}

/** An input, binding or parameter, by the symbol it refers to. */
function describeName(analysis: Analysis, id: Identifier, offset: number): string | undefined {
  const occurrence = analysis.symbols.at(analysis.path, offset);
  if (!occurrence) return undefined;
  const { symbol } = occurrence;
  if (symbol.kind === "model" || symbol.kind === "block" || symbol.kind === "label" || symbol.kind === "training") return undefined;
  const declared = analysis.result.program.units.get(symbol.declaredAt.file);
  if (!declared) return undefined;
  const declNode = nodesAt(declared.ast, symbol.declaredAt.range.start.offset).at(-1);
  const values = declNode?.kind === "Identifier" ? analysis.result.values.get(declNode) : undefined;
  const shapes = shapesOf(values);
  const scalars = scalarsOf(values);
  const what = { input: "input", let: "binding", param: "parameter", dim: "dimension" }[symbol.kind];
  const shown = shapes.length ? `: \`${shapes.join(" | ")}\`` : scalars.length ? ` = \`${scalars.join(" | ")}\`` : "";
  return `${what} \`${id.name}\`${shown}`;
}

function describeValues(name: string, values: readonly Value[] | undefined): string | undefined {
  const shapes = shapesOf(values);
  return shapes.length ? `\`${name}\`: \`${shapes.join(" | ")}\`` : undefined;
}

function describeDeclaration(analysis: Analysis, modelName: string | undefined, decl: BlockDecl | ModelDecl): string {
  const lines = [["```nn", declarationLabel(decl), "```"].join("\n")];
  const graph = modelName ? analysis.result.models.find((m) => m.name === modelName) : undefined;
  if (graph) {
    const inputs = graph.inputs.map((i) => `${i.name} ${shapeToString(i.shape)}`).join(", ");
    const outputs = graph.outputs.map((o) => `${o.name} ${shapeToString(o.tensor.shape)}`).join(", ");
    lines.push(`${inputs || "no inputs"} → ${outputs || "no outputs"}`);
    lines.push(`${graph.layers.length} layers, ${graph.totalParams ? countLabel(graph.totalParams) : "?"} parameters${graph.incomplete ? " (incomplete: the model has errors)" : ""}`);
  }
  if (decl.doc) lines.push(decl.doc);
  return lines.join("\n\n");
}

function distinct(items: readonly string[]): string[] {
  return [...new Set(items)];
}
