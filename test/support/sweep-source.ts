/**
 * One source of small sweeps for the tests of parts trained apart (--jobs, a queue): a grid, an
 * ensemble, k folds, a Bayesian search, a longer ensemble to stop in the middle, and a search whose
 * every trial fails.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const SWEEP_SOURCE = `model Mlp(hidden: int = 8) {
  input image: [784]
  output digit = image -> dense(hidden, activation: relu) -> dense(10, activation: softmax)
}

train grid: Mlp(hidden: choice(8, 16)) {
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: sgd(lr: choice(0.1, 0.3))
  batch_size: 20
  epochs: 2
  seed: 7
  tune: grid
}

train members: Mlp {
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: sgd(lr: 0.3)
  batch_size: 20
  epochs: 2
  seed: 7
  ensemble: 3
}

train kfold: Mlp {
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: sgd(lr: 0.3)
  batch_size: 20
  epochs: 2
  seed: 7
  folds: 3
}

train guided: Mlp(hidden: int_uniform(4, 32)) {
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: sgd(lr: log_uniform(0.01, 1.0))
  batch_size: 20
  epochs: 1
  seed: 7
  tune: bayesian(trials: 6)
}

train long: Mlp(hidden: 32) {
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
  batch_size: 10
  epochs: 6
  seed: 3
  ensemble: 2
}

train missing: Mlp(hidden: choice(8, 16)) {
  data: mnist(flat: true)
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
  batch_size: 20
  epochs: 1
  seed: 7
  tune: grid
  init_from: "no-such-model/model.json"
}
`;

/** A new folder holding the source as sweep.nn. */
export function setUpSweep(): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), "nnc-sweep-"));
  const file = join(dir, "sweep.nn");
  writeFileSync(file, SWEEP_SOURCE);
  return { dir, file };
}
