/**
 * The nnc extension's client: starts `nnc lsp --stdio` for `.nn` files and restarts it on demand.
 * Everything a user sees (diagnostics, hover, completion, formatting…) comes from the server, so
 * the editor and `nnc check` always agree.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import * as vscode from "vscode";
import { LanguageClient, type LanguageClientOptions, type ServerOptions } from "vscode-languageclient/node";

let client: LanguageClient | undefined;

/** The configured nnc, else the first workspace folder's local install, else `nnc` on PATH. */
function serverCommand(): string {
  const configured = vscode.workspace.getConfiguration("nnc").get<string>("serverPath")?.trim();
  if (configured) return configured;
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const local = join(folder.uri.fsPath, "node_modules", ".bin", process.platform === "win32" ? "nnc.cmd" : "nnc");
    if (existsSync(local)) return local;
  }
  return "nnc";
}

function createClient(output: vscode.OutputChannel): LanguageClient {
  const config = vscode.workspace.getConfiguration("nnc");
  const command = serverCommand();
  const args = config.get<string[]>("serverArgs") ?? ["lsp", "--stdio"];
  const server: ServerOptions = { command, args, options: { shell: process.platform === "win32" } };
  const options: LanguageClientOptions = {
    documentSelector: [{ language: "nn" }],
    outputChannel: output,
    initializationOptions: { diagnosticsDelay: config.get<number>("diagnosticsDelay") ?? 5 },
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/*.nn") },
  };
  output.appendLine(`starting ${command} ${args.join(" ")}`);
  return new LanguageClient("nnc", "nnc language server", server, options);
}

async function start(output: vscode.OutputChannel): Promise<void> {
  client = createClient(output);
  try {
    await client.start();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    output.appendLine(`could not start the server: ${message}`);
    void vscode.window.showErrorMessage(
      `nnc: could not start the language server (${message}). Install nnc in the workspace (npm install nnc) or set "nnc.serverPath".`,
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
      await start(output);
    }),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (!event.affectsConfiguration("nnc")) return;
      await client?.stop();
      await start(output);
    }),
  );
  await start(output);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
