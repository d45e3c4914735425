/**
 * `nnc board [DIR] [--port P] [--host H]`: serves the runs under DIR (default `runs/`) as a web page
 * with live learning curves, and keeps running until Ctrl-C. Prints the page's address on stdout.
 * Exit 1 when DIR is not a folder or the port cannot be used, 2 for a usage error, 130 after Ctrl-C
 * (143 after SIGTERM), as `nnc train` and `nnc worker` stopped by a signal.
 */
import { BoardFolderError, BoardPortError, startBoard, type Board } from "../../runtime/board/server.js";
import { exitCodeOf, onStopSignals } from "../../runtime/session/stop-signals.js";
import { parseOptions, UsageError, type CommandIO } from "./io.js";

/** TensorBoard's port plus one, so both can run side by side. */
export const DEFAULT_BOARD_PORT = 6007;

function portOption(value: string | undefined): number {
  if (value === undefined) return DEFAULT_BOARD_PORT;
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new UsageError(`--port must be a port number from 0 to 65535 (0 picks a free one), not \`${value}\``);
  return Number(value);
}

/**
 * Starts the board and resolves with it once it listens; the command's own entry point waits for
 * Ctrl-C after this. Tests call it directly.
 */
export async function openBoard(args: string[], io: CommandIO): Promise<Board | number> {
  const { values, positionals } = parseOptions(args, { port: { type: "string" }, host: { type: "string" } });
  if (positionals.length > 1) throw new UsageError(`takes one folder of runs, got ${positionals.length} (${positionals.join(", ")})`);
  const host = values.host as string | undefined;
  if (host !== undefined && host.trim() === "") throw new UsageError("--host needs an address, e.g. 127.0.0.1 or 0.0.0.0");
  const port = portOption(values.port as string | undefined);
  try {
    const board = await startBoard({ dir: positionals[0] ?? "runs", port, ...(host !== undefined ? { host } : {}) });
    io.stdout(`nnc board: ${board.url}\n`);
    if (host !== undefined && !["127.0.0.1", "localhost", "::1"].includes(host)) {
      io.stderr(`note: listening on ${host}: anyone who can reach this address can read the runs' settings and metrics\n`);
    }
    io.stderr("Press Ctrl-C to stop.\n");
    return board;
  } catch (error) {
    if (error instanceof BoardFolderError || error instanceof BoardPortError) {
      io.stderr(`error: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

export async function runBoard(args: string[], io: CommandIO): Promise<number> {
  // Listening from before the address is printed: whoever waits for it may stop the board at once.
  // A second signal while the server closes ends the process.
  let wake = () => {};
  const signals = onStopSignals(() => wake());
  try {
    const board = await openBoard(args, io);
    if (typeof board === "number") return board;
    if (signals.received === null) await new Promise<void>((resolveStop) => (wake = resolveStop));
    await board.close();
    return exitCodeOf(signals.received ?? "SIGINT");
  } finally {
    signals.release();
  }
}
