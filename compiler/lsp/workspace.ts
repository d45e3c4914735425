/**
 * The open documents and what the checker says about them. Each open document is checked as a root,
 * exactly as `nnc check FILE` would, through a host that reads open documents first and the disk
 * otherwise. Results are cached per document version and thrown away when any open file they read
 * changed. Work is carried from one version to the next: a changed file is reparsed declaration by
 * declaration (`grammar/reparse.ts`), an unchanged `use`d file is never parsed twice, and each
 * document keeps a `CheckCache`, so an edit re-checks only the declarations it touched.
 */
import type { TextDocuments } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { checkProgram, type CheckResult } from "../check/check.js";
import { CheckCache } from "../check/check-cache.js";
import { readSourceFile, type SourceHost, type SourceText } from "../checker/program.js";
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

/**
 * The check of a document threw (a bug in nnc). Kept for the document's version like an analysis, so
 * that requests do not check again and fail again; `logged` once the server has reported it.
 */
export class AnalysisFailed extends Error {
  logged = false;

  constructor(
    readonly uri: string,
    readonly version: number,
    readonly error: unknown,
  ) {
    super(`checking ${uri} (version ${version}) failed: ${error instanceof Error ? error.message : String(error)}`);
    this.name = "AnalysisFailed";
  }
}

/**
 * Test-only: when the server is started with NNC_TEST_THROW_IN_CHECK set, checking an open document
 * whose text contains that string throws, so tests can see what the server does when a check fails.
 * Never set it otherwise.
 */
const THROW_MARKER = process.env.NNC_TEST_THROW_IN_CHECK || undefined;

type Checked = { analysis: Analysis; failure?: undefined } | { analysis?: undefined; failure: AnalysisFailed };

export class Workspace {
  /** Each analysis (or failed check) with what it read: a file's absolute path → the version of its open document, or "disk". */
  private readonly analyses = new Map<string, Checked & { read: ReadonlyMap<string, number | "disk"> }>();
  private readonly parses = new Map<string, { text: string; result: ParseResult }>();
  private readonly caches = new Map<string, CheckCache>();

  constructor(private readonly documents: TextDocuments<TextDocument>) {}

  /**
   * The analysis of an open document at its current version; undefined when it is not open. Throws
   * `AnalysisFailed` when the check threw (the same one until the document or a file it read changes).
   */
  analyze(uri: string): Analysis | undefined {
    const document = this.documents.get(uri);
    if (!document) return undefined;
    const cached = this.analyses.get(uri);
    if (cached && this.isCurrent(cached.read)) {
      if (cached.failure) throw cached.failure;
      return cached.analysis;
    }
    const fresh = this.check(document);
    this.analyses.set(uri, fresh);
    if (fresh.failure) throw fresh.failure;
    return fresh.analysis;
  }

  /** Open documents other than `uri` whose last check read the file of `uri`. */
  dependents(uri: string): string[] {
    const path = absolutePath(uriToPath(uri));
    const result: string[] = [];
    for (const [other, { analysis, read }] of this.analyses) {
      if (other === uri || !this.documents.get(other)) continue;
      // A failed check has no program: what it read stands for it.
      const files = analysis ? [...analysis.result.program.units.keys()].map(absolutePath) : [...read.keys()];
      if (files.includes(path)) result.push(other);
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

  private check(document: TextDocument): Checked & { read: Map<string, number | "disk"> } {
    const read = new Map<string, number | "disk">();
    const parsed = new Set<string>();
    try {
      return { analysis: this.checkDocument(document, read, parsed), read };
    } catch (error) {
      // What the failed check left behind may be half updated: the next check starts afresh.
      this.caches.delete(document.uri);
      for (const path of parsed) this.parses.delete(path);
      if (read.size === 0) read.set(absolutePath(uriToPath(document.uri)), document.version);
      return { failure: new AnalysisFailed(document.uri, document.version, error), read };
    }
  }

  private checkDocument(document: TextDocument, read: Map<string, number | "disk">, parsed: Set<string>): Analysis {
    const openByPath = this.openByPath();
    const host: SourceHost = {
      readFile: (path) => {
        const absolute = absolutePath(path);
        const open = openByPath.get(absolute);
        read.set(absolute, open?.version ?? "disk");
        return open ? open.getText() : this.readDisk(path);
      },
      parse: (text, path) => {
        parsed.add(path);
        return this.parse(text, path);
      },
    };
    if (THROW_MARKER !== undefined && document.getText().includes(THROW_MARKER)) {
      read.set(absolutePath(uriToPath(document.uri)), document.version);
      throw new Error(`test-only failure: the document contains NNC_TEST_THROW_IN_CHECK's marker`);
    }
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
    return analysis;
  }

  /**
   * Files that are not open are read afresh at every check (cheap); their parse is what is cached.
   * Only regular files up to the checker's cap are read: a `use` of a FIFO, a device or a huge file
   * is E107 and never blocks the server.
   */
  private readDisk(path: string): SourceText {
    return readSourceFile(absolutePath(path));
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
