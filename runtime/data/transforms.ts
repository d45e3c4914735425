/**
 * The image transforms behind the training keys `expand` (applied once, to enlarge the training
 * set) and `augment` (random, fresh for every batch). Images are rows of a flat Float32Array in
 * [height, width, channels] order, as `Examples` holds them. Everything works in place on typed
 * arrays with buffers allocated once per call, because `augmentBatch` runs on every batch and
 * `expandExamples` on the whole MNIST training set.
 */
import { sizeOf, type Examples } from "./examples.js";
import type { Rng } from "../core/random.js";
import { loadNow, type Loading } from "./loading.js";

export type Transform =
  | { kind: "shift"; pixels: number }
  | { kind: "rotate"; degrees: number }
  | { kind: "skew"; amount: number }
  | { kind: "elastic"; alpha: number; sigma: number };

export interface ImageGeometry {
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

/**
 * The image an example's shape describes: [H, W, C] as is, [H, W] as one channel, and a flat [n]
 * with n a perfect square (MNIST's `flat: true`, [784]) as a square single-channel image.
 */
export function imageGeometry(xShape: readonly number[]): ImageGeometry {
  const valid = xShape.length > 0 && xShape.every((d) => Number.isInteger(d) && d > 0);
  if (valid && xShape.length === 3) return { height: xShape[0], width: xShape[1], channels: xShape[2] };
  if (valid && xShape.length === 2) return { height: xShape[0], width: xShape[1], channels: 1 };
  if (valid && xShape.length === 1) {
    const side = Math.round(Math.sqrt(xShape[0]));
    if (side * side === xShape[0]) return { height: side, width: side, channels: 1 };
  }
  throw new Error(
    `image transforms (shift, rotate, skew, elastic) need image inputs — [height, width, channels], [height, width] ` +
      `or a flat square such as [784] — but the input shape is [${xShape.join(", ")}]`,
  );
}

/**
 * The training set with transformed copies appended after the originals: for each transform in
 * order, its copies of every example as one block (each transform is applied to the originals, not
 * to earlier copies). `shift(p)` adds 4 blocks (up, down, left, right by p), `rotate(d)` and
 * `skew(a)` add 2 (+ and −), `elastic(alpha, sigma)` adds 1 (a fresh random field per example,
 * drawn from `rng`). Labels are copied with their images.
 */
export function expandExamples(data: Examples, transforms: readonly Transform[], rng: Rng): Examples {
  return loadNow(expandExamplesSteps(data, transforms, rng));
}

/** `expandExamples` as a loading (loading.ts): it pauses between blocks of 1024 copies. */
export function* expandExamplesSteps(data: Examples, transforms: readonly Transform[], rng: Rng): Loading<Examples> {
  if (transforms.length === 0) return data;
  transforms.forEach(checkTransform);
  if (data.inputs.length !== 1) throw new Error(`expand transforms the images of a model with one input; this one has ${data.inputs.length}`);
  const image = data.inputs[0];
  const warper = new Warper(imageGeometry(image.shape));
  const xs = warper.size;
  const n = data.count;
  if (image.values.length !== n * xs) throw new Error(`expand: ${n} examples of shape [${image.shape.join(", ")}] need ${n * xs} values, got ${image.values.length}`);

  // One entry per block of copies: the step that writes one example's copy into that block.
  const variants: ((src: Float32Array, so: number, dst: Float32Array, dOff: number) => void)[] = [];
  for (const t of transforms) {
    switch (t.kind) {
      case "shift": {
        const p = t.pixels;
        for (const [dy, dx] of [[-p, 0], [p, 0], [0, -p], [0, p]] as const) {
          variants.push((src, so, dst, dOff) => warper.shift(src, so, dst, dOff, dy, dx));
        }
        break;
      }
      case "rotate":
        for (const d of [t.degrees, -t.degrees]) variants.push((src, so, dst, dOff) => warper.rotate(src, so, dst, dOff, d));
        break;
      case "skew":
        for (const a of [t.amount, -t.amount]) variants.push((src, so, dst, dOff) => warper.skew(src, so, dst, dOff, a));
        break;
      case "elastic":
        variants.push((src, so, dst, dOff) => warper.elastic(src, so, dst, dOff, t.alpha, t.sigma, rng));
        break;
    }
  }

  const blocks = 1 + variants.length;
  const x = new Float32Array(blocks * n * xs);
  const originalX = image.values.subarray(0, n * xs);
  x.set(originalX, 0);
  for (let v = 0; v < variants.length; v++) {
    const apply = variants[v];
    const base = (v + 1) * n;
    for (let i = 0; i < n; i++) {
      apply(originalX, i * xs, x, (base + i) * xs);
      if (i % 1024 === 1023) yield;
    }
  }
  const targets = data.targets.map((t) => {
    const ys = sizeOf(t.shape);
    const y = new Float32Array(blocks * n * ys);
    for (let b = 0; b < blocks; b++) y.set(t.values.subarray(0, n * ys), b * n * ys);
    return { ...t, values: y };
  });
  return { inputs: [{ values: x, shape: image.shape }], targets, count: blocks * n };
}

/**
 * A new array holding `count` examples of shape `xShape` from `x`, each passed through every
 * transform in order with fresh random parameters: shift by integer offsets uniform in [−p, p] per
 * axis, rotate by an angle uniform in [−d, d] degrees, skew by an amount uniform in [−a, a], and a
 * fresh elastic field. `x` is not modified.
 */
export function augmentBatch(x: Float32Array, count: number, xShape: readonly number[], transforms: readonly Transform[], rng: Rng): Float32Array {
  const out = new Float32Array(x.length);
  if (transforms.length === 0) {
    out.set(x);
    return out;
  }
  transforms.forEach(checkTransform);
  const warper = new Warper(imageGeometry(xShape));
  const size = warper.size;
  if (x.length !== count * size) throw new Error(`augment: ${count} examples of shape [${xShape.join(", ")}] need ${count * size} values, got ${x.length}`);

  // Ping-pong between two scratch images so a chain of transforms allocates nothing per example.
  let a = new Float32Array(size);
  let b = new Float32Array(size);
  for (let i = 0; i < count; i++) {
    a.set(x.subarray(i * size, (i + 1) * size));
    for (const t of transforms) {
      switch (t.kind) {
        case "shift": {
          const span = 2 * t.pixels + 1;
          const dy = rng.int(span) - t.pixels;
          const dx = rng.int(span) - t.pixels;
          warper.shift(a, 0, b, 0, dy, dx);
          break;
        }
        case "rotate":
          warper.rotate(a, 0, b, 0, (2 * rng.next() - 1) * t.degrees);
          break;
        case "skew":
          warper.skew(a, 0, b, 0, (2 * rng.next() - 1) * t.amount);
          break;
        case "elastic":
          warper.elastic(a, 0, b, 0, t.alpha, t.sigma, rng);
          break;
      }
      const swap = a;
      a = b;
      b = swap;
    }
    out.set(a, i * size);
  }
  return out;
}

function checkTransform(t: Transform): void {
  const bad = (what: string) => {
    throw new Error(`${t.kind}: ${what}`);
  };
  switch (t.kind) {
    case "shift":
      if (!Number.isInteger(t.pixels) || t.pixels < 0) bad(`pixels must be a non-negative integer, got ${t.pixels}`);
      break;
    case "rotate":
      if (!Number.isFinite(t.degrees)) bad(`degrees must be a finite number, got ${t.degrees}`);
      break;
    case "skew":
      if (!Number.isFinite(t.amount)) bad(`amount must be a finite number, got ${t.amount}`);
      break;
    case "elastic":
      if (!Number.isFinite(t.alpha)) bad(`alpha must be a finite number, got ${t.alpha}`);
      if (!Number.isFinite(t.sigma) || t.sigma < 0) bad(`sigma must be a non-negative number, got ${t.sigma}`);
      break;
  }
}

/** One half of a symmetric Gaussian kernel (`half[k]` weighs offsets ±k) and a padded row buffer. */
interface Blur {
  readonly half: Float64Array;
  readonly radius: number;
  readonly padded: Float64Array;
}

/**
 * The transforms for one image geometry. Each method reads one image at `src[so …]` and writes the
 * transformed image to `dst[dOff …]` (which must not overlap the source); the scratch buffers for
 * elastic fields and the Gaussian kernels live here so they are allocated once per call.
 */
class Warper {
  readonly size: number;
  private readonly h: number;
  private readonly w: number;
  private readonly c: number;
  private readonly fieldX: Float64Array;
  private readonly fieldY: Float64Array;
  private readonly scratch: Float64Array;
  private readonly blurs = new Map<number, Blur>();

  constructor(geometry: ImageGeometry) {
    this.h = geometry.height;
    this.w = geometry.width;
    this.c = geometry.channels;
    this.size = this.h * this.w * this.c;
    const pixels = this.h * this.w;
    this.fieldX = new Float64Array(pixels);
    this.fieldY = new Float64Array(pixels);
    this.scratch = new Float64Array(pixels);
  }

  /**
   * Shift: moves the content dy rows down and dx columns right (negative: up, left); what moves
   * out is lost and what comes in is zero. Whole row segments are copied, no interpolation.
   */
  shift(src: Float32Array, so: number, dst: Float32Array, dOff: number, dy: number, dx: number): void {
    const { h, w, c } = this;
    const rowLen = w * c;
    // Source pixel (r − dy, col − dx) lands on (r, col); each output value is written once.
    const cols = Math.max(0, w - Math.abs(dx));
    const firstRow = Math.min(h, Math.max(0, dy));
    const endRow = cols > 0 ? Math.max(firstRow, Math.min(h, h + dy)) : firstRow;
    const lead = Math.min(w, Math.max(0, dx)) * c; // zeros before the copied part of a row
    const span = cols * c;
    dst.fill(0, dOff, dOff + firstRow * rowLen);
    for (let r = firstRow; r < endRow; r++) {
      const from = so + (r - dy) * rowLen + Math.max(0, -dx) * c;
      const to = dOff + r * rowLen;
      for (let i = 0; i < lead; i++) dst[to + i] = 0;
      for (let i = 0; i < span; i++) dst[to + lead + i] = src[from + i];
      for (let i = lead + span; i < rowLen; i++) dst[to + i] = 0;
    }
    dst.fill(0, dOff + endRow * rowLen, dOff + this.size);
  }

  /**
   * Rotate: turns the image by `degrees` about its centre, counter-clockwise as displayed (rows
   * growing downwards); bilinear interpolation, zero outside.
   */
  rotate(src: Float32Array, so: number, dst: Float32Array, dOff: number, degrees: number): void {
    const rad = ((degrees % 360) * Math.PI) / 180;
    // Snap the rounding residue of cos(90°) and the like, so quarter turns move pixels exactly.
    const cos = snap(Math.cos(rad));
    const sin = snap(Math.sin(rad));
    // Each output pixel reads the source at the inverse rotation of its position.
    this.affine(src, so, dst, dOff, cos, -sin, sin, cos);
  }

  /**
   * Skew: a horizontal shear about the centre row, x' = x + amount·(y − centre): rows below the
   * centre slide right and rows above slide left; bilinear interpolation, zero outside.
   */
  skew(src: Float32Array, so: number, dst: Float32Array, dOff: number, amount: number): void {
    this.affine(src, so, dst, dOff, 1, -amount, 0, 1);
  }

  /**
   * Elastic distortion (Simard, Steinkraus & Platt 2003): per-pixel displacements uniform in
   * [−1, 1] for each axis, smoothed by a Gaussian of std `sigma` (so neighbours move together),
   * scaled by `alpha`; each output pixel reads the source at its displaced position, bilinearly.
   */
  elastic(src: Float32Array, so: number, dst: Float32Array, dOff: number, alpha: number, sigma: number, rng: Rng): void {
    const { fieldX, fieldY } = this;
    for (let i = 0; i < fieldX.length; i++) fieldX[i] = 2 * rng.next() - 1;
    for (let i = 0; i < fieldY.length; i++) fieldY[i] = 2 * rng.next() - 1;
    if (sigma > 0) {
      const blur = this.blurFor(sigma);
      this.smooth(fieldX, blur);
      this.smooth(fieldY, blur);
    }
    const { h, w, c } = this;
    let p = 0;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++, p++) {
        this.sample(src, so, y + alpha * fieldY[p], x + alpha * fieldX[p], dst, dOff + p * c);
      }
    }
  }

  /**
   * Writes, for every output pixel at offset (u, v) from the centre, the source sampled at
   * (m00·u + m01·v, m10·u + m11·v) from the centre (the inverse of the wanted motion).
   */
  private affine(src: Float32Array, so: number, dst: Float32Array, dOff: number, m00: number, m01: number, m10: number, m11: number): void {
    const { h, w, c } = this;
    const cx = (w - 1) / 2;
    const cy = (h - 1) / 2;
    for (let y = 0; y < h; y++) {
      const v = y - cy;
      for (let x = 0; x < w; x++) {
        const u = x - cx;
        this.sample(src, so, m10 * u + m11 * v + cy, m00 * u + m01 * v + cx, dst, dOff + (y * w + x) * c);
      }
    }
  }

  /**
   * Bilinear interpolation of all channels at (sy, sx); neighbours outside the image count as
   * zero, so every result is a convex combination of source values and 0.
   */
  private sample(src: Float32Array, so: number, sy: number, sx: number, dst: Float32Array, at: number): void {
    const h = this.h;
    const w = this.w;
    const c = this.c;
    const y0 = Math.floor(sy);
    const x0 = Math.floor(sx);
    const fy = sy - y0;
    const fx = sx - x0;
    if (y0 >= 0 && x0 >= 0 && y0 + 1 < h && x0 + 1 < w) {
      // All four neighbours inside: the common case, with no clamping.
      const i00 = so + (y0 * w + x0) * c;
      const i10 = i00 + w * c;
      const w00 = (1 - fy) * (1 - fx);
      const w01 = (1 - fy) * fx;
      const w10 = fy * (1 - fx);
      const w11 = fy * fx;
      for (let k = 0; k < c; k++) {
        dst[at + k] = w00 * src[i00 + k] + w01 * src[i00 + c + k] + w10 * src[i10 + k] + w11 * src[i10 + c + k];
      }
      return;
    }
    this.sampleBorder(src, so, y0, x0, fy, fx, dst, at);
  }

  /** `sample` near or outside the edge, kept apart so the common path stays small enough to inline. */
  private sampleBorder(src: Float32Array, so: number, y0: number, x0: number, fy: number, fx: number, dst: Float32Array, at: number): void {
    const h = this.h;
    const w = this.w;
    const c = this.c;
    if (!(y0 >= -1 && y0 < h && x0 >= -1 && x0 < w)) {
      for (let k = 0; k < c; k++) dst[at + k] = 0;
      return;
    }
    // On the border: out-of-image neighbours get weight 0, and their offsets are clamped so the
    // reads stay in the array.
    const inY0 = y0 >= 0;
    const inY1 = y0 + 1 < h;
    const inX0 = x0 >= 0;
    const inX1 = x0 + 1 < w;
    const w00 = inY0 && inX0 ? (1 - fy) * (1 - fx) : 0;
    const w01 = inY0 && inX1 ? (1 - fy) * fx : 0;
    const w10 = inY1 && inX0 ? fy * (1 - fx) : 0;
    const w11 = inY1 && inX1 ? fy * fx : 0;
    const r0 = so + Math.max(y0, 0) * w * c;
    const r1 = so + Math.min(y0 + 1, h - 1) * w * c;
    const c0 = Math.max(x0, 0) * c;
    const c1 = Math.min(x0 + 1, w - 1) * c;
    for (let k = 0; k < c; k++) {
      dst[at + k] = w00 * src[r0 + c0 + k] + w01 * src[r0 + c1 + k] + w10 * src[r1 + c0 + k] + w11 * src[r1 + c1 + k];
    }
  }

  /** A normalised Gaussian kernel of std `sigma`, cut at 3σ (and at the image size), built once per sigma. */
  private blurFor(sigma: number): Blur {
    const cached = this.blurs.get(sigma);
    if (cached) return cached;
    const radius = Math.min(Math.ceil(3 * sigma), Math.max(this.h, this.w));
    const half = new Float64Array(radius + 1);
    // The centre tap is 1 outright: for a tiny sigma, 0 / (2σ²) would underflow to 0/0 = NaN.
    half[0] = 1;
    let total = 1;
    for (let k = 1; k <= radius; k++) total += 2 * (half[k] = Math.exp(-(k * k) / (2 * sigma * sigma)));
    for (let k = 0; k <= radius; k++) half[k] /= total;
    const blur = { half, radius, padded: new Float64Array(this.w + 2 * radius) };
    this.blurs.set(sigma, blur);
    return blur;
  }

  /**
   * Separable Gaussian blur of an h×w field in place, the border repeating outwards: along rows
   * (through an edge-padded copy of each row) into scratch, then along columns back, adding whole
   * shifted rows so the inner loops run over contiguous memory.
   */
  private smooth(field: Float64Array, blur: Blur): void {
    const { h, w, scratch } = this;
    const { half, radius, padded } = blur;
    for (let y = 0; y < h; y++) {
      const row = y * w;
      const first = field[row];
      const last = field[row + w - 1];
      for (let j = 0; j < radius; j++) {
        padded[j] = first;
        padded[radius + w + j] = last;
      }
      for (let x = 0; x < w; x++) padded[radius + x] = field[row + x];
      for (let x = 0; x < w; x++) {
        const centre = x + radius;
        let sum = half[0] * padded[centre];
        for (let k = 1; k <= radius; k++) sum += half[k] * (padded[centre - k] + padded[centre + k]);
        scratch[row + x] = sum;
      }
    }
    for (let y = 0; y < h; y++) {
      const out = y * w;
      const c0 = half[0];
      for (let x = 0; x < w; x++) field[out + x] = c0 * scratch[out + x];
      for (let k = 1; k <= radius; k++) {
        const above = Math.max(y - k, 0) * w;
        const below = Math.min(y + k, h - 1) * w;
        const weight = half[k];
        for (let x = 0; x < w; x++) field[out + x] += weight * (scratch[above + x] + scratch[below + x]);
      }
    }
  }
}

function snap(v: number): number {
  return Math.abs(v) < 1e-12 ? 0 : v;
}
