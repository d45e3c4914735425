import { describe, expect, it } from "vitest";
import { TRAINING_KEYS, TRAINING_KEY_NAMES, trainingKey } from "../../compiler/training/keys.js";
import { diagnosticWith, expectClean, expectDiagnostics } from "../support/expect-diagnostics.js";

const MLP = `
model M {
  input x: [784]
  x -> c1: dense(30, activation: relu) -> c2: dense(30, activation: relu) -> dense(10, activation: softmax)
}`;

const train = (lines: string) => `${MLP}
train M {
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
  ${lines.trim()}
}`;

describe("the table of training keys", () => {
  it("lists every key once, with a doc", () => {
    expect(new Set(TRAINING_KEYS.map((k) => k.name)).size).toBe(TRAINING_KEYS.length);
    expect(TRAINING_KEYS.map((k) => k.name)).toEqual([...TRAINING_KEY_NAMES]);
    for (const key of TRAINING_KEYS) expect(key.doc.length).toBeGreaterThan(10);
  });

  it("requires data, loss and optimizer", () => {
    expect(TRAINING_KEYS.filter((k) => k.required).map((k) => k.name)).toEqual(["data", "loss", "optimizer"]);
    expect(TRAINING_KEYS.filter((k) => !k.required && k.name !== "init_from" && k.name !== "folds" && k.name !== "tune").every((k) => k.default)).toBe(true);
  });

  it("looks keys up by name", () => {
    expect(trainingKey("batch_size")?.type).toEqual({ kind: "int", range: { min: 1 } });
    expect(trainingKey("optimiser")).toBeUndefined();
  });
});

describe("training keys", () => {
  it("E102 unknown key with a suggestion and a fix; the key it stands for is not missing", () => {
    const result = expectDiagnostics(`${MLP}
train M {
  data: mnist(flat: true)
  loss: cross_entropy
  optimiser: sgd(lr: 0.1)          // expect: E102 col 3: unknown training key \`optimiser\`
}`);
    const d = diagnosticWith(result, "E102");
    expect(d.help).toBe("did you mean `optimizer`?");
    expect(d.fixes[0].edits[0].newText).toBe("optimizer");
  });

  it("E102 without a close key lists the keys", () => {
    const d = diagnosticWith(expectDiagnostics(train("colour: 3   // expect: E102 col 3: unknown training key `colour`")), "E102");
    expect(d.help).toContain("batch_size");
  });

  it("E101 duplicate key, on the second", () => {
    const d = diagnosticWith(expectDiagnostics(train("epochs: 1\n  epochs: 2   // expect: E101 col 3: the key `epochs` is given twice")), "E101");
    expect(d.labels[0].message).toBe("first given here");
  });

  it("E103 missing data, on the train header", () => {
    const source = `${MLP}
/// A training without data.
train M {                         // expect: E103 col 1: training \`M\` needs the key \`data\`
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
}`;
    const d = diagnosticWith(expectDiagnostics(source), "E103");
    expect(source.slice(d.range.start.offset, d.range.end.offset)).toBe("train M");
    expect(d.message).toContain("`data`");
    expect(d.help).toContain("data: mnist()");
  });

  it("E103 names every missing key at once", () => {
    const d = diagnosticWith(expectDiagnostics(`${MLP}
train run: M {                    // expect: E103 col 1: training \`run\` needs the keys \`loss\` and \`optimizer\`
  data: mnist(flat: true)
}`), "E103");
    expect(d.message).toBe("training `run` needs the keys `loss` and `optimizer`");
  });

  it("checks values with the binder", () => {
    expectDiagnostics(train("batch_size: 1.5   // expect: E104 col 15: expected an integer, found `1.5`, which is not an integer"));
    expectDiagnostics(train("epochs: 0   // expect: E105 col 11: 0 is out of range: expected a value ≥ 1"));
    expectDiagnostics(train('seed: "one"   // expect: E104 col 9: expected an integer, found a string'));
    expectDiagnostics(train("normalize: standardise   // expect: E100 col 14: unknown normalization `standardise`"));
    expectDiagnostics(train("metrics: [accuracy, precision]   // expect: E100 col 23: unknown metric `precision`"));
    expectDiagnostics(train("clip: norm(0)   // expect: E105 col 14: 0 is out of range: expected a value > 0"));
    expectDiagnostics(train("validation: 1.5   // expect: E105 col 15: 1.5 is out of range: expected a value in (0, 1)"));
  });

  it("checks optimizer arguments", () => {
    const opt = (o: string, expect: string) => `${MLP}
train M {
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: ${o}   // expect: ${expect}
}`;
    expectDiagnostics(opt("sgd(lr: 0)", "E105 col 22: 0 is out of range: expected a value > 0"));
    expectDiagnostics(opt("sgd(lr: 0.1, momentum: 1)", "E105 col 37: 1 is out of range: expected a value in [0, 1)"));
    expectDiagnostics(opt("adam(beta1: 1.2)", "E105 col 26: 1.2 is out of range: expected a value in [0, 1)"));
    expectDiagnostics(opt("sgd", "E103 col 14: `sgd` needs the argument `lr` (a number)"));
    const d = diagnosticWith(expectDiagnostics(opt("sgdd(lr: 0.1)", "E100 col 14: unknown optimizer `sgdd`")), "E100");
    expect(d.help).toBe("did you mean `sgd`?");
  });

  it("accepts arithmetic, bare constructors and a single item where a list goes", () => {
    expectClean(train("schedule: on_plateau(monitor: val_accuracy, patience: 10, factor: 0.5, min_lr: 0.03 / 128)\n  metrics: accuracy\n  augment: shift(1)\n  init: he_normal"));
  });

  it("takes one loss or a list of losses, and loss weights as non-negative numbers", () => {
    expectClean(train("").replace("loss: cross_entropy", "loss: [cross_entropy]"));
    expectDiagnostics(train("").replace("loss: cross_entropy", "loss: [cross_entropy, mse, hubber]   // expect: E303 col 9: `loss` lists 3 losses, but model `M` has 1 output (`output`) // expect: E100 col 30: unknown loss `hubber`"));
    expectDiagnostics(train('loss_weights: ["one"]   // expect: E104 col 18: expected a number, found a string'));
  });

  it("reports multistep epochs out of order", () => {
    expectDiagnostics(train("epochs: 30\n  schedule: multistep(at: [20, 10])   // expect: E105 col 32: `multistep` epochs must increase: 10 comes after 20"));
  });

  describe("freeze and reinit", () => {
    it("accepts labels of the model", () => {
      expectClean(train('init_from: "runs/m/model.json"\n  freeze: [c1]\n  reinit: c2'));
    });

    it("E100 for an unknown label, with a suggestion among the model's labels", () => {
      const d = diagnosticWith(expectDiagnostics(train('init_from: "m.json"\n  freeze: [c1, c3]   // expect: E100 col 16: unknown layer label `c3`')), "E100");
      expect(d.message).toBe("unknown layer label `c3`");
      expect(d.help).toMatch(/did you mean `c[12]`\?/);
    });

    it("E100 for the generated name of an unlabelled layer", () => {
      const d = diagnosticWith(expectDiagnostics(train('init_from: "m.json"\n  reinit: [dense_1]   // expect: E100 col 12: `dense_1` is not a label: `reinit` names labelled layers')), "E100");
      expect(d.message).toContain("not a label");
    });

    it("E101 for a label listed twice", () => {
      expectDiagnostics(train('init_from: "m.json"\n  freeze: [c1, c1]   // expect: E101 col 16: `c1` is listed twice in `freeze`'));
    });

    it("does not check init_from for existence", () => {
      expectClean(train('init_from: "does/not/exist.json"'));
    });
  });
});
