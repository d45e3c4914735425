/**
 * The nnc extension's client: starts nnc's language server for `.nn` files and restarts it on
 * demand. The server comes inside the extension (server/nnc-lsp.js, bundled from nnc's compiler
 * and run with VS Code's own Node), so the extension works alone; `nnc.serverPath` runs another
 * nnc instead. Everything a user sees (diagnostics, hover, completion, formatting…) comes from the
 * server, so the editor and `nnc check` always agree.
 */
import * as vscode from "vscode";
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from "vscode-languageclient/node";

let client: LanguageClient | undefined;

/** The configured nnc executable (`nnc lsp --stdio`), else the server bundled with the extension. */
function serverOptions(context: vscode.ExtensionContext, output: vscode.OutputChannel): ServerOptions {
  const config = vscode.workspace.getConfiguration("nnc");
  const command = config.get<string>("serverPath")?.trim();
  if (command) {
    const args = config.get<string[]>("serverArgs") ?? ["lsp", "--stdio"];
    output.appendLine(`starting ${command} ${args.join(" ")}`);
    return { command, args, options: { shell: process.platform === "win32" } };
  }
  const module = context.asAbsolutePath("server/nnc-lsp.js");
  output.appendLine(`starting the bundled server ${module}`);
  return { module, transport: TransportKind.stdio };
}

function createClient(context: vscode.ExtensionContext, output: vscode.OutputChannel): LanguageClient {
  const config = vscode.workspace.getConfiguration("nnc");
  const options: LanguageClientOptions = {
    documentSelector: [{ language: "nn" }],
    outputChannel: output,
    initializationOptions: { diagnosticsDelay: config.get<number>("diagnosticsDelay") ?? 5 },
    // Data files too: `nnc check` reads their headers (a CSV appearing clears its E107).
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/*") },
  };
  return new LanguageClient("nnc", "nnc language server", serverOptions(context, output), options);
}

async function start(context: vscode.ExtensionContext, output: vscode.OutputChannel): Promise<void> {
  client = createClient(context, output);
  try {
    await client.start();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    output.appendLine(`could not start the server: ${message}`);
    void vscode.window.showErrorMessage(
      `nnc: could not start the language server (${message}). Check "nnc.serverPath", or clear it to use the server that comes with the extension.`,
      "Open settings",
    ).then((choice) => {
      if (choice) void vscode.commands.executeCommand("workbench.action.openSettings", "nnc.serverPath");
    });
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel("nnc");
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand("nnc.restartServer", async () => {
      await client?.stop();
      await start(context, output);
    }),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (!event.affectsConfiguration("nnc")) return;
      await client?.stop();
      await start(context, output);
    }),
  );
  await start(context, output);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
