/** Models and a training template shared by the tests of the rules on contradicting settings (E303). */

/** A classifier of flat MNIST digits, its layers labelled `h` and `out`. */
export const MLP = `
model M {
  input x: [784]
  x -> h: dense(30, activation: relu) -> out: dense(10, activation: softmax)
}`;

/** A regression over sequences, for `adding_problem`. */
export const SEQ = `
model M {
  input seq: [T, 2]
  seq -> lstm(8) -> dense(1)
}`;

/** A training of M with the given extra lines; `data` defaults to flat MNIST. */
export const train = (lines: string, data = "mnist(flat: true)") => `
train M {
  data: ${data}
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
  ${lines.trim()}
}`;

/** A training of SEQ (its model) on the adding problem, with the given extra lines. */
export const trainSequences = (lines: string, loss = "mse") => `${SEQ}
train M {
  data: adding_problem(length: 10)
  loss: ${loss}
  optimizer: adam
  ${lines.trim()}
}`;

/** A `csv` source of MNIST-like rows with the given extra arguments. */
export const csv = (args: string) => `csv("d.csv", label: "y", features: 784, classes: 10${args})`;
