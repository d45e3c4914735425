/**
 * Decoding "images in folders" (one subfolder per class, Keras's `image_dataset_from_directory`):
 * PNG through pngjs and JPEG through jpeg-js, both pure JavaScript, so reading images needs no
 * native build. Every image becomes float pixels `[height, width, channels]` in 0…255 times
 * `scale`, converted to the asked color mode and, when a size is asked, resized bilinearly.
 *
 * The listing and the header-only probe live in `./image-folder.ts`, which loads no decoder, so
 * `nnc check` can describe a dataset cheaply; they are re-exported here. No TensorFlow.js here
 * either: the data layer hands plain typed arrays to the training.
 */
import { readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import { DataError } from "./examples.js";
import { listImageFolder } from "./image-folder.js";
import { describeError, noteDataFile } from "./user-files.js";
import { loadNow, type Loading } from "./loading.js";

export { listImageFolder, probeImageFolder, type ImageFolder } from "./image-folder.js";

export type ColorMode = "grayscale" | "rgb" | "rgba";

export interface ImageOptions {
  /** [height, width] to resize every image to (bilinear, aspect ratio not kept, as Keras does); null: keep each image's own size, which must then be the same for all. */
  readonly size: readonly [number, number] | null;
  readonly color: ColorMode; // channels 1, 3, 4
  /** Multiplies every pixel value 0…255 (default chosen by the caller, e.g. 1/255). */
  readonly scale: number;
}

const CHANNELS: Readonly<Record<ColorMode, number>> = { grayscale: 1, rgb: 3, rgba: 4 };

/** The weights of tf.image.rgb_to_grayscale (ITU-R BT.601 luma, as TensorFlow writes them). */
const GRAY_WEIGHTS = [0.2989, 0.587, 0.114] as const;

export interface DecodedImage {
  pixels: Float32Array;
  height: number;
  width: number;
  channels: number;
}

/** Decodes one image file and returns its pixels as Float32Array [height, width, channels] row-major (channels per color mode; grayscale = round-free 0.2989 R + 0.5870 G + 0.1140 B like tf.image.rgbToGrayscale, alpha dropped for rgb, alpha 255 added for rgba from rgb/gray), resized to options.size when given, multiplied by scale. A file that cannot be read or decoded (broken, truncated, not PNG/JPEG whatever its extension says) is a DataError naming the file and the decoder's reason. */
export function readImage(file: string, options: ImageOptions, name = file): DecodedImage {
  checkOptions(options);
  return decodeFile(resolve(file), `"${name}"`, options);
}

/** All images of a folder into one flat array: x has count·h·w·c values; labels the class index per image; shape [h, w, c]. Without options.size, every image must have the size of the first, else a DataError naming the odd file, both sizes and the fix (`size: [h, w]`). */
export function readImageFolder(dir: string, baseDir: string, options: ImageOptions): ImageFolderData {
  return loadNow(readImageFolderSteps(dir, baseDir, options));
}

/** The images of a folder, as `readImageFolder` gives them. */
export interface ImageFolderData {
  readonly x: Float32Array;
  readonly shape: [number, number, number];
  readonly labels: Int32Array;
  readonly classes: readonly string[];
  readonly files: readonly string[];
}

/** `readImageFolder` as a loading (loading.ts): it pauses between images. */
export function* readImageFolderSteps(dir: string, baseDir: string, options: ImageOptions): Loading<ImageFolderData> {
  checkOptions(options);
  const folder = listImageFolder(dir, baseDir);
  const root = resolve(baseDir, dir);
  const count = folder.files.length;
  const labels = new Int32Array(count);
  let x: Float32Array | null = null;
  let shape: [number, number, number] = [0, 0, 0];
  for (let i = 0; i < count; i++) {
    const { path, label } = folder.files[i];
    const name = `"${join(dir, path)}"`;
    const image = decodeFile(join(root, path), name, options);
    if (x === null) {
      shape = [image.height, image.width, image.channels];
      x = allocate(count, shape, dir);
    } else if (image.height !== shape[0] || image.width !== shape[1]) {
      const first = `"${join(dir, folder.files[0].path)}"`;
      throw new DataError(
        `image folder "${dir}": ${name} is ${image.height}×${image.width} pixels (height×width), but the first image, ${first}, is ${shape[0]}×${shape[1]}; ` +
          `images of different sizes need one size: give the dataset \`size: [${shape[0]}, ${shape[1]}]\` (or another [height, width]) to resize every image to it`,
      );
    }
    x.set(image.pixels, i * image.pixels.length);
    labels[i] = label;
    yield;
  }
  // listImageFolder never returns an empty folder, so x is set.
  return { x: x ?? new Float32Array(0), shape, labels, classes: folder.classes, files: folder.files.map((f) => f.path) };
}

function allocate(count: number, shape: readonly number[], dir: string): Float32Array {
  const values = count * shape[0] * shape[1] * shape[2];
  try {
    return new Float32Array(values);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    const gb = ((values * 4) / 2 ** 30).toFixed(1);
    throw new DataError(
      `image folder "${dir}": ${count} images of ${shape.join("×")} values need ${gb} GB as 32-bit floats, more than fits in memory; give a smaller \`size\``,
    );
  }
}

function checkOptions(options: ImageOptions): void {
  if (!(options.color in CHANNELS)) throw new DataError(`unknown image color mode "${String(options.color)}": expected grayscale, rgb or rgba`);
  if (options.size !== null) {
    const [h, w] = options.size;
    if (!Number.isInteger(h) || !Number.isInteger(w) || h < 1 || w < 1) {
      throw new DataError(`image size [${h}, ${w}] is not a [height, width] of positive whole numbers`);
    }
  }
  if (!Number.isFinite(options.scale)) throw new DataError(`image scale ${options.scale} is not a finite number`);
}

/** Reads and decodes the file at `path`; errors call it `name`. */
function decodeFile(path: string, name: string, options: ImageOptions): DecodedImage {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
    noteDataFile(resolve(path), statSync(path));
  } catch (error) {
    throw new DataError(`cannot read image ${name}: ${describeError(error)}`);
  }
  const { rgba, height, width } = decodeRgba(bytes, name);
  const channels = CHANNELS[options.color];
  const pixels = fromRgba(rgba, height * width, options.color);
  const [outH, outW] = options.size ?? [height, width];
  const out = outH === height && outW === width ? pixels : resizeBilinear(pixels, height, width, channels, outH, outW);
  if (options.scale !== 1) for (let i = 0; i < out.length; i++) out[i] *= options.scale;
  return { pixels: out, height: outH, width: outW, channels };
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff];

function startsWith(bytes: Uint8Array, signature: readonly number[]): boolean {
  return bytes.length >= signature.length && signature.every((b, i) => bytes[i] === b);
}

/** The image as 8-bit RGBA (4 bytes per pixel), whatever its stored format; the format comes from its first bytes, not its name. */
function decodeRgba(bytes: Buffer, name: string): { rgba: Uint8Array; height: number; width: number } {
  if (startsWith(bytes, PNG_SIGNATURE)) {
    try {
      // 16-bit PNGs come back scaled to 8 bits; palettes and transparent colors are expanded.
      const png = PNG.sync.read(bytes);
      return { rgba: png.data, height: png.height, width: png.width };
    } catch (error) {
      throw new DataError(`cannot decode PNG image ${name}: ${pngProblem(error)}`);
    }
  }
  if (startsWith(bytes, JPEG_SIGNATURE)) {
    try {
      const image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
      return { rgba: image.data, height: image.height, width: image.width };
    } catch (error) {
      throw new DataError(`cannot decode JPEG image ${name}: ${describeError(error)} (the file may be truncated or damaged)`);
    }
  }
  const head = [...bytes.subarray(0, 8)].map((b) => b.toString(16).padStart(2, "0")).join(" ");
  throw new DataError(
    `image ${name} is not a PNG or JPEG file, whatever its name says: it starts with ${bytes.length === 0 ? "nothing (the file is empty)" : `the bytes ${head}`}`,
  );
}

/** pngjs's messages, put in words a user can act on where they are cryptic. */
function pngProblem(error: unknown): string {
  const message = describeError(error);
  if (/read requests waitng|read requests waiting|unexpected end/i.test(message)) return `the file ends too early (truncated): ${message}`;
  return message;
}

/**
 * RGBA bytes → float pixels in the color mode. An image whose every pixel has R = G = B is a gray
 * image (a gray PNG or JPEG arrives here as such) and keeps its values exactly in grayscale, as
 * TensorFlow's decoders with `channels=1` keep them; other images are weighted like
 * tf.image.rgb_to_grayscale, without rounding.
 */
function fromRgba(rgba: Uint8Array, pixelCount: number, color: ColorMode): Float32Array {
  const channels = CHANNELS[color];
  const out = new Float32Array(pixelCount * channels);
  if (color === "rgba") {
    out.set(rgba.subarray(0, pixelCount * 4));
  } else if (color === "rgb") {
    for (let p = 0; p < pixelCount; p++) {
      out[p * 3] = rgba[p * 4];
      out[p * 3 + 1] = rgba[p * 4 + 1];
      out[p * 3 + 2] = rgba[p * 4 + 2];
    }
  } else {
    let gray = true;
    for (let p = 0; p < pixelCount && gray; p++) gray = rgba[p * 4] === rgba[p * 4 + 1] && rgba[p * 4] === rgba[p * 4 + 2];
    const [wr, wg, wb] = GRAY_WEIGHTS;
    for (let p = 0; p < pixelCount; p++) {
      out[p] = gray ? rgba[p * 4] : wr * rgba[p * 4] + wg * rgba[p * 4 + 1] + wb * rgba[p * 4 + 2];
    }
  }
  return out;
}

/**
 * Bilinear resize of `[inH, inW, channels]` to `[outH, outW, channels]`, as tf.image.resize
 * (bilinear, no antialias) computes it — TensorFlow's `half_pixel_centers=True`, which Keras's
 * `image_dataset_from_directory` uses: the output pixel `d` samples the input at
 * `(d + 0.5) · in/out − 0.5`, clamped to [0, in − 1]. Written by hand because it is twenty lines,
 * and it keeps TensorFlow.js (and its start-up) out of the data layer.
 */
export function resizeBilinear(input: Float32Array, inH: number, inW: number, channels: number, outH: number, outW: number): Float32Array {
  const out = new Float32Array(outH * outW * channels);
  const xs = samples(inW, outW);
  const ys = samples(inH, outH);
  for (let y = 0; y < outH; y++) {
    const { low: y0, high: y1, t: ty } = ys[y];
    for (let x = 0; x < outW; x++) {
      const { low: x0, high: x1, t: tx } = xs[x];
      const tl = (y0 * inW + x0) * channels;
      const tr = (y0 * inW + x1) * channels;
      const bl = (y1 * inW + x0) * channels;
      const br = (y1 * inW + x1) * channels;
      const o = (y * outW + x) * channels;
      for (let c = 0; c < channels; c++) {
        // TensorFlow's order of operations: across each row first, then between the rows.
        const top = input[tl + c] + (input[tr + c] - input[tl + c]) * tx;
        const bottom = input[bl + c] + (input[br + c] - input[bl + c]) * tx;
        out[o + c] = top + (bottom - top) * ty;
      }
    }
  }
  return out;
}

/** For each output index along one axis: the two input indices it lies between and its weight towards the higher. */
function samples(inSize: number, outSize: number): { low: number; high: number; t: number }[] {
  const scale = inSize / outSize;
  const result: { low: number; high: number; t: number }[] = [];
  for (let d = 0; d < outSize; d++) {
    const at = Math.min(Math.max((d + 0.5) * scale - 0.5, 0), inSize - 1);
    const low = Math.floor(at);
    result.push({ low, high: Math.min(low + 1, inSize - 1), t: at - low });
  }
  return result;
}
