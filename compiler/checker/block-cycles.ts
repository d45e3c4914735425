/**
 * E106 for blocks that call themselves, directly or through other blocks. A cycle is a fault of the
 * declarations, not of a call: the rule looks at every block of the program, whether a model calls
 * it or not, and reports each cycle once, wherever the blocks are used. (Elaboration meets the same
 * cycles when it expands calls; it stops there without a word, this rule having spoken.)
 *
 * One depth-first walk over the blocks in declaration order, the root files first: a call that leads
 * back to a block still on the walk's path closes a cycle, and is reported at the call with the path
 * from that block (`P → Q → P`). Those calls are the walk's back edges: without them no cycle is
 * left, so each report is a call to remove, and two reports never name the same call. Several calls
 * from one block to the same block on the path are one report.
 */
import type { BlockDecl, CallExpr, Expr } from "../../grammar/ast.js";
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic.js";
import type { Declared, FileScope, Program } from "./program.js";

/** A call of a block written in another block's declaration. */
export interface BlockCall {
  readonly call: CallExpr;
  readonly callee: Declared<BlockDecl>;
}

/**
 * The block calls written in a block's parameter defaults and body, in source order, each resolved in
 * the file that declares the block (as elaboration resolves them).
 */
export function blockCalls(block: Declared<BlockDecl>, scopes: ReadonlyMap<string, FileScope>): BlockCall[] {
  const blocks = scopes.get(block.file)?.blocks;
  const roots: Expr[] = [];
  for (const p of block.decl.params) if (p.default) roots.push(p.default);
  for (const stmt of block.decl.body) if (stmt.kind !== "Input") roots.push(stmt.value);
  const calls: BlockCall[] = [];
  for (const expr of expressionsIn(roots)) {
    const callee = expr.kind === "Call" && expr.callee.name ? blocks?.get(expr.callee.name) : undefined;
    if (callee) calls.push({ call: expr as CallExpr, callee });
  }
  return calls.sort((a, b) => a.call.range.start.offset - b.call.range.start.offset);
}

/** Every expression in `roots` and inside them, in no particular order. */
export function* expressionsIn(roots: readonly Expr[]): Generator<Expr> {
  const pending = [...roots];
  // An explicit stack: chains in the AST are as deep as they are long.
  for (let expr = pending.pop(); expr; expr = pending.pop()) {
    yield expr;
    switch (expr.kind) {
      case "Call":
        for (const a of expr.args) pending.push(a.value);
        break;
      case "Pipe":
        pending.push(expr.source, expr.stage);
        break;
      case "Binary":
        pending.push(expr.left, expr.right);
        break;
      case "Unary":
        pending.push(expr.operand);
        break;
      case "Paren":
        pending.push(expr.inner);
        break;
      case "List":
        for (const item of expr.items) pending.push(item);
        break;
    }
  }
}

/** Reports E106 once per call that closes a cycle of blocks, over every block of `program`. */
export function reportBlockCycles(program: Program, report: (d: Diagnostic) => void): void {
  const state = new Map<BlockDecl, "active" | "done">();
  for (const unit of program.units.values()) {
    for (const decl of unit.ast.decls) {
      if (decl.kind !== "Block" || state.has(decl)) continue;
      // The walk keeps its own stack: a chain of blocks may be as long as the input makes it.
      // `path` is the blocks from the walk's start to the one on top, so a cycle can be named.
      const start: Declared<BlockDecl> = { decl, file: unit.path };
      const path: Declared<BlockDecl>[] = [start];
      const stack = [{ block: start, calls: blockCalls(start, program.scopes), next: 0, reported: new Set<BlockDecl>() }];
      state.set(decl, "active");
      while (stack.length > 0) {
        const frame = stack[stack.length - 1];
        if (frame.next >= frame.calls.length) {
          state.set(frame.block.decl, "done");
          stack.pop();
          path.pop();
          continue;
        }
        const { call, callee } = frame.calls[frame.next++];
        const seen = state.get(callee.decl);
        if (seen === "active") {
          if (frame.reported.has(callee.decl)) continue;
          frame.reported.add(callee.decl);
          const cycle = [...path.slice(path.findIndex((b) => b.decl === callee.decl)), callee].map((b) => b.decl.name.name);
          report(
            diagnostic({
              code: "E106",
              file: frame.block.file,
              range: call.callee.range,
              message: `block \`${cycle[0]}\` calls itself: ${elide(cycle)}`,
              help: "a network has a fixed depth: unroll the repetition by hand",
            }),
          );
        } else if (!seen) {
          state.set(callee.decl, "active");
          path.push(callee);
          stack.push({ block: callee, calls: blockCalls(callee, program.scopes), next: 0, reported: new Set() });
        }
      }
    }
  }
}

/** `A → B → C`, with the middle of a long chain left out: `A → B → C → … (994 more) … → X → Y → Z`. */
export function elide(names: readonly string[]): string {
  if (names.length <= 12) return names.join(" → ");
  return [...names.slice(0, 6), `… (${names.length - 12} more) …`, ...names.slice(-6)].join(" → ");
}
