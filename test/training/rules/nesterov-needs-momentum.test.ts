import { describe, it } from "vitest";
import { expectClean, expectDiagnostics } from "../support/without-data-files.js";
import { MLP } from "./settings-fixtures.js";

const trainWith = (optimizer: string, expect = "") => `${MLP}
train M {
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: ${optimizer}${expect ? `   // expect: ${expect}` : ""}
}`;

describe("E303 Nesterov without momentum", () => {
  it("reports nesterov with no momentum", () => {
    expectDiagnostics(trainWith("sgd(lr: 0.1, nesterov: true)", "E303 col 37: Nesterov's method is a kind of momentum, but `momentum` is 0"));
    expectDiagnostics(trainWith("sgd(lr: 0.1, momentum: 0, nesterov: true)", "E303 col 50: Nesterov's method is a kind of momentum, but `momentum` is 0"));
  });

  it("accepts nesterov with momentum, and momentum alone", () => {
    expectClean(trainWith("sgd(lr: 0.1, momentum: 0.9, nesterov: true)"));
    expectClean(trainWith("sgd(lr: 0.1)"));
  });
});
