/**
 * The language server: `nnc lsp --stdio`. A thin adapter over the checker — every answer comes from
 * the `Analysis` of the document's current version (`workspace.ts`), which is the result of
 * `checkProgram`, the function behind `nnc check`.
 *
 * Diagnostics are pushed after every change, debounced (see `QUICK_CHECK_MS`) so that a burst of edits is checked once, for
 * the changed document and for every open document that reads it through `use`. Requests are
 * answered in order after the edits that precede them, so they always see the current text. A
 * failure inside a handler is logged ("nnc internal error") and answered with an empty result: the
 * server never stops answering.
 */
import {
  CodeActionKind,
  ProposedFeatures,
  ResponseError,
  TextDocumentSyncKind,
  TextDocuments,
  createConnection,
  type CancellationToken,
  type Connection,
  type InitializeResult,
  type Position,
} from "vscode-languageserver/node.js";
import { performance } from "node:perf_hooks";
import { TextDocument } from "vscode-languageserver-textdocument";
import { codeActions } from "./code-actions.js";
import { completions } from "./completion.js";
import { definition, prepareRename, references, rename } from "./definitions.js";
import { documentDiagnostics } from "./diagnostics.js";
import { formatDocument } from "./formatting.js";
import { hover } from "./hover.js";
import { inlayHints } from "./inlay-hints.js";
import { signatureHelp } from "./signature-help.js";
import { documentSymbols } from "./symbols.js";
import { Workspace, type Analysis } from "./workspace.js";

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

  /** Runs `work`, turning an exception into a log line and `fallback`: one bad request must not stop the server. */
  const guard = <T>(what: string, fallback: T, work: () => T): T => {
    try {
      return work();
    } catch (error) {
      // A refusal meant for the editor (an invalid new name) is an answer, not a failure.
      if (error instanceof ResponseError) throw error;
      connection.console.error(`nnc internal error in ${what}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return fallback;
    }
  };

  const publish = (): void => {
    timer = undefined;
    const uris = [...pending];
    pending.clear();
    for (const uri of uris) {
      guard("diagnostics", undefined, () => {
        const started = performance.now();
        const analysis = workspace.analyze(uri);
        if (analysis) void connection.sendDiagnostics({ uri, version: analysis.version, diagnostics: documentDiagnostics(analysis) });
        // The first check of a document starts from nothing; the delay follows the checks of edits.
        if (checked.has(uri)) lastCheckMs = performance.now() - started;
        checked.add(uri);
      });
    }
  };

  const schedule = (uri: string): void => {
    pending.add(uri);
    for (const other of guard("dependents", [], () => workspace.dependents(uri))) pending.add(other);
    if (timer) clearTimeout(timer);
    timer = setTimeout(publish, fixedDelay ?? (lastCheckMs < QUICK_CHECK_MS ? 0 : Math.min(lastCheckMs, MAX_DELAY_MS)));
  };

  const otherAnalyses = (uri: string): Analysis[] =>
    documents
      .all()
      .filter((d) => d.uri !== uri)
      .flatMap((d) => workspace.analyze(d.uri) ?? []);

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
   * not open, the request was cancelled, or the handler failed.
   */
  const answer = <T>(what: string, fallback: T, uri: string, token: CancellationToken, work: (analysis: Analysis) => T): T =>
    guard(what, fallback, () => {
      const analysis = workspace.analyze(uri);
      return analysis && !token.isCancellationRequested ? work(analysis) : fallback;
    });

  connection.onHover(({ textDocument, position }, token) => answer("hover", null, textDocument.uri, token, (a) => hover(a, offsetIn(a, position))));
  connection.onCompletion(({ textDocument, position }, token) => answer("completion", [], textDocument.uri, token, (a) => completions(a, offsetIn(a, position))));
  connection.onSignatureHelp(({ textDocument, position }, token) => answer("signature help", null, textDocument.uri, token, (a) => signatureHelp(a, offsetIn(a, position))));
  connection.onDefinition(({ textDocument, position }, token) => answer("definition", null, textDocument.uri, token, (a) => definition(a, offsetIn(a, position))));
  connection.onReferences(({ textDocument, position, context }, token) =>
    answer("references", [], textDocument.uri, token, (a) => references(a, otherAnalyses(a.uri), offsetIn(a, position), context.includeDeclaration)),
  );
  connection.onPrepareRename(({ textDocument, position }, token) => answer("prepare rename", null, textDocument.uri, token, (a) => prepareRename(a, offsetIn(a, position))));
  connection.onRenameRequest(({ textDocument, position, newName }, token) =>
    answer("rename", null, textDocument.uri, token, (a) => rename(a, otherAnalyses(a.uri), offsetIn(a, position), newName)),
  );
  connection.onDocumentSymbol(({ textDocument }, token) => answer("document symbols", [], textDocument.uri, token, documentSymbols));
  connection.onDocumentFormatting(({ textDocument }, token) => answer("formatting", [], textDocument.uri, token, (a) => formatDocument(a.text, a.path)));
  connection.onCodeAction(({ textDocument, range }, token) =>
    answer("code actions", [], textDocument.uri, token, (a) => codeActions(a, offsetIn(a, range.start), offsetIn(a, range.end))),
  );
  connection.languages.inlayHint.on(({ textDocument, range }, token) =>
    answer("inlay hints", [], textDocument.uri, token, (a) => inlayHints(a, offsetIn(a, range.start), offsetIn(a, range.end))),
  );

  documents.listen(connection);
}
