/**
 * Slips: the mistakes that Python, Keras and JavaScript habits bring to a `.nn` file (`=` for `:`,
 * a forgotten `->`, `(28, 28, 1)`, `# comment`, `def`, `Sequential([...])`, …). The parser reads
 * each as what it was meant to be, so that the rest of the file is checked as if the fix had been
 * applied, and the slip is reported once, at the slip, with a help line and a `Fix` that editors offer
 * as a quick fix. Every slip's message and fix is made here; the lexer (`parse.ts`), the AST builder
 * (`build-ast.ts`) and this file's scan of top-level Python statements report them.
 *
 * Keras's names for layers, losses and arguments (`Dense`, `categorical_crossentropy`,
 * `kernel_size`) and quoted names (`activation: "relu"`) are the checker's to report, since only it
 * knows what a name means: it consults `keras-names.ts`.
 */
import type { IToken } from "chevrotain";
import { syntaxDiagnostic, type Fix, type SyntaxCode, type SyntaxDiagnostic } from "./syntax-diagnostic.js";
import { tokenMatcher } from "./chevrotain.js";
import { tokenEnd, type LineMap } from "./positions.js";
import * as T from "./tokens.js";

/** One text replacement of a fix, in the file being parsed. */
export interface Replacement {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** What a slip is: where it is reported, what it says, and how to fix it. */
export interface Slip {
  readonly code?: SyntaxCode;
  readonly start: number;
  readonly end: number;
  readonly message: string;
  readonly help: string;
  /** The fix's title and edits; none when no edit is the fix (`def`, `class`). */
  readonly fix?: { readonly title: string; readonly edits: readonly Replacement[] };
}

/** The diagnostic of a slip: E001 unless it says otherwise. */
export function slipDiagnostic(path: string, lines: LineMap, slip: Slip): SyntaxDiagnostic {
  const fixes: Fix[] = slip.fix
    ? [{ title: slip.fix.title, edits: slip.fix.edits.map((e) => ({ file: path, range: lines.range(e.start, e.end), newText: e.text })) }]
    : [];
  return syntaxDiagnostic({ code: slip.code ?? "E001", file: path, range: lines.range(slip.start, slip.end), message: slip.message, help: slip.help, fixes });
}

// ------------------------------------------------------------------------------ punctuation

/** Where `=` was written for `:`: after an argument's name, a training key or an input's name. */
export type EqualsPlace = "argument" | "key" | "input";

const EQUALS_MESSAGES: Record<EqualsPlace, string> = {
  argument: "use `:` for a named argument, not `=`",
  key: "use `:` after a training key, not `=`",
  input: "use `:` after an input's name, not `=`",
};

/**
 * `activation = softmax`: the fix makes it `activation: softmax`, replacing the spaces around `=` too
 * when nothing but spaces is there (`gap` says so), else only the `=`.
 */
export function equalsForColon(place: EqualsPlace, equals: IToken, gap: { start: number; end: number } | undefined): Slip {
  const edit = gap ? { start: gap.start, end: gap.end, text: ": " } : { start: equals.startOffset, end: tokenEnd(equals), text: ":" };
  return {
    start: equals.startOffset,
    end: tokenEnd(equals),
    message: EQUALS_MESSAGES[place],
    help: "replace `=` with `:`",
    fix: { title: "Replace `=` with `:`", edits: [edit] },
  };
}

/** `x -> dense(30) dense(10)`: reported at the stage, fixed by `-> ` before it. */
export function missingArrow(stage: IToken): Slip {
  return {
    start: stage.startOffset,
    end: tokenEnd(stage),
    message: "expected `->` between stages",
    help: "insert `->`",
    fix: { title: "Insert `->`", edits: [{ start: stage.startOffset, end: stage.startOffset, text: "-> " }] },
  };
}

/** `dense(10 activation: relu)`: reported at the second item, fixed by `,` after the first. */
export function missingComma(many: string, next: IToken, previousEnd: number): Slip {
  return {
    start: next.startOffset,
    end: tokenEnd(next),
    message: `expected \`,\` between ${many}`,
    help: "insert `,`",
    fix: { title: "Insert `,`", edits: [{ start: previousEnd, end: previousEnd, text: "," }] },
  };
}

/** `train M { data: mnist, loss: mse }`: a `,` between training entries. */
export function commaBetweenEntries(comma: IToken): Slip {
  return {
    start: comma.startOffset,
    end: tokenEnd(comma),
    message: "training entries are not separated by `,`",
    help: "remove the `,`; a new line or `;` separates entries",
    fix: { title: "Remove the `,`", edits: [{ start: comma.startOffset, end: tokenEnd(comma), text: "" }] },
  };
}

/**
 * `(28, 28, 1)` where a shape (`shape`) or a list goes: the fix turns the parentheses into brackets.
 * `items` are the items' texts, shown in the message when short.
 */
export function tupleForList(open: IToken, close: IToken | undefined, items: readonly string[], shape: boolean): Slip {
  const written = `[${items.join(", ")}]`;
  const what = shape ? "shapes" : "lists";
  return {
    start: open.startOffset,
    end: close ? tokenEnd(close) : tokenEnd(open),
    message: written.length <= 40 ? `${what} are written in brackets: \`${written}\`` : `${what} are written in brackets, not parentheses`,
    help: "replace `(` and `)` with `[` and `]`",
    fix: {
      title: written.length <= 40 ? `Use \`${written}\`` : "Use brackets",
      edits: [{ start: open.startOffset, end: tokenEnd(open), text: "[" }, ...(close ? [{ start: close.startOffset, end: tokenEnd(close), text: "]" }] : [])],
    },
  };
}

// ------------------------------------------------------------------------------ statements

/** `h = x -> relu`: a binding without `let`; fixed by `let ` before the name. */
export function missingLet(name: IToken): Slip {
  return {
    start: name.startOffset,
    end: tokenEnd(name),
    message: "a binding starts with `let`",
    help: "insert `let`",
    fix: { title: "Insert `let`", edits: [{ start: name.startOffset, end: name.startOffset, text: "let " }] },
  };
}

/** `const h = …`, `var h = …`: fixed by `let`. */
export function foreignBinder(word: IToken): Slip {
  return {
    start: word.startOffset,
    end: tokenEnd(word),
    message: `nnc binds names with \`let\`, not \`${word.image}\``,
    help: `replace \`${word.image}\` with \`let\``,
    fix: { title: "Replace with `let`", edits: [{ start: word.startOffset, end: tokenEnd(word), text: "let" }] },
  };
}

/** `return x`: fixed by removing `return` and the space after it (up to `valueStart`). */
export function returnStatement(word: IToken, valueStart: number): Slip {
  return {
    start: word.startOffset,
    end: tokenEnd(word),
    message: "nnc has no `return`: the last expression is the result",
    help: "remove `return`",
    fix: { title: "Remove `return`", edits: [{ start: word.startOffset, end: valueStart, text: "" }] },
  };
}

/** What a keyword written where a name goes was meant to name (`keyword-names.ts`). */
export type KeywordPlace = "binding" | "input" | "output" | "parameter" | "layer" | "model" | "block";

const KEYWORD_PLACES: Record<KeywordPlace, string> = {
  binding: "name a binding",
  input: "name an input",
  output: "name an output",
  parameter: "name a parameter",
  layer: "label a layer",
  model: "name a model",
  block: "name a block",
};

/**
 * `let train = …`: a keyword where a name is declared. No fix: the new name is the user's to choose,
 * and its uses must change with it.
 */
export function keywordAsName(word: IToken, place: KeywordPlace): Slip {
  return {
    start: word.startOffset,
    end: tokenEnd(word),
    message: `\`${word.image}\` is a keyword and cannot ${KEYWORD_PLACES[place]}`,
    help: KEYWORD_HELP,
  };
}

const KEYWORD_HELP = `pick another name; the keywords are ${T.KEYWORDS.map((k) => `\`${k}\``).join(", ").replace(/, ([^,]*)$/, " and $1")}`;

/** `x -> model`, `train` alone in a body: a keyword used as a name that was never declared. */
export function keywordNotAName(word: IToken): Slip {
  const begins = T.DECLARATION_KEYWORDS.includes(word.tokenType) ? "a declaration, outside any body" : "a statement";
  return {
    start: word.startOffset,
    end: tokenEnd(word),
    message: `\`${word.image}\` is a keyword, not a name`,
    help: `\`${word.image}\` only begins ${begins}; if you meant a name, ${KEYWORD_HELP}`,
  };
}

/**
 * `output = x -> dense(3)`: `output` marks the model's output and takes no `=`. Reported at `output`,
 * read as `output x -> dense(3)`, fixed by removing the `=` (and the spaces up to `valueStart`).
 */
export function outputEquals(word: IToken, equals: IToken, valueStart: number | undefined): Slip {
  const end = valueStart !== undefined && valueStart > tokenEnd(equals) ? valueStart : tokenEnd(equals);
  return {
    start: word.startOffset,
    end: tokenEnd(word),
    message: "`output` is a keyword and cannot name a binding: `output EXPR` marks an output",
    help: "remove the `=` to mark the output (`output y = …` names it); to bind a value, write `let` and another name",
    fix: { title: "Remove the `=`", edits: [{ start: equals.startOffset, end, text: "" }] },
  };
}

/** `.5`: a number without its leading digit (E002), read as and fixed to `0.5`. */
export function leadingDot(number: IToken, fixed: string): Slip {
  return {
    code: "E002",
    start: number.startOffset,
    end: tokenEnd(number),
    message: `a number starts with a digit: \`${number.image}\` is written \`${fixed}\``,
    help: `write \`${fixed}\``,
    fix: { title: `Write \`${fixed}\``, edits: [{ start: number.startOffset, end: tokenEnd(number), text: fixed }] },
  };
}

// ------------------------------------------------------------------------------ calls

/** The argument names that give a layer its input's shape in Keras. */
export const INPUT_SHAPE_ARGUMENTS: readonly string[] = ["input_shape", "batch_input_shape", "input_dim"];

/**
 * `dense(10, input_shape=(784,))`: the input's shape is declared by the model's `input`. Reported at
 * the argument; the fix removes it and the comma that separates it from its neighbours (`remove`).
 */
export function inputShapeArgument(name: string, arg: { start: number; end: number }, remove: { start: number; end: number }, input: string, shape: string): Slip {
  return {
    start: arg.start,
    end: arg.end,
    message: `the input shape is declared with \`input ${input}: ${shape}\`, not with \`${name}\``,
    help: `remove \`${name}\`; the model's \`input\` gives the shape`,
    fix: { title: `Remove \`${name}\``, edits: [{ start: remove.start, end: remove.end, text: "" }] },
  };
}

/**
 * `Sequential([dense(10), relu])` (Keras) or `Sequential(dense(10), relu)` (PyTorch): reported at the
 * name; fixed by the stages chained with `->` (`chained`, which replaces the call's span `call`),
 * from the model's input when the call stands alone.
 */
export function sequential(callee: { start: number; end: number }, call: { start: number; end: number }, chained: string | undefined): Slip {
  return {
    start: callee.start,
    end: callee.end,
    message: "nnc has no `Sequential`: chain the layers with `->`",
    help: chained !== undefined && chained.length <= 80 ? `write \`${chained}\`` : "write `x -> dense(100, activation: relu) -> dense(10)`",
    fix: chained !== undefined ? { title: "Chain the layers with `->`", edits: [{ start: call.start, end: call.end, text: chained }] } : undefined,
  };
}

// ------------------------------------------------------------------------------ lexical

/** `# comment`: E002, fixed by `//`. */
export function hashComment(comment: IToken): Slip {
  return {
    code: "E002",
    start: comment.startOffset,
    end: comment.startOffset + 1,
    message: "comments start with `//`, not `#`",
    help: "replace `#` with `//`",
    fix: { title: "Replace `#` with `//`", edits: [{ start: comment.startOffset, end: comment.startOffset + 1, text: "//" }] },
  };
}

/** `'relu'`: E002, fixed by double quotes (a `"` inside is escaped, an escaped `'` no longer needs it). */
export function singleQuoted(token: IToken): Slip {
  const body = token.image.slice(1, -1).replace(/\\(['\s\S])/g, (escape: string, c: string) => (c === "'" ? "'" : escape)).replace(/(?<!\\)((?:\\\\)*)"/g, '$1\\"');
  const written = `"${body}"`;
  return {
    code: "E002",
    start: token.startOffset,
    end: tokenEnd(token),
    message: written.length <= 40 ? `strings are written in double quotes: \`${written}\`` : "strings are written in double quotes",
    help: "replace `'` with `\"`",
    fix: { title: "Use double quotes", edits: [{ start: token.startOffset, end: tokenEnd(token), text: written }] },
  };
}

// ------------------------------------------------------------------------------ top-level Python

/** A run of tokens (`[first, last]`, indexes into the token list) that is Python, not nnc, and its slip. */
export interface ForeignStatement {
  readonly first: number;
  readonly last: number;
  /** The text the statement covers, from its first token to the end of its last line: what it hides. */
  readonly start: number;
  readonly end: number;
  readonly slip: Slip;
}

/** The methods of a Keras model that training replaces. */
const TRAINING_METHODS = ["fit", "compile", "evaluate", "predict", "train"];

/**
 * The Python statements written where a declaration goes: `import …`, `from … import …`, `def` and
 * `class` with their indented bodies, an assignment (`model = Sequential([...])`) and a method call
 * (`model.fit(...)`), each first on its line at the top level of the file (after a declaration's
 * closing `}`, a `;`, a `use`, or the start of the file). Each is one E001 at its first line, saying
 * what nnc uses instead; `parse` leaves its tokens out, so that nothing inside it is reported and the
 * declarations after it are parsed as usual.
 */
export function foreignStatements(tokens: readonly IToken[], text: string): ForeignStatement[] {
  const found: ForeignStatement[] = [];
  let depth = 0;
  let previous: IToken | undefined;
  let beforePrevious: IToken | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (depth === 0 && startsLine(tokens, i) && afterDeclaration(previous, beforePrevious)) {
      const statement = foreignStatement(tokens, i, text);
      if (statement) {
        found.push(statement);
        i = statement.last;
        continue;
      }
    }
    const image = t.image;
    if (image === "(" || image === "[" || image === "{") depth++;
    else if ((image === ")" || image === "]" || image === "}") && depth > 0) depth--;
    beforePrevious = previous;
    previous = t;
  }
  return found;
}

function startsLine(tokens: readonly IToken[], i: number): boolean {
  return i === 0 || tokens[i - 1].endLine !== tokens[i].startLine;
}

/** Whether a declaration may start after `previous`: the start of the file, `}`, `;` or `use "…"`. */
function afterDeclaration(previous: IToken | undefined, beforePrevious: IToken | undefined): boolean {
  if (!previous) return true;
  if (previous.image === "}" || previous.image === ";") return true;
  return tokenMatcher(previous, T.StringLiteral) && beforePrevious?.tokenType === T.Use;
}

function foreignStatement(tokens: readonly IToken[], i: number, text: string): ForeignStatement | undefined {
  const t = tokens[i];
  const next = tokens[i + 1] as IToken | undefined;
  const onLine = next !== undefined && next.startLine === t.startLine;
  const word = t.image;
  const isName = t.tokenType === T.Identifier || T.KEYWORDS.includes(word as T.Keyword);
  let slip: Omit<Slip, "start" | "end"> | undefined;
  let indentedBody = false;
  if ((word === "def" || word === "class") && t.tokenType === T.Identifier && onLine && next.tokenType === T.Identifier) {
    indentedBody = true;
    slip =
      word === "def"
        ? { message: "nnc has no `def`: a reusable group of layers is a `block`", help: "write `block Name(x) { x -> … }`" }
        : { message: "nnc has no `class`: a network is a `model`", help: "write `model Name { input x: [784]; x -> … }`" };
  } else if ((word === "import" || word === "from") && t.tokenType === T.Identifier && onLine && (next.tokenType === T.Identifier || tokenMatcher(next, T.StringLiteral))) {
    const fixable = word === "import" && tokenMatcher(next, T.StringLiteral) && tokens[i + 2]?.startLine !== t.startLine;
    slip = {
      message: `nnc has no \`${word === "from" ? "from … import" : "import"}\`: another \`.nn\` file's declarations come with \`use\``,
      help: 'write `use "file.nn"`',
      fix: fixable ? { title: "Replace with `use`", edits: [{ start: t.startOffset, end: tokenEnd(t), text: "use" }] } : undefined,
    };
  } else if (isName && onLine && next.image === "=") {
    slip = { message: "nnc has no assignments outside a model: a network is declared with `model Name { … }`", help: "inside it, `input x: [784]` declares the input and `->` chains the layers" };
  } else if (isName && text.charAt(tokenEnd(t)) === ".") {
    const method = /^\.\s*([A-Za-z_][A-Za-z0-9_]*)/.exec(text.slice(tokenEnd(t)))?.[1];
    slip =
      method !== undefined && TRAINING_METHODS.includes(method)
        ? { message: `nnc has no \`${word}.${method}\`: a training is declared with \`train Model { … }\``, help: "write `train Model { data: …; loss: …; optimizer: … }`" }
        : { message: "nnc has no method calls: a network is declared with `model Name { … }`", help: "inside it, `->` chains the layers" };
  }
  if (!slip) return undefined;
  let last = lineEnd(tokens, i);
  if (indentedBody) {
    const column = t.startColumn ?? 1;
    while (last + 1 < tokens.length && (tokens[last + 1].startColumn ?? 1) > column) last = lineEnd(tokens, last + 1);
  }
  const headerEnd = tokenEnd(tokens[lineEnd(tokens, i, false)]);
  const lineBreak = text.indexOf("\n", tokenEnd(tokens[last]));
  return {
    first: i,
    last,
    start: t.startOffset,
    end: lineBreak < 0 ? text.length : lineBreak,
    slip: { ...slip, start: t.startOffset, end: headerEnd },
  };
}

/**
 * The index of the last token of the logical line that starts at token `i`: the line, and the lines
 * after it while a bracket opened on it is still open (unless `continued` is false). A declaration
 * keyword first on a line ends it in any case, so an unclosed bracket cannot hide the declarations
 * after it.
 */
function lineEnd(tokens: readonly IToken[], i: number, continued = true): number {
  let depth = 0;
  let j = i;
  for (; j < tokens.length; j++) {
    const t = tokens[j];
    if (j > i && t.startLine !== tokens[j - 1].endLine) {
      if (depth <= 0 || !continued) break;
      if (T.DECLARATION_KEYWORDS.includes(t.tokenType) && tokens[j + 1]?.tokenType === T.Identifier) break;
    }
    if (t.image === "(" || t.image === "[" || t.image === "{") depth++;
    else if (t.image === ")" || t.image === "]" || t.image === "}") depth--;
  }
  return j - 1;
}

/** Whether `[start, end)` lies inside the text of one of the statements (which are in order). */
export function insideForeign(statements: readonly ForeignStatement[], start: number, end: number): boolean {
  let lo = 0;
  let hi = statements.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (statements[mid].end < end) lo = mid + 1;
    else hi = mid;
  }
  return lo < statements.length && statements[lo].start <= start;
}
