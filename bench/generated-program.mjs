// The program the checker and language-server benchmarks run on: blocks, models of conv/pool/dense
// stacks, and trainings, about `target` lines, free of diagnostics.

/** A program of about `lines` lines: blocks, models of conv/pool/dense stacks, and trainings. */
export function generate(target) {
  const out = [
    "/// Generated for the check benchmark.",
    "block ConvPool(x, filters: int, act: activation = relu) {",
    "  x -> conv2d(filters, kernel: 3, padding: same, activation: act) -> maxpool(2)",
    "}",
    "",
  ];
  let i = 0;
  while (out.length < target) {
    out.push(
      `model Net${i}(width: int = ${100 + (i % 50)}) {`,
      "  input image: [28, 28, 1]",
      "  let features = image",
      "    -> ConvPool(16)",
      "    -> ConvPool(32, act: tanh)",
      "    -> flatten",
      `  features`,
      `    -> fc${i}: dense(width, activation: relu)   // hidden`,
      "    -> dropout(0.5)",
      "    -> dense(10, activation: softmax)",
      "}",
      "",
      `train run${i}: Net${i}(width: ${64 + (i % 7)}) {`,
      "  data: mnist(train: 50000, validation: 10000, test: 10000)",
      "  loss: cross_entropy",
      "  optimizer: sgd(lr: 0.03, momentum: 0.9)",
      "  regularization: l2(0.1)",
      "  batch_size: 10",
      "  epochs: 60",
      "}",
      "",
    );
    i++;
  }
  return out.join("\n");
}
