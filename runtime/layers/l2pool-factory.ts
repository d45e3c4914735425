/**
 * The one definition of the `L2Pooling2D` layer, as a factory over the tfjs instance it extends.
 *
 * L2 pooling: the square root of the mean of the squares over each window (the lectures' third
 * pooling). tfjs-layers has no such layer; this one is built from differentiable tfjs ops, so
 * autograd gives its gradient. A tiny constant under the root keeps the gradient finite for an
 * all-zero window (d√u/du is infinite at 0), changing outputs by at most 1e-6.
 *
 * With `padding: same` the mean is over the window's cells inside the image, as TensorFlow's
 * average pooling does. The padding is explicit (a 'valid' pooling of the zero-padded squares,
 * divided by the count of real cells), so the layer's gradient does not depend on how a backend's
 * AvgPoolGrad treats padding (see `runtime/kernels/avg-pool-gradient.ts`).
 *
 * Two users: `l2pool.ts` calls the factory with the runtime's tf, and `standalone.ts` embeds the
 * factory's own text (`Function.prototype.toString`) in `nnc-layers.mjs`, the module that lets
 * plain tfjs load a saved model. So the factory must stay self-contained: it may use only its `tf`
 * argument and JavaScript's built-ins (no imports, no module-level constants, no Node or DOM
 * globals), and nothing the output JavaScript would need a helper for. The import below is types
 * only and is erased.
 */
import type * as tfjs from "@tensorflow/tfjs";

export interface L2PoolingConfig {
  poolSize: [number, number];
  strides: [number, number];
  padding: "valid" | "same";
  name?: string;
}

/** The class the factory returns: a tfjs layer class, registrable with `tf.serialization.registerClass`. */
export interface L2Pooling2DClass extends tfjs.serialization.SerializableConstructor<tfjs.layers.Layer> {
  new (config: L2PoolingConfig): tfjs.layers.Layer;
  readonly className: "L2Pooling2D";
}

export function defineL2Pooling2D(tf: typeof tfjs): L2Pooling2DClass {
  const EPSILON = 1e-12;

  class L2Pooling2D extends tf.layers.Layer {
    static className = "L2Pooling2D" as const;
    private readonly poolSize: [number, number];
    private readonly strides: [number, number];
    private readonly padding: "valid" | "same";

    constructor(config: L2PoolingConfig) {
      super({ name: config.name });
      this.poolSize = config.poolSize;
      this.strides = config.strides;
      this.padding = config.padding;
    }

    override computeOutputShape(inputShape: tfjs.Shape | tfjs.Shape[]): tfjs.Shape {
      const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfjs.Shape;
      const out = (size: number | null, i: 0 | 1): number | null => {
        if (size === null) return null;
        return this.padding === "same" ? Math.ceil(size / this.strides[i]) : Math.floor((size - this.poolSize[i]) / this.strides[i]) + 1;
      };
      return [shape[0], out(shape[1], 0), out(shape[2], 1), shape[3]];
    }

    override call(inputs: tfjs.Tensor | tfjs.Tensor[]): tfjs.Tensor {
      return tf.tidy(() => {
        const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tfjs.Tensor4D;
        if (this.padding === "valid") return tf.sqrt(tf.add(tf.avgPool(tf.square(x), this.poolSize, this.strides, "valid"), EPSILON));
        const pads = ([1, 2] as const).map((axis, i) => {
          const size = x.shape[axis];
          const out = Math.ceil(size / this.strides[i]);
          const total = Math.max((out - 1) * this.strides[i] + this.poolSize[i] - size, 0);
          return [Math.floor(total / 2), total - Math.floor(total / 2)] as [number, number];
        });
        const padding: [number, number][] = [[0, 0], pads[0], pads[1], [0, 0]];
        const sums = tf.avgPool(tf.pad(tf.square(x), padding), this.poolSize, this.strides, "valid");
        const cells = tf.avgPool(tf.pad(tf.onesLike(x.slice([0, 0, 0, 0], [1, -1, -1, 1])), padding), this.poolSize, this.strides, "valid");
        return tf.sqrt(tf.add(tf.div(sums, cells), EPSILON));
      });
    }

    override getConfig(): tfjs.serialization.ConfigDict {
      return { ...super.getConfig(), poolSize: this.poolSize, strides: this.strides, padding: this.padding };
    }
  }
  return L2Pooling2D;
}
