/**
 * IDX files (the format MNIST is distributed in): a 4-byte magic number — two zero bytes, a type
 * byte, the number of dimensions — then each dimension as a big-endian uint32, then the values,
 * big-endian, in row-major order. `idx(images, labels, shape, classes)` reads one file of examples
 * and one of labels (one number per example); unsigned-byte images are scaled to [0, 1] as pixel
 * intensities.
 */
import { DataError, sizeOf } from "./examples.js";
import { checkIdxSize, parseIdxHeader, type IdxType } from "./headers.js";
import type { RawExamples } from "./targets.js";
import { decodeTypedArray, type ElementType } from "./typed-array.js";
import { formatShape, readDataFile, requireExamples } from "./user-files.js";

export type { IdxType } from "./headers.js";

export type IdxArray = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxFile {
  readonly dims: number[];
  readonly type: IdxType;
  /** The values in the file's own type (host byte order). */
  readonly data: IdxArray;
}

export interface IdxSetting {
  readonly images: string;
  readonly labels: string;
  readonly shape: readonly number[] | null;
}

/** Reads an IDX file (a relative path is taken from the working folder); errors call it `name`. */
export function readIdx(path: string, name = path): IdxFile {
  return parseIdx(readDataFile(path, process.cwd()), name);
}

/** Parses the bytes of an IDX file; errors name the file as `name`. */
export function parseIdx(bytes: Uint8Array, name: string): IdxFile {
  // The header is parsed in headers.ts, which `nnc check` reads too.
  const header = parseIdxHeader(bytes, name);
  checkIdxSize(header, bytes.length, name);
  const values = decodeTypedArray(bytes, { element: IDX_ELEMENTS[header.type], byteOrder: "big", offset: header.headerBytes, count: sizeOf(header.dims) }, name);
  return { dims: header.dims, type: header.type, data: values as IdxArray };
}

/** The element type each IDX type byte means; IDX values are big-endian. */
const IDX_ELEMENTS: Readonly<Record<IdxType, ElementType>> = {
  ubyte: "uint8",
  byte: "int8",
  short: "int16",
  int: "int32",
  float: "float32",
  double: "float64",
};

/** Reads `idx(images, labels, shape)`; paths are relative to `baseDir`, the `.nn` file's folder. */
export function readIdxData(setting: IdxSetting, baseDir: string): RawExamples {
  const images = parseIdx(readDataFile(setting.images, baseDir), setting.images);
  const labels = parseIdx(readDataFile(setting.labels, baseDir), setting.labels);
  const count = images.dims[0];
  const labelCount = labels.dims[0];
  if (count !== labelCount) {
    throw new DataError(`${setting.images} holds ${count} images but ${setting.labels} holds ${labelCount} labels; they must match one to one`);
  }
  requireExamples(count, setting.images);
  const labelShape = labels.dims.slice(1);
  if (sizeOf(labelShape) !== 1) {
    throw new DataError(`${setting.labels}: each label has shape ${formatShape(labelShape)}, expected a single class index per example`);
  }

  const imageShape = images.dims.slice(1);
  let xShape: number[];
  if (setting.shape) {
    // IDX stores raw rows, so any shape of the same size is a reshape of them.
    if (sizeOf(imageShape) !== sizeOf(setting.shape)) {
      throw new DataError(
        `${setting.images}: each image has shape ${formatShape(imageShape)} (${sizeOf(imageShape)} values), expected ${formatShape(setting.shape)} (${sizeOf(setting.shape)} values) from \`shape\``,
      );
    }
    xShape = [...setting.shape];
  } else if (imageShape.length === 2) {
    xShape = [...imageShape, 1]; // gray images: the models' convolutions want a channel axis
  } else {
    xShape = imageShape.length === 0 ? [1] : imageShape;
  }

  const x = new Float32Array(images.data.length);
  if (images.type === "ubyte") {
    for (let i = 0; i < x.length; i++) x[i] = images.data[i] / 255;
  } else {
    const rowSize = Math.max(1, sizeOf(imageShape));
    for (let i = 0; i < x.length; i++) {
      const v = images.data[i];
      if (!Number.isFinite(v)) throw new DataError(`${setting.images}: image ${Math.floor(i / rowSize)} holds ${v} at value ${i % rowSize}, expected a finite number`);
      x[i] = v;
    }
  }
  return {
    count,
    inputs: [{ values: x, shape: xShape }],
    labels: [{ kind: "numbers", values: Float64Array.from(labels.data), shape: [] }],
    file: `${setting.images}, ${setting.labels}`,
    where: (row) => `${setting.labels}: example ${row}`,
  };
}
