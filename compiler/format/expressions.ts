/**
 * Prints expressions in the canonical form, as a sequence of tokens (`Tok`): the formatter places
 * comments between tokens, so it needs them one by one; `printExpr` joins them into one line.
 * Chains (`x -> a -> b …`, `a + b + c …`, `- - 1`) are printed by iterating along them: the AST nests
 * them as deep as they are long. Everything else nests only as deep as brackets do, which the parser
 * bounds.
 */
import type * as A from "../../grammar/ast.js";

/**
 * One token of the output: exactly one token of the source (the formatter matches them in order),
 * and whether a space separates it from the token before it when both are on one line.
 */
export interface Tok {
  readonly text: string;
  readonly space: boolean;
  /** A string literal, printed from its value: its text may differ from the source's (`\t` for a tab). */
  readonly string?: true;
}

/** Tokens on one line, spaced as their `space` says (the first token's is ignored). */
export function joinTokens(toks: readonly Tok[]): string {
  let out = "";
  for (let i = 0; i < toks.length; i++) out += i > 0 && toks[i].space ? ` ${toks[i].text}` : toks[i].text;
  return out;
}

export function printExpr(e: A.Expr | A.Arg): string {
  const out: Tok[] = [];
  exprTokens(e, out, false);
  return joinTokens(out);
}

/** One stage of a pipeline without its arrow: `fc: dense(10)`. */
export function printStage(stage: A.PipeExpr): string {
  const out: Tok[] = [];
  stageTokens(stage, out, false);
  return joinTokens(out);
}

/** Appends the tokens of `e`; `space` is the spacing of its first token. */
export function exprTokens(e: A.Expr | A.Arg, out: Tok[], space: boolean): void {
  switch (e.kind) {
    case "Arg":
      if (e.name) {
        out.push({ text: e.name.name, space }, { text: ":", space: false });
        exprTokens(e.value, out, true);
      } else {
        exprTokens(e.value, out, space);
      }
      return;
    case "Number":
      out.push({ text: e.text, space });
      return;
    case "String":
      out.push({ text: printString(e.value), space, string: true });
      return;
    case "Bool":
      out.push({ text: String(e.value), space });
      return;
    case "Name":
      out.push({ text: e.name.name, space });
      return;
    case "Call":
      out.push({ text: e.callee.name, space });
      if (e.hasParens) bracketed("(", e.args, ")", out);
      return;
    case "Binary": {
      const operations: A.BinaryExpr[] = [];
      let left: A.Expr = e;
      for (; left.kind === "Binary"; left = left.left) operations.push(left);
      exprTokens(left, out, space);
      for (let i = operations.length - 1; i >= 0; i--) {
        out.push({ text: operations[i].op, space: true });
        exprTokens(operations[i].right, out, true);
      }
      return;
    }
    case "Unary": {
      let operand: A.Expr = e;
      for (let first = true; operand.kind === "Unary"; operand = operand.operand, first = false) out.push({ text: "-", space: first && space });
      exprTokens(operand, out, false);
      return;
    }
    case "Paren":
      out.push({ text: "(", space });
      exprTokens(e.inner, out, false);
      out.push({ text: ")", space: false });
      return;
    case "List":
      out.push({ text: "[", space });
      items(e.items, out);
      out.push({ text: "]", space: false });
      return;
    case "Pipe": {
      const stages: A.PipeExpr[] = [];
      let source: A.Expr = e;
      for (; source.kind === "Pipe"; source = source.source) stages.push(source);
      exprTokens(source, out, space);
      for (let i = stages.length - 1; i >= 0; i--) {
        out.push({ text: "->", space: true });
        stageTokens(stages[i], out, true);
      }
      return;
    }
    case "Error":
      return;
  }
}

/** Appends one stage of a pipeline without its arrow: `fc: dense(10)`. */
export function stageTokens(stage: A.PipeExpr, out: Tok[], space: boolean): void {
  if (stage.label) {
    out.push({ text: stage.label.name, space }, { text: ":", space: false });
    space = true;
  }
  exprTokens(stage.stage, out, space);
}

/** `open items… close`, the items separated by `, `; the opening bracket follows what precedes it directly. */
export function bracketed(open: string, list: readonly (A.Expr | A.Arg)[], close: string, out: Tok[]): void {
  out.push({ text: open, space: false });
  items(list, out);
  out.push({ text: close, space: false });
}

function items(list: readonly (A.Expr | A.Arg)[], out: Tok[]): void {
  list.forEach((item, i) => {
    if (i > 0) out.push({ text: ",", space: false });
    exprTokens(item, out, i > 0);
  });
}

function printString(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\t/g, "\\t")}"`;
}
