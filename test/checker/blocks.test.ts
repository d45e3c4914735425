import { describe, expect, it } from "vitest";
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
