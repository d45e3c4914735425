/**
 * The VS Code extension's TextMate grammar, run by the engine VS Code uses (vscode-textmate with
 * the Oniguruma regular expressions of vscode-oniguruma), checked against nnc's own lexer.
 */
import fc from "fast-check";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import * as oniguruma from "vscode-oniguruma";
import * as textmate from "vscode-textmate";
import { beforeAll, describe, expect, it } from "vitest";
import { NnLexer } from "../../grammar/tokens.js";

const EXTENSION = resolve(import.meta.dirname, "../../editors/vscode");
const ACCEPTANCE = resolve(import.meta.dirname, "../../../shared/acceptance/ok");
const EXAMPLES = resolve(import.meta.dirname, "../../examples/mnist");

let grammar: textmate.IGrammar;

beforeAll(async () => {
  const wasm = readFileSync(join(createRequire(import.meta.url).resolve("vscode-oniguruma"), "../onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({ createOnigScanner: (s) => new oniguruma.OnigScanner(s), createOnigString: (s) => new oniguruma.OnigString(s) }),
    loadGrammar: async (scope) =>
      scope === "source.nn" ? textmate.parseRawGrammar(readFileSync(join(EXTENSION, "syntaxes/nn.tmLanguage.json"), "utf8"), "nn.tmLanguage.json") : null,
  });
  const loaded = await registry.loadGrammar("source.nn");
  if (!loaded) throw new Error("the grammar did not load");
  grammar = loaded;
});

interface ScopedSpan {
  readonly line: number;
  readonly start: number;
  readonly end: number;
  readonly scopes: readonly string[];
}

function tokenize(text: string): ScopedSpan[] {
  const spans: ScopedSpan[] = [];
  let state = textmate.INITIAL;
  text.split(/\r?\n/).forEach((line, index) => {
    const result = grammar.tokenizeLine(line, state);
    for (const t of result.tokens) spans.push({ line: index, start: t.startIndex, end: t.endIndex, scopes: t.scopes });
    state = result.ruleStack;
  });
  return spans;
}

/** The scopes at a 0-based line and column. */
function scopesAt(spans: readonly ScopedSpan[], line: number, column: number): string {
  return spans.find((s) => s.line === line && s.start <= column && column < s.end)?.scopes.join(" ") ?? "";
}

const programs = (): { name: string; text: string }[] =>
  [ACCEPTANCE, EXAMPLES].flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith(".nn")).map((f) => ({ name: f, text: readFileSync(join(dir, f), "utf8") })));

/** The scope a lexer token must land in, for the kinds the grammar has to agree on. */
const EXPECTED: Record<string, RegExp> = {
  DocComment: /comment\.line\.documentation/,
  LineComment: /comment\.line\.double-slash/,
  BlockComment: /comment\.block/,
  NumberLiteral: /constant\.numeric/,
  StringLiteral: /string\.quoted\.double/,
  // A declaration word, or the same word as a key (`mnist(train: 50000)`).
  Kw_model: /storage\.type\.model|keyword\.other\.model|variable\.parameter\.key/,
  Kw_block: /storage\.type\.block|keyword\.other\.block|variable\.parameter\.key/,
  Kw_train: /storage\.type\.train|keyword\.other\.train|variable\.parameter\.key/,
  Kw_use: /keyword\.other\.use|variable\.parameter\.key/,
  Kw_true: /constant\.language\.boolean/,
  Kw_false: /constant\.language\.boolean/,
  Arrow: /keyword\.operator\.arrow/,
};

/** Every lexer token of the kinds above, with the scope the grammar gives its first character. */
function agreement(text: string): { kind: string; image: string; scopes: string }[] {
  const spans = tokenize(text);
  const lexed = NnLexer.tokenize(text);
  const tokens = [...lexed.tokens, ...((lexed.groups.comments as typeof lexed.tokens | undefined) ?? [])];
  return tokens
    .filter((t) => EXPECTED[t.tokenType.name])
    .map((t) => ({ kind: t.tokenType.name, image: t.image, scopes: scopesAt(spans, (t.startLine ?? 1) - 1, (t.startColumn ?? 1) - 1) }));
}

describe("the TextMate grammar of editors/vscode", () => {
  it("gives every program's keywords, comments, numbers, strings and arrows the scopes nnc's lexer gives them", () => {
    for (const { name, text } of programs()) {
      for (const t of agreement(text)) expect(t.scopes, `${name}: ${t.kind} ${JSON.stringify(t.image)}`).toMatch(EXPECTED[t.kind]!);
    }
  });

  it("scopes the parts of a program as a reader expects", () => {
    const text = [
      "/// The baseline.",
      'use "./blocks.nn"',
      "model Net {",
      "  input image: [784]",
      "  image -> hidden: dense(100, activation: sigmoid) -> flatten /* note */",
      "}",
      "train Net { optimizer: sgd(lr: 1e-3, nesterov: true) }",
    ].join("\n");
    const spans = tokenize(text);
    const lines = text.split("\n");
    const at = (line: number, word: string) => scopesAt(spans, line, lines[line]!.indexOf(word));
    expect(scopesAt(spans, 0, 0)).toContain("comment.line.documentation.nn");
    expect(scopesAt(spans, 1, 0)).toContain("keyword.other.use.nn");
    expect(scopesAt(spans, 1, 5)).toContain("string.quoted.double.nn");
    expect(scopesAt(spans, 2, 0)).toContain("storage.type.model.nn");
    expect(scopesAt(spans, 2, 6)).toContain("entity.name.type.nn");
    expect(scopesAt(spans, 3, 2)).toContain("keyword.other.input.nn");
    expect(scopesAt(spans, 3, 8)).toContain("variable.parameter.input.nn");
    expect(scopesAt(spans, 3, 16)).toContain("constant.numeric.nn");
    expect(at(4, "->")).toContain("keyword.operator.arrow.nn");
    expect(at(4, "hidden")).toContain("entity.name.tag.label.nn");
    expect(at(4, "dense")).toContain("entity.name.function.nn");
    expect(at(4, "activation")).toContain("variable.parameter.key.nn");
    expect(at(4, "sigmoid")).toContain("variable.other.nn");
    expect(at(4, "flatten")).toContain("variable.other.nn");
    expect(at(4, "note")).toContain("comment.block.nn");
    expect(at(6, "sgd")).toContain("entity.name.function.nn");
    expect(at(6, "1e-3")).toContain("constant.numeric.nn");
    expect(at(6, "true")).toContain("constant.language.boolean.nn");
  });

  it("agrees with the lexer on random token sequences", () => {
    const piece = fc.constantFrom("model", "block", "train", "use", "true", "false", "->", "dense", "(", ")", "[", "]", "{", "}", ":", ",", "x1", "_y", "60_000", "0.5", "1e-3", "2.5E+4", '"a\\"b"', '"s"', "// c", "/// d", "/* e */", "+", "*", "-", "/");
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const text = pieces.map((p) => (p.startsWith("//") ? `${p}\n` : p)).join(" ");
        for (const t of agreement(text)) expect(t.scopes, `${t.kind} ${JSON.stringify(t.image)} in ${JSON.stringify(text)}`).toMatch(EXPECTED[t.kind]!);
      }),
      { numRuns: 300 },
    );
  });

  it("leaves no character of the acceptance programs unscoped or invalid", () => {
    for (const { name, text } of programs()) {
      for (const span of tokenize(text)) expect(span.scopes.join(" "), name).not.toMatch(/invalid/);
    }
  });
});

describe("the extension package", () => {
  const manifest = JSON.parse(readFileSync(join(EXTENSION, "package.json"), "utf8")) as {
    main: string;
    contributes: { languages: { id: string; extensions: string[]; configuration: string }[]; grammars: { language: string; path: string; scopeName: string }[] };
  };

  it("points at files that exist and registers .nn", () => {
    const [language] = manifest.contributes.languages;
    expect(language).toMatchObject({ id: "nn", extensions: [".nn"] });
    const configuration = JSON.parse(readFileSync(join(EXTENSION, language!.configuration), "utf8")) as { comments: { lineComment: string } };
    expect(configuration.comments.lineComment).toBe("//");
    const [contributed] = manifest.contributes.grammars;
    expect(contributed).toMatchObject({ language: "nn", scopeName: "source.nn" });
    expect(JSON.parse(readFileSync(join(EXTENSION, contributed!.path), "utf8"))).toMatchObject({ scopeName: "source.nn" });
    expect(readFileSync(join(EXTENSION, "src/extension.ts"), "utf8")).toContain('"lsp", "--stdio"');
    expect(manifest.main).toBe("./out/extension.js");
  });
});
