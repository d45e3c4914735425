import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runFolderName } from "../../../runtime/run/folder-name.js";
import { checkWithoutData, diagnosticWith, expectClean, expectDiagnostics } from "../support/without-data-files.js";

const MODEL = `
model M {
  input x: [784]
  x -> dense(10, activation: softmax)
}`;

const train = (head: string) => `train ${head} { data: mnist(flat: true) loss: cross_entropy optimizer: sgd(lr: 0.1) }`;

describe("E101 two trainings of a file would write one run folder", () => {
  it("reports my_run and myRun (both runs/my_run/), on the later one, naming both and suggesting a free label", () => {
    const source = `${MODEL}
${train("my_run: M")}
${train("myRun: M")}   // expect: E101 col 7: trainings \`my_run\` and \`myRun\` would both write the run folder \`runs/my_run/\`
`;
    const d = diagnosticWith(expectDiagnostics(source), "E101");
    expect(d.message).toBe("trainings `my_run` and `myRun` would both write the run folder `runs/my_run/`");
    expect(source.slice(d.range.start.offset, d.range.end.offset)).toBe("myRun");
    expect(d.labels.map((l) => [source.slice(l.range.start.offset, l.range.end.offset), l.message])).toEqual([["my_run", "`my_run` writes `runs/my_run/`"]]);
    expect(d.help).toBe("give this training a label of its own, e.g. `train myRun2: M { … }`");
  });

  it("reports labels that differ in case, a leading underscore, or a label against an unlabelled training of its model", () => {
    expectDiagnostics(`${MODEL}
${train("net: M")}
${train("Net: M")}   // expect: E101 col 7: trainings \`net\` and \`Net\` would both write the run folder \`runs/net/\`
${train("_net: M")}   // expect: E101 col 7: trainings \`net\` and \`_net\` would both write the run folder \`runs/net/\`
`);
    expectDiagnostics(`${MODEL}
${train("M")}
${train("m: M")}   // expect: E101 col 7: trainings \`M\` and \`m\` would both write the run folder \`runs/m/\`
`);
  });

  it("the suggested label's folder is free, even when the obvious one is taken", () => {
    const d = diagnosticWith(
      expectDiagnostics(`${MODEL}
${train("run: M")}
${train("run2: M")}
${train("Run: M")}   // expect: E101 col 7: trainings \`run\` and \`Run\` would both write the run folder \`runs/run/\`
`),
      "E101",
    );
    expect(d.help).toContain("`train Run3: M { … }`");
  });

  it("accepts trainings whose folders differ, and does not report twice a label that is already E101", () => {
    expectClean(`${MODEL}
${train("fast: M")}
${train("slow: M")}
${train("my_run: M")}
`);
    // The same label twice is the checker's E101 (used twice), reported once.
    const result = checkWithoutData(`${MODEL}
${train("a: M")}
${train("a: M")}
`);
    expect(result.diagnostics.map((d) => [d.code, d.message])).toEqual([["E101", "training label `a` is used twice"]]);
  });

  it("reports a pair exactly when runFolderName gives them one folder (the runtime's function)", () => {
    const LABELS = ["a", "A", "my_run", "myRun", "MyRun", "my__run", "_a", "a_", "x1", "X1", "x_1", "deepBn", "deep_bn", "DeepBN"];
    fc.assert(
      fc.property(fc.uniqueArray(fc.constantFrom(...LABELS), { minLength: 2, maxLength: 4 }), (labels) => {
        const result = checkWithoutData(`${MODEL}\n${labels.map((l) => train(`${l}: M`)).join("\n")}\n`);
        const reported = result.diagnostics.filter((d) => d.code === "E101").length;
        const folders = labels.map(runFolderName);
        const expected = folders.filter((f, i) => folders.indexOf(f) !== i).length;
        expect(reported, labels.join(", ")).toBe(expected);
      }),
      { numRuns: 60 },
    );
  });
});
