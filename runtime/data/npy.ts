/**
 * NumPy `.npy` files (format versions 1, 2 and 3): the magic `\x93NUMPY`, a version, a header
 * length (2 bytes in v1, 4 in v2/v3), a Python dict literal with `descr`, `fortran_order` and
 * `shape`, then the values in C order. Only little-endian (or byte-sized) numeric types are read:
 * that is what NumPy writes on every common machine.
 *
 * `npy(x, y, shape, classes, targets)`: one x file per model input and one y file per output; the
 * first axis of each is the example axis, and their lengths must agree. y values are labels whose
 * meaning (class indices or real values) targets.ts decides. x values are used as stored (no
 * scaling, even for uint8: the user chose the values).
 */
import { DataError, sizeOf, type Column } from "./examples.js";
import { checkNpySize, parseNpyHeader, type NpyDtype } from "./headers.js";
import type { RawExamples, RawLabels } from "./targets.js";
import { decodeTypedArray, type ElementType } from "./typed-array.js";
import { fitsShape, formatShape, readDataFile, requireExamples } from "./user-files.js";

export type { NpyDtype } from "./headers.js";

export type NpyArray = Float32Array | Float64Array | Int32Array | Int16Array | Int8Array | Uint8Array | Uint16Array;

export interface NpyFile {
  readonly dims: number[];
  readonly dtype: NpyDtype;
  /** Whether the values are integers (or booleans): class labels can come from such an array. */
  readonly integer: boolean;
  /** The values; `<i8` arrives as a Float64Array (exact up to 2^53) and `|b1` as 0/1 bytes. */
  readonly data: NpyArray;
}

export interface NpySetting {
  /** One file per model input. */
  readonly x: readonly string[];
  /** One file per model output. */
  readonly y: readonly string[];
  /** The example shape of the (only) input. */
  readonly shape: readonly number[] | null;
}

/** Reads a `.npy` file (a relative path is taken from the working folder); errors call it `name`. */
export function readNpy(path: string, name = path): NpyFile {
  return parseNpy(readDataFile(path, process.cwd()), name);
}

/** Parses the bytes of a `.npy` file; errors name the file as `name`. */
export function parseNpy(bytes: Uint8Array, name: string): NpyFile {
  // The header is parsed in headers.ts, which `nnc check` reads too.
  const header = parseNpyHeader(bytes, name);
  checkNpySize(header, bytes.length, name);
  const { dims, dtype, integer, dataStart } = header;
  const values = decodeTypedArray(bytes, { element: NPY_ELEMENTS[dtype], byteOrder: "little", offset: dataStart, count: sizeOf(dims) }, name);
  return { dims, dtype, integer, data: values };
}

/** The element type of each supported dtype; byte-sized ones have no byte order, the others are little-endian. */
const NPY_ELEMENTS: Readonly<Record<NpyDtype, ElementType>> = {
  "|u1": "uint8",
  "|b1": "uint8",
  "|i1": "int8",
  "<i2": "int16",
  "<u2": "uint16",
  "<i4": "int32",
  "<i8": "int64",
  "<f4": "float32",
  "<f8": "float64",
};

/** Reads `npy(x, y, shape)`; paths are relative to `baseDir`, the `.nn` file's folder. */
export function readNpyData(setting: NpySetting, baseDir: string): RawExamples {
  const xs = setting.x.map((path) => parseNpy(readDataFile(path, baseDir), path));
  const ys = setting.y.map((path) => parseNpy(readDataFile(path, baseDir), path));
  const files = [...setting.x.map((path, i) => ({ path, array: xs[i] })), ...setting.y.map((path, i) => ({ path, array: ys[i] }))];
  for (const { path, array } of files) {
    if (array.dims.length === 0) throw new DataError(`${path}: the array is a scalar; expected examples on its first axis`);
  }
  const count = files[0].array.dims[0];
  for (const { path, array } of files.slice(1)) {
    if (array.dims[0] !== count) {
      throw new DataError(`${files[0].path} holds ${count} examples (shape ${formatShape(files[0].array.dims)}) but ${path} holds ${array.dims[0]} (shape ${formatShape(array.dims)}); the first axes must match`);
    }
  }
  requireExamples(count, files[0].path);
  const inputs = xs.map((array, i): Column => {
    const exampleShape = array.dims.slice(1);
    let shape: number[];
    if (setting.shape && xs.length === 1) {
      if (!fitsShape(exampleShape, setting.shape)) {
        throw new DataError(`${setting.x[i]}: examples have shape ${formatShape(exampleShape)} (array ${formatShape(array.dims)}), expected ${formatShape(setting.shape)} from \`shape\``);
      }
      shape = [...setting.shape];
    } else {
      shape = exampleShape.length === 0 ? [1] : exampleShape;
    }
    return { values: toFloat32(array, setting.x[i]), shape };
  });
  const labels = ys.map((array): RawLabels => ({ kind: "numbers", values: array.data instanceof Float64Array ? array.data : Float64Array.from(array.data), shape: array.dims.slice(1) }));
  const last = setting.y[setting.y.length - 1];
  return { count, inputs, labels, file: [...setting.x, ...setting.y].join(", "), where: (row) => `${setting.y.length === 1 ? last : setting.x[0]}: example ${row}` };
}

/** The values as float32, rejecting NaN and infinities with the example and position that hold them. */
function toFloat32(file: NpyFile, name: string): Float32Array {
  const out = new Float32Array(file.data.length);
  const row = Math.max(1, sizeOf(file.dims.slice(1)));
  for (let i = 0; i < out.length; i++) {
    out[i] = file.data[i];
    // Tested after the conversion, so float64 values beyond float32's range are caught too.
    if (!Number.isFinite(out[i])) {
      throw new DataError(`${name}: example ${Math.floor(i / row)} holds ${file.data[i]} at value ${i % row}, expected a finite float32 number`);
    }
  }
  return out;
}
