/**
 * The language's initializers as tfjs initializers. `lecun_normal` is the lectures' choice,
 * N(0, 1/√n_in) exactly (tfjs's own LeCun normal is truncated), so it is a plain normal with the
 * fan-in the compiler computed. Only stock tfjs classes are used, so a saved model loads anywhere.
 */
import * as tf from "@tensorflow/tfjs";
import type { InitializerSetting, Settled } from "../core/settings.js";

type Initializer = ReturnType<typeof tf.initializers.zeros>;

/** tfjs-layers does not export its `Initializer` base class; layers accept only its subclasses. */
const InitializerBase = Object.getPrototypeOf(tf.initializers.zeros().constructor) as abstract new () => Initializer;

export function initializer(setting: Settled<InitializerSetting>, fanIn: number): Initializer {
  switch (setting.kind) {
    case "zeros":
      return tf.initializers.zeros();
    case "ones":
      return tf.initializers.ones();
    case "constant":
      return tf.initializers.constant({ value: setting.value });
    case "normal":
      return tf.initializers.randomNormal({ mean: setting.mean, stddev: setting.std });
    case "uniform":
      return tf.initializers.randomUniform({ minval: setting.low, maxval: setting.high });
    case "lecun_normal":
      return tf.initializers.randomNormal({ mean: 0, stddev: 1 / Math.sqrt(Math.max(1, fanIn)) });
    case "lecun_uniform":
      return tf.initializers.leCunUniform({});
    case "glorot_normal":
      return tf.initializers.glorotNormal({});
    case "glorot_uniform":
      return tf.initializers.glorotUniform({});
    case "he_normal":
      return tf.initializers.heNormal({});
    case "he_uniform":
      return tf.initializers.heUniform({});
    case "orthogonal":
      return new Orthogonal();
  }
}

/**
 * A random orthogonal matrix (Saxe et al. 2014), as tfjs's `orthogonal` but computed with modified
 * Gram–Schmidt on plain arrays: tfjs's version runs a QR decomposition op by op, which takes tens of
 * seconds for a GRU(128)'s [128, 384] recurrent kernel on the cpu backend. It serializes under
 * tfjs's class name and config, so a saved model loads with stock TensorFlow.js.
 */
export class Orthogonal extends InitializerBase {
  static className = "Orthogonal";

  override apply(shape: number[], dtype?: tf.DataType): tf.Tensor {
    if (shape.length < 2) throw new Error(`an orthogonal initializer needs a matrix, not shape [${shape.join(", ")}]`);
    const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    const cols = shape[shape.length - 1];
    const n = Math.max(rows, cols);
    const m = Math.min(rows, cols);
    // m orthonormal vectors of length n, one per row of q.
    const q = new Float64Array(m * n);
    for (let j = 0; j < m; j++) {
      const v = q.subarray(j * n, (j + 1) * n);
      for (;;) {
        for (let i = 0; i < n; i++) v[i] = gaussian();
        for (let k = 0; k < j; k++) {
          const u = q.subarray(k * n, (k + 1) * n);
          let dot = 0;
          for (let i = 0; i < n; i++) dot += u[i] * v[i];
          for (let i = 0; i < n; i++) v[i] -= dot * u[i];
        }
        let norm = 0;
        for (let i = 0; i < n; i++) norm += v[i] * v[i];
        norm = Math.sqrt(norm);
        if (norm > 1e-6) {
          for (let i = 0; i < n; i++) v[i] /= norm;
          break;
        }
      }
    }
    const out = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) out[r * cols + c] = rows >= cols ? q[c * n + r] : q[r * n + c];
    }
    return tf.tensor(out, shape, dtype ?? "float32");
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { gain: 1, seed: null };
  }
}

/** A standard normal draw from `Math.random` (which a seeded run routes through its generator). */
function gaussian(): number {
  const u = 1 - Math.random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * Math.random());
}
