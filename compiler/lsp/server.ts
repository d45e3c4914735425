/**
 * The language server: `nnc lsp --stdio`. A thin adapter over the checker — every answer comes from
 * the `Analysis` of the document's current version (`workspace.ts`), which is the result of
 * `checkProgram`, the function behind `nnc check`.
 *
 * Diagnostics are pushed after every change, debounced (see `QUICK_CHECK_MS`) so that a burst of edits is checked once, for
 * the changed document and for every open document that reads it through `use`. Requests are
 * answered in order after the edits that precede them, so they always see the current text. A
 * failure inside a handler is logged ("nnc internal error") and answered with an empty result: the
 * server never stops answering. A check that fails is published as one E000 diagnostic, so the editor
 * never keeps the diagnostics of an earlier version. Requests with malformed parameters (a missing
 * or null position, range, document, …) are answered with the protocol's InvalidParams error.
 */
import {
  CodeActionKind,
  ErrorCodes,
  ProposedFeatures,
  ResponseError,
  TextDocumentSyncKind,
  TextDocuments,
  createConnection,
  type CancellationToken,
  type Connection,
  type Diagnostic as LspDiagnostic,
  type InitializeResult,
  type Position,
  type Range,
} from "vscode-languageserver/node.js";
import { performance } from "node:perf_hooks";
import { TextDocument } from "vscode-languageserver-textdocument";
import { codeActions } from "./code-actions.js";
import { completions } from "./completion.js";
import { definition, prepareRename, references, rename } from "./definitions.js";
import { documentDiagnostics, internalErrorDiagnostics } from "./diagnostics.js";
import { formatDocument } from "./formatting.js";
import { hover } from "./hover.js";
import { inlayHints } from "./inlay-hints.js";
import { signatureHelp } from "./signature-help.js";
import { documentSymbols } from "./symbols.js";
import { uriToPath } from "./paths.js";
import { AnalysisFailed, Workspace, type Analysis } from "./workspace.js";

export interface ServerOptions {
  /** Milliseconds to wait after an edit before checking, so a burst of edits is checked once. */
  readonly diagnosticsDelay?: number;
}

/**
 * When the editor does not choose a delay, the server waits after an edit as long as the last check
 * took, but not at all while checks take under this: a check that fast costs less than waiting
 * would save, while typing in a file that is slow to check is still checked once per burst.
 */
const QUICK_CHECK_MS = 50;
/** The longest the server waits after an edit when checks are slow. */
const MAX_DELAY_MS = 250;

/** The protocol's refusal of malformed parameters. */
function invalidParams(what: string): ResponseError<void> {
  return new ResponseError(ErrorCodes.InvalidParams, `invalid params: ${what}`);
}

function field(params: unknown, name: string): unknown {
  return typeof params === "object" && params !== null ? (params as Record<string, unknown>)[name] : undefined;
}

/** `params.textDocument.uri`, or InvalidParams. */
function documentUri(params: unknown): string {
  const uri = field(field(params, "textDocument"), "uri");
  if (typeof uri !== "string") throw invalidParams("`textDocument.uri` must be a string");
  return uri;
}

/** A position: two non-negative integers (a line or character past the end is clamped later). */
function checkPosition(value: unknown, name: string): Position {
  const line = field(value, "line");
  const character = field(value, "character");
  if (!Number.isInteger(line) || !Number.isInteger(character) || (line as number) < 0 || (character as number) < 0) {
    throw invalidParams(`\`${name}\` must be a position { line, character } of non-negative integers`);
  }
  return { line: line as number, character: character as number };
}

/** `params.position`, or InvalidParams. */
function position(params: unknown): Position {
  return checkPosition(field(params, "position"), "position");
}

/** `params.range`, or InvalidParams. */
function range(params: unknown): Range {
  const value = field(params, "range");
  return { start: checkPosition(field(value, "start"), "range.start"), end: checkPosition(field(value, "end"), "range.end") };
}

/** Starts the server on stdin/stdout and serves until the editor exits. */
export function startStdioServer(): void {
  const connection = createConnection(ProposedFeatures.all, process.stdin, process.stdout);
  serve(connection);
  connection.listen();
}

/** Registers every handler on `connection`. */
export function serve(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const workspace = new Workspace(documents);
  let fixedDelay: number | undefined;
  let lastCheckMs = 0;
  const checked = new Set<string>();
  const pending = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;

  /** Logs a failure once ("nnc internal error …": a bug to report). */
  const logFailure = (what: string, error: unknown): void => {
    if (error instanceof AnalysisFailed) {
      if (error.logged) return;
      error.logged = true;
      what = `the check of ${error.uri} (version ${error.version})`;
      error = error.error;
    }
    connection.console.error(`nnc internal error in ${what}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  };

  /** Runs `work`, turning an exception into a log line and `fallback`: one bad request must not stop the server. */
  const guard = <T>(what: string, fallback: T, work: () => T): T => {
    try {
      return work();
    } catch (error) {
      // A refusal meant for the editor (an invalid new name, malformed parameters) is an answer, not a failure.
      if (error instanceof ResponseError) throw error;
      logFailure(what, error);
      return fallback;
    }
  };

  /**
   * Publishes the diagnostics of each pending document's current version. Whatever happens, the
   * editor gets diagnostics for that version: when the check (or converting its result) throws, one
   * E000 diagnostic at the start of the file replaces the previous version's.
   */
  const publish = (): void => {
    timer = undefined;
    const uris = [...pending];
    pending.clear();
    // The guard is the last resort: a failure even in making the E000 must not stop the other documents.
    for (const uri of uris) guard("diagnostics", undefined, () => publishOne(uri));
  };

  const publishOne = (uri: string): void => {
    const document = documents.get(uri);
    if (!document) return;
    const started = performance.now();
    let version = document.version;
    let diagnostics: LspDiagnostic[];
    try {
      const analysis = workspace.analyze(uri);
      if (!analysis) return;
      version = analysis.version;
      diagnostics = documentDiagnostics(analysis);
    } catch (error) {
      logFailure("diagnostics", error);
      diagnostics = internalErrorDiagnostics(uriToPath(uri), error instanceof AnalysisFailed ? error.error : error);
    }
    void connection.sendDiagnostics({ uri, version, diagnostics });
    // The first check of a document starts from nothing; the delay follows the checks of edits.
    if (checked.has(uri)) lastCheckMs = performance.now() - started;
    checked.add(uri);
  };

  const schedule = (uri: string): void => {
    pending.add(uri);
    for (const other of guard("dependents", [], () => workspace.dependents(uri))) pending.add(other);
    if (timer) clearTimeout(timer);
    timer = setTimeout(publish, fixedDelay ?? (lastCheckMs < QUICK_CHECK_MS ? 0 : Math.min(lastCheckMs, MAX_DELAY_MS)));
  };

  /** The analyses of the other open documents; those whose check failed are left out. */
  const otherAnalyses = (uri: string): Analysis[] =>
    documents
      .all()
      .filter((d) => d.uri !== uri)
      .flatMap((d) => {
        try {
          return workspace.analyze(d.uri) ?? [];
        } catch (error) {
          if (!(error instanceof AnalysisFailed)) throw error;
          logFailure("another document", error);
          return [];
        }
      });

  connection.onInitialize((params): InitializeResult => {
    const options = params.initializationOptions as ServerOptions | undefined;
    if (typeof options?.diagnosticsDelay === "number" && options.diagnosticsDelay >= 0) fixedDelay = options.diagnosticsDelay;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: false },
        hoverProvider: true,
        completionProvider: { triggerCharacters: [">", ":", "(", ",", "["] },
        signatureHelpProvider: { triggerCharacters: ["(", ","], retriggerCharacters: [":"] },
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        documentSymbolProvider: true,
        documentFormattingProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        inlayHintProvider: true,
      },
      serverInfo: { name: "nnc", version: "0.1.0" },
    };
  });

  documents.onDidOpen((e) => schedule(e.document.uri));
  documents.onDidChangeContent((e) => schedule(e.document.uri));
  documents.onDidClose((e) => {
    const uri = e.document.uri;
    // The files that read the closed one now read it from the disk.
    const affected = guard("dependents", [], () => workspace.dependents(uri));
    pending.delete(uri);
    checked.delete(uri);
    workspace.close(uri);
    void connection.sendDiagnostics({ uri, diagnostics: [] });
    for (const other of affected) schedule(other);
  });
  connection.onDidChangeWatchedFiles(() => {
    workspace.diskChanged();
    for (const document of documents.all()) schedule(document.uri);
  });

  const offsetIn = (analysis: Analysis, position: Position): number => analysis.lines.offsetAt(position);

  /**
   * Answers a request about one document from its current analysis; `fallback` when the document is
   * not open, the request was cancelled, its check failed (published as E000), or the handler failed.
   * Malformed parameters are refused with InvalidParams before any work.
   */
  const answer = <T>(what: string, fallback: T, params: unknown, token: CancellationToken | undefined, work: (analysis: Analysis) => T): T => {
    const uri = documentUri(params);
    return guard(what, fallback, () => {
      let analysis: Analysis | undefined;
      try {
        analysis = workspace.analyze(uri);
      } catch (error) {
        if (!(error instanceof AnalysisFailed)) throw error;
        logFailure(what, error);
        return fallback;
      }
      return analysis && !token?.isCancellationRequested ? work(analysis) : fallback;
    });
  };

  // Parameters are checked before any work: a malformed request is refused, never logged as a failure.
  connection.onHover((params, token) => {
    const at = position(params);
    return answer("hover", null, params, token, (a) => hover(a, offsetIn(a, at)));
  });
  connection.onCompletion((params, token) => {
    const at = position(params);
    return answer("completion", [], params, token, (a) => completions(a, offsetIn(a, at)));
  });
  connection.onSignatureHelp((params, token) => {
    const at = position(params);
    return answer("signature help", null, params, token, (a) => signatureHelp(a, offsetIn(a, at)));
  });
  connection.onDefinition((params, token) => {
    const at = position(params);
    return answer("definition", null, params, token, (a) => definition(a, offsetIn(a, at)));
  });
  connection.onReferences((params, token) => {
    const at = position(params);
    const context = field(params, "context");
    if (typeof context !== "object" || context === null || typeof (context as { includeDeclaration?: unknown }).includeDeclaration !== "boolean") {
      throw invalidParams("`context.includeDeclaration` must be a boolean");
    }
    const includeDeclaration = (context as { includeDeclaration: boolean }).includeDeclaration;
    return answer("references", [], params, token, (a) => references(a, otherAnalyses(a.uri), offsetIn(a, at), includeDeclaration));
  });
  connection.onPrepareRename((params, token) => {
    const at = position(params);
    return answer("prepare rename", null, params, token, (a) => prepareRename(a, offsetIn(a, at)));
  });
  connection.onRenameRequest((params, token) => {
    const at = position(params);
    const newName = field(params, "newName");
    if (typeof newName !== "string") throw invalidParams("`newName` must be a string");
    return answer("rename", null, params, token, (a) => rename(a, otherAnalyses(a.uri), offsetIn(a, at), newName));
  });
  connection.onDocumentSymbol((params, token) => answer("document symbols", [], params, token, documentSymbols));
  connection.onDocumentFormatting((params, token) => answer("formatting", [], params, token, (a) => formatDocument(a.text, a.path)));
  connection.onCodeAction((params, token) => {
    const { start, end } = range(params);
    return answer("code actions", [], params, token, (a) => codeActions(a, offsetIn(a, start), offsetIn(a, end)));
  });
  connection.languages.inlayHint.on((params, token) => {
    const { start, end } = range(params);
    return answer("inlay hints", [], params, token, (a) => inlayHints(a, offsetIn(a, start), offsetIn(a, end)));
  });

  documents.listen(connection);
}
