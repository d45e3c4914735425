/**
 * The adding problem (Hochreiter & Schmidhuber, 1997): each step carries a random value in [0, 1)
 * and a marker; exactly two steps are marked, one in each half, and the target is the sum of their
 * values. A network must carry information across the whole sequence to solve it, which is why it
 * tests recurrent layers. Inputs are [length, 2], targets [1].
 */
import { Rng } from "../core/random.js";
import { singleColumn, type Examples } from "./examples.js";

export function addingProblem(length: number, count: number, rng: Rng): Examples {
  const x = new Float32Array(count * length * 2);
  const y = new Float32Array(count);
  const half = Math.max(1, Math.floor(length / 2));
  for (let n = 0; n < count; n++) {
    const base = n * length * 2;
    for (let t = 0; t < length; t++) x[base + t * 2] = rng.next();
    const first = rng.int(half);
    const second = length > 1 ? half + rng.int(length - half) : first;
    x[base + first * 2 + 1] = 1;
    x[base + second * 2 + 1] = 1;
    y[n] = x[base + first * 2] + (second === first ? 0 : x[base + second * 2]);
  }
  return singleColumn(x, [length, 2], y, [1], null, count);
}

export interface AddingRequest {
  readonly length: number;
  readonly train: number;
  readonly validation: number;
  readonly test: number;
}

/** The three parts, each from its own stream of `seed`, so changing one size does not change the others. */
export function loadAddingProblem(request: AddingRequest, seed: number, limit?: number) {
  const cap = (n: number) => (limit === undefined ? n : Math.min(n, limit));
  return {
    train: addingProblem(request.length, cap(request.train), new Rng(seed * 3 + 1)),
    validation: request.validation > 0 ? addingProblem(request.length, cap(request.validation), new Rng(seed * 3 + 2)) : null,
    test: request.test > 0 ? addingProblem(request.length, cap(request.test), new Rng(seed * 3 + 3)) : null,
  };
}
