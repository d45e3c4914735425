/**
 * The open documents and what the checker says about them. Each open document is checked as a root,
 * exactly as `nnc check FILE` would, through a host that reads open documents first and the disk
 * otherwise. Results are cached per document version and thrown away when any open file they read
 * changed. Work is carried from one version to the next: a changed file is reparsed declaration by
 * declaration (`grammar/reparse.ts`), an unchanged `use`d file is never parsed twice, and each
 * document keeps a `CheckCache`, so an edit re-checks only the declarations it touched.
 */
import { readFileSync } from "node:fs";
import type { TextDocuments } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { checkProgram, type CheckResult } from "../check.js";
import { CheckCache } from "../check-cache.js";
import type { SourceHost } from "../checker/program.js";
import { parse, type ParseResult } from "../../grammar/parse.js";
import { reparse } from "../../grammar/reparse.js";
import { LineIndex } from "./positions.js";
import { absolutePath, pathToUri, uriToPath } from "./paths.js";
import { indexSymbols, type SymbolIndex } from "./names.js";

/** One open document, checked. */
export interface Analysis {
  readonly uri: string;
  /** The document's path as the checker names it. */
  readonly path: string;
  readonly version: number;
  readonly text: string;
  readonly lines: LineIndex;
  readonly result: CheckResult;
  /** The names of every file of the program (built on first use). */
  readonly symbols: SymbolIndex;
  /** The line index of any file of the program. */
  linesOf(path: string): LineIndex | undefined;
  /** The URI of any file of the program. */
  uriOf(path: string): string;
}

export class Workspace {
  /** Each analysis with what it read: a file's absolute path → the version of its open document, or "disk". */
  private readonly analyses = new Map<string, { analysis: Analysis; read: ReadonlyMap<string, number | "disk"> }>();
  private readonly parses = new Map<string, { text: string; result: ParseResult }>();
  private readonly caches = new Map<string, CheckCache>();

  constructor(private readonly documents: TextDocuments<TextDocument>) {}

  /** The analysis of an open document at its current version; undefined when it is not open. */
  analyze(uri: string): Analysis | undefined {
    const document = this.documents.get(uri);
    if (!document) return undefined;
    const cached = this.analyses.get(uri);
    if (cached && this.isCurrent(cached.read)) return cached.analysis;
    const fresh = this.check(document);
    this.analyses.set(uri, fresh);
    return fresh.analysis;
  }

  /** Open documents other than `uri` whose last check read the file of `uri`. */
  dependents(uri: string): string[] {
    const path = absolutePath(uriToPath(uri));
    const result: string[] = [];
    for (const [other, { analysis }] of this.analyses) {
      if (other === uri || !this.documents.get(other)) continue;
      if ([...analysis.result.program.units.keys()].some((p) => absolutePath(p) === path)) result.push(other);
    }
    return result;
  }

  /** Forgets a closed document. */
  close(uri: string): void {
    this.analyses.delete(uri);
    this.caches.delete(uri);
  }

  /** Files changed on disk: checks that read them are out of date. */
  diskChanged(): void {
    this.analyses.clear();
  }

  /** Whether every file an analysis read is still as it was: same open version, or still closed. */
  private isCurrent(read: ReadonlyMap<string, number | "disk">): boolean {
    const open = this.openByPath();
    for (const [path, version] of read) if ((open.get(path)?.version ?? "disk") !== version) return false;
    return true;
  }

  private openByPath(): Map<string, TextDocument> {
    const open = new Map<string, TextDocument>();
    for (const doc of this.documents.all()) open.set(absolutePath(uriToPath(doc.uri)), doc);
    return open;
  }

  private check(document: TextDocument): { analysis: Analysis; read: Map<string, number | "disk"> } {
    const openByPath = this.openByPath();
    const read = new Map<string, number | "disk">();
    const host: SourceHost = {
      readFile: (path) => {
        const absolute = absolutePath(path);
        const open = openByPath.get(absolute);
        read.set(absolute, open?.version ?? "disk");
        return open ? open.getText() : this.readDisk(path);
      },
      parse: (text, path) => this.parse(text, path),
    };
    const path = uriToPath(document.uri);
    let cache = this.caches.get(document.uri);
    if (!cache) this.caches.set(document.uri, (cache = new CheckCache()));
    const result = checkProgram([path], host, cache);
    const text = result.program.units.get(path)?.text ?? document.getText();
    const indexes = new Map<string, LineIndex>();
    const linesOf = (p: string): LineIndex | undefined => {
      let lines = indexes.get(p);
      const source = result.program.units.get(p)?.text;
      if (!lines && source !== undefined) {
        lines = new LineIndex(source);
        indexes.set(p, lines);
      }
      return lines;
    };
    const lines = linesOf(path) ?? new LineIndex(text);
    let symbols: SymbolIndex | undefined;
    const analysis: Analysis = {
      uri: document.uri,
      path,
      version: document.version,
      text,
      lines,
      result,
      get symbols() {
        symbols ??= indexSymbols(result);
        return symbols;
      },
      linesOf,
      uriOf: (p) => openByPath.get(absolutePath(p))?.uri ?? pathToUri(p),
    };
    return { analysis, read };
  }

  /** Files that are not open are read afresh at every check (cheap); their parse is what is cached. */
  private readDisk(path: string): string | undefined {
    try {
      return readFileSync(absolutePath(path), "utf8");
    } catch {
      return undefined;
    }
  }

  private parse(text: string, path: string): ParseResult {
    const cached = this.parses.get(path);
    if (cached && cached.text === text) return cached.result;
    // Reparsing moves the nodes the old result shares with the new one: the old one is dropped here.
    const result = cached ? reparse(cached.result, text, path) : parse(text, path);
    this.parses.set(path, { text, result });
    return result;
  }
}
