/**
 * Go to definition, find references and rename, for blocks, models, parameters, dimension symbols,
 * inputs, bindings, layer labels and training labels, across `use`d files. All three read the symbol
 * index (`names.ts`); references and rename gather occurrences from every open document's program, so
 * a block renamed in a library is renamed where the open files call it.
 */
import { ResponseError, ErrorCodes, type Location, type Range as LspRange, type TextEdit, type WorkspaceEdit } from "vscode-languageserver";
import type { Range } from "../../grammar/ast.js";
import { KEYWORDS } from "../../grammar/tokens.js";
import type { NnSymbol, Occurrence } from "./names.js";
import { symbolKey } from "./names.js";
import { nodesAt } from "./syntax-tree.js";
import type { Analysis } from "./workspace.js";

export function definition(analysis: Analysis, offset: number): Location | null {
  const occurrence = analysis.symbols.at(analysis.path, offset);
  if (occurrence) return locationOf(analysis, occurrence.symbol.declaredAt.file, occurrence.symbol.declaredAt.range);
  // `use "./blocks.nn"`: the file itself.
  const unit = analysis.result.program.units.get(analysis.path);
  const use = unit ? nodesAt(unit.ast, offset).find((n) => n.kind === "Use") : undefined;
  const target = use?.kind === "Use" ? analysis.result.program.usedFiles.get(use) : undefined;
  if (target) return { uri: analysis.uriOf(target), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
  return null;
}

export function references(analysis: Analysis, others: readonly Analysis[], offset: number, includeDeclaration: boolean): Location[] {
  const occurrence = analysis.symbols.at(analysis.path, offset);
  if (!occurrence) return [];
  return allOccurrences(occurrence.symbol, [analysis, ...others])
    .filter(({ occurrence: o }) => includeDeclaration || !o.declaration)
    .flatMap(({ occurrence: o, analysis: a }) => {
      const location = locationOf(a, o.file, o.range);
      return location ? [location] : [];
    });
}

/** The range of the name to rename, or null when the cursor is not on a renamable name. */
export function prepareRename(analysis: Analysis, offset: number): LspRange | null {
  const occurrence = analysis.symbols.at(analysis.path, offset);
  return occurrence ? analysis.lines.range(occurrence.range) : null;
}

export function rename(analysis: Analysis, others: readonly Analysis[], offset: number, newName: string): WorkspaceEdit | null {
  const occurrence = analysis.symbols.at(analysis.path, offset);
  if (!occurrence) return null;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(newName) || (KEYWORDS as readonly string[]).includes(newName)) {
    throw new ResponseError(ErrorCodes.InvalidParams, `\`${newName}\` is not a valid name: names are letters, digits and \`_\`, not starting with a digit, and not a keyword`);
  }
  const changes: Record<string, TextEdit[]> = {};
  for (const { occurrence: o, analysis: a } of allOccurrences(occurrence.symbol, [analysis, ...others])) {
    const lines = a.linesOf(o.file);
    if (!lines) continue;
    (changes[a.uriOf(o.file)] ??= []).push({ range: lines.range(o.range), newText: newName });
  }
  return { changes };
}

/** Every occurrence of a symbol in the given analyses, each once, with the analysis that found it. */
function allOccurrences(symbol: NnSymbol, analyses: readonly Analysis[]): { occurrence: Occurrence; analysis: Analysis }[] {
  const seen = new Set<string>();
  const found: { occurrence: Occurrence; analysis: Analysis }[] = [];
  for (const analysis of analyses) {
    for (const occurrence of analysis.symbols.occurrencesOf(symbol)) {
      const key = symbolKey(occurrence);
      if (seen.has(key)) continue;
      seen.add(key);
      found.push({ occurrence, analysis });
    }
  }
  return found.sort((a, b) => (a.occurrence.file < b.occurrence.file ? -1 : a.occurrence.file > b.occurrence.file ? 1 : a.occurrence.range.start.offset - b.occurrence.range.start.offset));
}

function locationOf(analysis: Analysis, file: string, range: Range): Location | null {
  const lines = analysis.linesOf(file);
  return lines ? { uri: analysis.uriOf(file), range: lines.range(range) } : null;
}
