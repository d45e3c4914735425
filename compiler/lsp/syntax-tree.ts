/**
 * Walking the AST: the children of each kind of node, and the chain of nodes under a cursor. Every
 * feature that asks "what is at this position?" starts here.
 */
import type { Node, SourceFile } from "../../grammar/ast.js";

/** The direct children of a node, in source order; holes left by recovery are included. */
export function childrenOf(node: Node): Node[] {
  switch (node.kind) {
    case "File":
      return [...node.decls];
    case "Use":
      return [node.path];
    case "Block":
      return [node.name, ...node.params, ...(node.result ? [node.result] : []), ...node.body];
    case "Model":
      return [node.name, ...node.params, ...node.body];
    case "Train":
      return [...(node.label ? [node.label] : []), node.model, ...node.args, ...node.entries];
    case "TrainEntry":
      return [node.key, node.value];
    case "Param":
      return [node.name, ...(node.type ? [node.type] : []), ...(node.default ? [node.default] : [])];
    case "ScalarType":
      return [node.name];
    case "ShapeType":
      return [...(node.dtype ? [node.dtype] : []), ...node.dims];
    case "Input":
      return [node.name, ...(node.type ? [node.type] : [])];
    case "Let":
      return [node.name, node.value];
    case "Output":
      return [...(node.name ? [node.name] : []), node.value];
    case "ExprStmt":
      return [node.value];
    case "Arg":
      return [...(node.name ? [node.name] : []), node.value];
    case "Name":
      return [node.name];
    case "Call":
      return [node.callee, ...node.args];
    case "Binary":
      return [node.left, node.right];
    case "Unary":
      return [node.operand];
    case "Paren":
      return [node.inner];
    case "List":
      return [...node.items];
    case "Pipe":
      return [node.source, ...(node.label ? [node.label] : []), node.stage];
    case "Number":
    case "String":
    case "Bool":
    case "Error":
    case "Identifier":
    case "Comment":
      return [];
  }
}

/**
 * The nodes whose range contains `offset` (end included, so a cursor just after a name is on it),
 * outermost first, ending with the innermost. Zero-width holes are skipped.
 */
export function nodesAt(file: SourceFile, offset: number): Node[] {
  const chain: Node[] = [file];
  let current: Node = file;
  for (;;) {
    const next: Node | undefined = pick(childrenOf(current), offset);
    if (!next) return chain;
    chain.push(next);
    current = next;
  }
}

/** The child under the cursor; when two touch it (`a|,b` or `x|->`), the one that starts there loses to an identifier ending there. */
function pick(children: readonly Node[], offset: number): Node | undefined {
  let found: Node | undefined;
  for (const child of children) {
    const { start, end } = child.range;
    if (start.offset === end.offset || start.offset > offset || offset > end.offset) continue;
    if (!found || (found.range.end.offset === offset && child.range.start.offset === offset && found.kind !== "Identifier")) found = child;
  }
  return found;
}

/** Visits every node of a tree, parents before children. Iterative, so long pipelines cannot exhaust the stack. */
export function forEachNode(root: Node, visit: (node: Node) => void): void {
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    visit(node);
    const children = childrenOf(node);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
}
