/**
 * The true gradient of average pooling with padding. The forward pass divides each window's sum by
 * the cells that lie inside the input, but the AvgPoolGrad kernel of tfjs's cpu backend (and nnc's
 * native one, which matches it) divides by the whole window, so with `padding: same` the gradient of
 * every border window came out too small. The gradient registered here scales each window's
 * incoming gradient by (window size / cells inside) before that kernel spreads it, which gives the
 * exact gradient. TensorFlow's own kernel (the `tensorflow` backend of tfjs-node) already divides
 * by the cells inside, so there nothing is scaled.
 */
import * as tf from "@tensorflow/tfjs";

interface AvgPoolAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: "valid" | "same" | number;
  dimRoundingMode?: "floor" | "round" | "ceil";
}

/** How many cells of each output window lie inside the input along one axis. */
function cellsInside(outSize: number, inSize: number, filter: number, stride: number, padBefore: number): number[] {
  return Array.from({ length: outSize }, (_, o) => {
    const first = o * stride - padBefore;
    return Math.max(0, Math.min(first + filter, inSize) - Math.max(first, 0));
  });
}

/** Window size / cells inside, per output position ([1, outH, outW, 1]); undefined when no window reaches the padding. */
export function borderScale(inputShape: [number, number, number, number], attrs: AvgPoolAttrs): tf.Tensor4D | undefined {
  const info = tf.backend_util.computePool2DInfo(inputShape, attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  const rows = cellsInside(info.outHeight, info.inHeight, info.filterHeight, info.strideHeight, info.padInfo.top);
  const columns = cellsInside(info.outWidth, info.inWidth, info.filterWidth, info.strideWidth, info.padInfo.left);
  const window = info.filterHeight * info.filterWidth;
  if (rows.every((r) => r === info.filterHeight) && columns.every((c) => c === info.filterWidth)) return undefined;
  const values = new Float32Array(rows.length * columns.length);
  rows.forEach((r, i) => columns.forEach((c, j) => (values[i * columns.length + j] = r * c > 0 ? window / (r * c) : 0)));
  return tf.tensor4d(values, [1, rows.length, columns.length, 1]);
}

tf.registerGradient({
  kernelName: tf.AvgPool,
  inputsToSave: ["x"],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved as [tf.Tensor4D];
    const poolAttrs = attrs as unknown as AvgPoolAttrs;
    return {
      x: () =>
        tf.tidy(() => {
          const scale = tf.getBackend() === "tensorflow" ? undefined : borderScale(x.shape, poolAttrs);
          const scaled = scale ? tf.mul(dy as tf.Tensor4D, scale) : (dy as tf.Tensor4D);
          const kernelAttrs = { filterSize: poolAttrs.filterSize, strides: poolAttrs.strides, pad: poolAttrs.pad };
          return tf.engine().runKernel(tf.AvgPoolGrad, { dy: scaled, input: x }, kernelAttrs as unknown as tf.NamedAttrMap) as tf.Tensor;
        }),
    };
  },
});
