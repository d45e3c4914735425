/**
 * The one way every long-running nnc command (train, worker, board, compile --watch) treats Ctrl-C
 * (SIGINT) and SIGTERM: the first asks the command to stop in its own graceful way (a training
 * saves its last epoch, a worker hands its job back, the board closes its server); a second quits
 * at once, as a program that ignored the first would be killed anyway. Either way the exit code is
 * the shell's convention for the signal.
 */

/** The shell's convention: 128 + the signal's number (SIGINT 2 → 130, SIGTERM 15 → 143). */
export function exitCodeOf(signal: string): number {
  return signal === "SIGTERM" ? 143 : 130;
}

export interface StopSignals {
  /** The first signal received, or null. */
  readonly received: NodeJS.Signals | null;
  /** Removes the listeners: Node's own handling of the signals is back. */
  release(): void;
}

/**
 * Listens for SIGINT and SIGTERM until released. The first calls `stop`; a later one calls `again`
 * (a last line to say) and then `exit` with the signal's code (process.exit unless a test passes its own).
 */
export function onStopSignals(
  stop: (signal: NodeJS.Signals) => void,
  options: { readonly again?: (signal: NodeJS.Signals) => void; readonly exit?: (code: number) => void } = {},
): StopSignals {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let received: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    if (received === null) {
      received = signal;
      stop(signal);
      return;
    }
    options.again?.(signal);
    exit(exitCodeOf(signal));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    get received() {
      return received;
    },
    release: () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}
