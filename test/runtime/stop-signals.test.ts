import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { exitCodeOf, onStopSignals } from "../../runtime/session/stop-signals.js";

/** What the listener installed last for `name` does with a signal (as Node calls it). */
const handlerOf = (name: NodeJS.Signals) => process.listeners(name).at(-1) as (signal: NodeJS.Signals) => void;

describe("stop signals (every long-running command's Ctrl-C and SIGTERM)", () => {
  it("the first signal stops gracefully, once; every later one says its line and exits with its code", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom<NodeJS.Signals>("SIGINT", "SIGTERM"), { minLength: 1, maxLength: 6 }), (sequence) => {
        const stops: NodeJS.Signals[] = [];
        const agains: NodeJS.Signals[] = [];
        const exits: number[] = [];
        const signals = onStopSignals((s) => stops.push(s), { again: (s) => agains.push(s), exit: (code) => exits.push(code) });
        try {
          for (const signal of sequence) handlerOf(signal)(signal);
          expect(stops).toEqual([sequence[0]]);
          expect(signals.received).toBe(sequence[0]);
          expect(agains).toEqual(sequence.slice(1));
          expect(exits).toEqual(sequence.slice(1).map((s) => (s === "SIGTERM" ? 143 : 130)));
        } finally {
          signals.release();
        }
      }),
    );
  });

  it("release gives the signals back to Node; nothing was received until a signal came", () => {
    const before = { int: process.listenerCount("SIGINT"), term: process.listenerCount("SIGTERM") };
    const signals = onStopSignals(() => {});
    expect(process.listenerCount("SIGINT")).toBe(before.int + 1);
    expect(process.listenerCount("SIGTERM")).toBe(before.term + 1);
    expect(signals.received).toBeNull();
    signals.release();
    expect(process.listenerCount("SIGINT")).toBe(before.int);
    expect(process.listenerCount("SIGTERM")).toBe(before.term);
  });

  it("exit codes follow the shell: 128 + the signal's number", () => {
    expect(exitCodeOf("SIGINT")).toBe(128 + 2);
    expect(exitCodeOf("SIGTERM")).toBe(128 + 15);
  });
});
