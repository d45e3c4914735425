/** `nnc lsp --stdio`: runs the language server, speaking LSP on stdin and stdout. */
import { parseOptions, UsageError, type CommandIO } from "./io.js";

export async function runLsp(args: string[], _io: CommandIO): Promise<number> {
  const { values, positionals } = parseOptions(args, { stdio: { type: "boolean" } });
  if (!values.stdio || positionals.length > 0) throw new UsageError("the only transport is stdio: run `nnc lsp --stdio`");
  const { startStdioServer } = await import("../lsp/server.js");
  startStdioServer();
  // The server answers until the editor sends `exit` (which ends the process); never return before that.
  return new Promise<number>(() => {});
}
