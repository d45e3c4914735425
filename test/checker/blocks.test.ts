import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkSource } from "../../compiler/check/check.js";
import { shapeToString } from "../../compiler/shapes/shape.js";
import { diagnosticWith, expectClean, expectDiagnostics } from "../support/expect-diagnostics.js";

const shapes = (result: ReturnType<typeof expectClean>, model = 0) =>
  result.models[model].layers.map((l) => (l.output ? shapeToString(l.output.shape) : "?"));

describe("blocks", () => {
  it("binds generic dimensions afresh at each call", () => {
    const result = expectClean(`
block Residual(x: [H, W, C]) -> [H, W, C] {
  let h = x -> conv2d(C, kernel: 3, padding: same) -> batchnorm -> relu
  relu(h + x)
}
model Net {
  input image: [28, 28, 1]
  image -> conv2d(16, kernel: 3, padding: same) -> Residual -> maxpool(2) -> Residual -> global_avgpool
}`);
    expect(shapes(result)).toEqual([
      "[28, 28, 16]", "[28, 28, 16]", "[28, 28, 16]", "[28, 28, 16]", "[28, 28, 16]", "[28, 28, 16]",
      "[14, 14, 16]", "[14, 14, 16]", "[14, 14, 16]", "[14, 14, 16]", "[14, 14, 16]", "[14, 14, 16]", "[16]",
    ]);
  });

  it("reports the call line for layers made inside a block", () => {
    const result = expectClean(`
block ConvPool(x, filters: int, kernel: int = 5) {
  x -> conv2d(filters, kernel: kernel, activation: relu) -> maxpool(2)
}
model Net {
  input image: [28, 28, 1]
  image
    -> ConvPool(20)
    -> ConvPool(40, kernel: 3)
}`);
    expect(result.models[0].layers.map((l) => [l.site.range.start.line, l.definedAt.range.start.line])).toEqual([
      [8, 3], [8, 3], [9, 3], [9, 3],
    ]);
    expect(shapes(result)).toEqual(["[24, 24, 20]", "[12, 12, 20]", "[10, 10, 40]", "[5, 5, 40]"]);
  });

  it("E204 when the body does not give the declared result, on the body's last expression", () => {
    const result = expectDiagnostics(`
block Keep(x: [H, W, C]) -> [H, W, C] {
  x -> conv2d(C, kernel: 3)              // expect: E204 col 3: block \`Keep\` declares the result [H, W, C], but its body gives [26, 26, 1]
}
model M {
  input image: [28, 28, 1]
  image -> Keep -> flatten -> dense(10, activation: softmax)
}`);
    const d = diagnosticWith(result, "E204");
    expect(d.message).toContain("[26, 26, 1]");
    expect(d.labels[0].message).toContain("[28, 28, 1]");
  });

  it("E204 when the argument's rank does not fit the parameter", () => {
    expectDiagnostics(`
block Image(x: [H, W, C]) { x -> flatten }
model M {
  input v: [784]
  v -> Image                             // expect: E204 col 8: \`Image\` expects \`x\` of shape [H, W, C] (rank 3), but gets [784] (rank 1)
}`);
  });

  it("E205 when one symbol would take two sizes", () => {
    expectDiagnostics(`
block Pair(a: [N, D], b: [N, D]) { concat(a, b) }
model M {
  input x: [10, 4]
  input y: [12, 4]
  Pair(x, y)                             // expect: E205 col 11: \`N\` would be both 10 and 12 in this call of \`Pair\`
}`);
  });

  it("E106 for a block that calls itself", () => {
    expectDiagnostics(`
block Loop(x) { x -> Loop }              // expect: E106 col 22: block \`Loop\` calls itself: Loop → Loop
model M { input x: [4]  x -> Loop }
`);
  });

  it("E106 for a block that calls itself, called by no model", () => {
    expectDiagnostics(`block R(x) { x -> dense(2) -> R }    // expect: E106 col 31: block \`R\` calls itself: R → R`);
  });

  it("E106 once for each cycle, not only the first one a model meets", () => {
    expectDiagnostics(`
block P(x) { x -> Q }
block Q(x) { x -> P -> P }               // expect: E106 col 19: block \`P\` calls itself: P → Q → P
block R(x) { R(x) }                      // expect: E106 col 14: block \`R\` calls itself: R → R
model M { input x: [4]  x -> P -> R }
`);
  });

  it("checks a block no model calls, as far as can be done without shapes", () => {
    // A file of blocks (a library): its bodies are checked all the same.
    expectDiagnostics(`
block L(x) { x -> dens(3) -> dropout(2) }     // expect: E100 col 19: unknown layer or block \`dens\` // expect: E105 col 38: 2 is out of range: expected a value in [0, 1)
block K(x, n: int = 2.5) {                    // expect: E104 col 21: expected an integer, found \`2.5\`, which is not an integer
  let spare = x -> relu                       // expect: W401 col 7: binding \`spare\` is never used
  x -> L(4) -> dense(units: "ten") -> Lx      // expect: E102 col 10: \`L\` takes no positional arguments; this one is extra // expect: E104 col 29: expected an integer, found a string // expect: E100 col 39: unknown layer or block \`Lx\`
}
block S(x: [H, W, C]) { x -> conv2d(C, kernel: 30) -> flatten -> dense(H * W) }
`);
  });

  it("reports a fault of a called block's body once, whatever the number of calls", () => {
    const result = expectDiagnostics(`
block L(x, n: int) { x -> dens(n) -> dropout(2) }   // expect: E100 col 27: unknown layer or block \`dens\` // expect: E105 col 46: 2 is out of range: expected a value in [0, 1)
model M { input x: [4]; x -> L(3) -> L(5) -> dense(2) }
`);
    expect(result.diagnostics).toHaveLength(2);
  });

  it("reports the faults of a block's body the same, once each, however many times models call it", () => {
    // Stages whose faults do not depend on the call, and stages that are fine.
    const stage = fc.constantFrom("dens(3)", "dropout(2)", "dense(0)", "dense(2.5)", "conv2d(n, kernel: 0)", "dense(m)", "relu", "dense(n)", "flatten", "maxpool(0)");
    const body = fc.array(stage, { minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(body, fc.integer({ min: 1, max: 3 }), (stages, calls) => {
        const block = `block B(x, n: int = 3) {\n  let unused = x -> relu\n  x -> ${stages.join(" -> ")}\n}`;
        const model = (k: number) => (k ? `\nmodel M { input x: [8, 8, 2]  x${" -> B(4)".repeat(k)} }` : "");
        // What is said about the block's body (lines 1 to 4), but shapes (E2xx, the model rules'
        // warnings): those need a call.
        const body = (k: number) =>
          checkSource(block + model(k), "once.nn")
            .diagnostics.filter((d) => d.range.start.line <= 4 && /^(E1|W401)/.test(d.code))
            .map((d) => `${d.range.start.line}:${d.range.start.column} ${d.code} ${d.message}`);
        const alone = body(0);
        expect(new Set(alone).size).toBe(alone.length);
        expect(body(calls)).toEqual(alone);
      }),
      { numRuns: 100 },
    );
  });

  it("E101 for a repeated parameter, with nothing said about the block's calls", () => {
    expectDiagnostics(`
block B(x, n: int, n: int) { x -> dense(n) }  // expect: E101 col 20: \`n\` is already defined in this block
block B2(x, x) { x }                          // expect: E101 col 13: \`x\` is already defined in this block
model C { input x: [4]; x -> B(3, 5) -> dense(2) }
model D { input x: [4]; B2(x) -> dense(2) }
model E { input x: [4]; x -> B2(x) -> dense(2) }
`);
  });

  it("reports a missing argument of a block call once, not again inside the body", () => {
    expectDiagnostics(`
block Blk(x, n: int) { x -> dense(n) }
model D { input x: [4]; x -> Blk }            // expect: E103 col 30: \`Blk\` needs the argument \`n\` (an integer)
model E { input x: [4]; x -> Blk(m: 3) }      // expect: E102 col 34: \`Blk\` has no argument \`m\`
`);
  });

  it("uses dimension symbols as integers and model parameters as values", () => {
    const result = expectClean(`
block Widen(x: [N]) { x -> dense(N * 2) }
model M(width: int = 8, act: activation = tanh) {
  input x: [width]
  x -> Widen -> dense(width, activation: act)
}`);
    expect(shapes(result)).toEqual(["[16]", "[8]"]);
  });
});
