import { expect } from "vitest";
import { DataError } from "../../runtime/data/examples.js";

/** The message of the DataError `f` throws; fails the test when it throws anything else or nothing. */
export function dataErrorOf(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(DataError);
    return (error as Error).message;
  }
  throw new Error("expected a DataError");
}
