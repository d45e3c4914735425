import { describe, it } from "vitest";
import { expectClean, expectDiagnostics } from "../support/without-data-files.js";
import { MLP, train } from "./settings-fixtures.js";

describe("E303 freeze and reinit", () => {
  it("reports freeze and reinit without init_from", () => {
    expectDiagnostics(
      MLP +
        train(
          "freeze: [h]   // expect: E303 col 11: `freeze` applies to weights loaded with `init_from`, but the training loads none\n  reinit: [out]   // expect: E303 col 11: `reinit` applies to weights loaded with `init_from`, but the training loads none",
        ),
    );
    expectClean(MLP + train('init_from: "runs/m/model.json"\n  freeze: [h]\n  reinit: [out]'));
  });

  it("reports a layer both frozen and re-initialised", () => {
    // Freezing both layers also leaves nothing to train (the something-to-train rule).
    expectDiagnostics(
      MLP +
        train(
          'init_from: "m.json"\n  freeze: [h, out]   // expect: E303 col 11: every layer with weights is frozen: nothing would train\n  reinit: [out]   // expect: E303 col 12: `out` is both frozen and re-initialised: its fresh random weights would never train',
        ),
    );
    expectClean(MLP + train('init_from: "m.json"\n  reinit: [h, out]'));
  });
});
