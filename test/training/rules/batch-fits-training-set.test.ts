import { describe, it } from "vitest";
import { expectClean, expectDiagnostics } from "../support/without-data-files.js";
import { MLP, train } from "./settings-fixtures.js";

describe("E303 a batch larger than the training set", () => {
  it("reports a batch larger than the training set", () => {
    expectDiagnostics(MLP + train("batch_size: 200   // expect: E303 col 15: a batch of 200 is larger than the 100 training examples", "mnist(flat: true, train: 100)"));
  });

  it("accepts a batch of the whole training set", () => {
    expectClean(MLP + train("batch_size: 100", "mnist(flat: true, train: 100)"));
  });
});
