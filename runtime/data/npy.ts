/**
 * NumPy `.npy` files (format versions 1, 2 and 3): the magic `\x93NUMPY`, a version, a header
 * length (2 bytes in v1, 4 in v2/v3), a Python dict literal with `descr`, `fortran_order` and
 * `shape`, then the values in C order. Only little-endian (or byte-sized) numeric types are read:
 * that is what NumPy writes on every common machine.
 *
 * `npy(x, y, shape, classes, targets)`: x's first axis is the example axis. y holds either class
 * labels — shape [n] or [n, 1] of an integer (or bool) type, or any type with `classes` given — that
 * become one-hot rows, or regression targets [n, k] (or [n], read as k = 1). Without `classes` and
 * `targets`, an integer y of one value per example is taken as class labels and anything else as
 * targets. x values are used as stored (no scaling, even for uint8: the user chose the values).
 */
import { DataError, sizeOf, type Examples } from "./examples.js";
import { classTargets, fitsShape, formatShape, readDataFile, requireExamples } from "./user-files.js";

export type NpyDtype = "<f4" | "<f8" | "<i4" | "<i8" | "|u1" | "<u2" | "<i2" | "|i1" | "|b1";

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
  readonly x: string;
  readonly y: string;
  readonly shape: readonly number[] | null;
  readonly classes: number | null;
  readonly targets: number | null;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const DTYPES: Readonly<Record<NpyDtype, { bytes: number; integer: boolean }>> = {
  "<f4": { bytes: 4, integer: false },
  "<f8": { bytes: 8, integer: false },
  "<i4": { bytes: 4, integer: true },
  "<i8": { bytes: 8, integer: true },
  "|u1": { bytes: 1, integer: true },
  "<u2": { bytes: 2, integer: true },
  "<i2": { bytes: 2, integer: true },
  "|i1": { bytes: 1, integer: true },
  "|b1": { bytes: 1, integer: true },
};

/** Reads a `.npy` file (a relative path is taken from the working folder); errors call it `name`. */
export function readNpy(path: string, name = path): NpyFile {
  return parseNpy(readDataFile(path, process.cwd()), name);
}

/** Parses the bytes of a `.npy` file; errors name the file as `name`. */
export function parseNpy(bytes: Uint8Array, name: string): NpyFile {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new DataError(`${name}: not a NumPy .npy file: it does not start with the magic "\\x93NUMPY"`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  if (major < 1 || major > 3) throw new DataError(`${name}: .npy format version ${major}.${bytes[7]}, expected 1, 2 or 3`);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) throw new DataError(`${name}: file too short: it ends inside the .npy preamble`);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = 8 + lengthBytes;
  const dataStart = headerStart + headerLength;
  if (bytes.length < dataStart) {
    throw new DataError(`${name}: file too short: the header takes ${headerLength} bytes after the preamble, but the file has ${bytes.length - headerStart}`);
  }
  const header = Buffer.from(bytes.buffer, bytes.byteOffset + headerStart, headerLength).toString(major === 3 ? "utf8" : "latin1");
  const { dtype, dims } = parseHeader(header, name);
  const { bytes: itemBytes, integer } = DTYPES[dtype];
  const count = sizeOf(dims);
  const expected = count * itemBytes;
  const found = bytes.length - dataStart;
  if (found !== expected) {
    throw new DataError(`${name}: size mismatch: shape ${formatShape(dims)} of ${dtype} needs ${expected} bytes of data, but the file has ${found}`);
  }
  return { dims, dtype, integer, data: values(view, dataStart, count, dtype) };
}

/** The header is a Python dict literal; the three keys NumPy always writes are picked out of it. */
function parseHeader(header: string, name: string): { dtype: NpyDtype; dims: number[] } {
  const descr = /['"]descr['"]\s*:\s*(?:'([^']*)'|"([^"]*)"|(\[))/.exec(header);
  if (!descr) throw new DataError(`${name}: the .npy header has no 'descr' (data type): ${header.trim()}`);
  if (descr[3]) throw new DataError(`${name}: the array has a structured data type; expected a plain numeric one (${supported()})`);
  const dtype = normalizeDescr(descr[1] ?? descr[2], name);
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header);
  if (!fortran) throw new DataError(`${name}: the .npy header has no 'fortran_order': ${header.trim()}`);
  if (fortran[1] === "True") {
    throw new DataError(`${name}: the array is stored in Fortran (column-major) order; save it in C order (np.save(path, np.ascontiguousarray(a)))`);
  }
  const shape = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header);
  if (!shape) throw new DataError(`${name}: the .npy header has no 'shape': ${header.trim()}`);
  const dims = shape[1]
    .split(",")
    .map((d) => d.trim().replace(/L$/, "")) // Python 2 wrote longs as 3L
    .filter((d) => d !== "")
    .map((d) => {
      if (!/^\d+$/.test(d)) throw new DataError(`${name}: the .npy header's shape (${shape[1]}) holds "${d}", expected a dimension`);
      return Number(d);
    });
  return { dtype, dims };
}

function normalizeDescr(descr: string, name: string): NpyDtype {
  // Byte-sized types have no byte order: NumPy writes `|`, but `<` and `=` mean the same.
  const oneByte = /^[<|=]([uib]1)$/.exec(descr);
  if (oneByte) return `|${oneByte[1]}` as NpyDtype;
  if (descr.startsWith(">")) throw new DataError(`${name}: the data type ${descr} is big-endian; expected little-endian (${supported()})`);
  const little = descr.replace(/^=/, "<");
  if (little in DTYPES) return little as NpyDtype;
  throw new DataError(`${name}: unsupported data type ${descr}; expected one of ${supported()}`);
}

function supported(): string {
  return Object.keys(DTYPES).join(" ");
}

/** The values, read little-endian; DataView because the data offset need not be aligned. */
function values(view: DataView, offset: number, count: number, dtype: NpyDtype): NpyArray {
  const at = view.byteOffset + offset;
  switch (dtype) {
    case "|u1":
    case "|b1":
      return new Uint8Array(view.buffer, at, count).slice();
    case "|i1":
      return new Int8Array(view.buffer, at, count).slice();
    case "<i2": {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(offset + 2 * i, true);
      return out;
    }
    case "<u2": {
      const out = new Uint16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getUint16(offset + 2 * i, true);
      return out;
    }
    case "<i4": {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(offset + 4 * i, true);
      return out;
    }
    case "<i8": {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = Number(view.getBigInt64(offset + 8 * i, true));
      return out;
    }
    case "<f4": {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(offset + 4 * i, true);
      return out;
    }
    case "<f8": {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(offset + 8 * i, true);
      return out;
    }
  }
}

/** Loads `npy(x, y, shape, classes, targets)`; paths are relative to `baseDir`, the `.nn` file's folder. */
export function loadNpy(setting: NpySetting, baseDir: string): Examples {
  if (setting.classes !== null && setting.targets !== null) {
    throw new DataError(`npy("${setting.x}", "${setting.y}"): both \`classes\` and \`targets\` are given; keep one`);
  }
  const xs = parseNpy(readDataFile(setting.x, baseDir), setting.x);
  const ys = parseNpy(readDataFile(setting.y, baseDir), setting.y);
  if (xs.dims.length === 0) throw new DataError(`${setting.x}: the array is a scalar; expected examples on its first axis`);
  if (ys.dims.length === 0) throw new DataError(`${setting.y}: the array is a scalar; expected targets on its first axis`);
  const count = xs.dims[0];
  if (ys.dims[0] !== count) {
    throw new DataError(`${setting.x} holds ${count} examples (shape ${formatShape(xs.dims)}) but ${setting.y} holds ${ys.dims[0]} (shape ${formatShape(ys.dims)}); the first axes must match`);
  }
  requireExamples(count, setting.x);

  const exampleShape = xs.dims.slice(1);
  let xShape: number[];
  if (setting.shape) {
    if (!fitsShape(exampleShape, setting.shape)) {
      throw new DataError(`${setting.x}: examples have shape ${formatShape(exampleShape)} (array ${formatShape(xs.dims)}), expected ${formatShape(setting.shape)} from \`shape\``);
    }
    xShape = [...setting.shape];
  } else {
    xShape = exampleShape.length === 0 ? [1] : exampleShape;
  }
  const x = toFloat32(xs, setting.x);

  const targetShape = ys.dims.slice(1);
  const oneLabel = sizeOf(targetShape) === 1 && targetShape.length <= 1;
  const asClasses = setting.classes !== null || (setting.targets === null && ys.integer && oneLabel);
  if (asClasses) {
    if (!oneLabel) {
      throw new DataError(`${setting.y}: targets have shape ${formatShape(targetShape)} per example, expected one class index per example (array [${count}])`);
    }
    const t = classTargets(ys.data, setting.classes, (row) => `${setting.y}: example ${row}`);
    return { x, xShape, y: t.y, yShape: t.yShape, count, classes: t.classes };
  }
  let yShape: number[];
  if (setting.targets !== null) {
    if (!fitsShape(targetShape, [setting.targets])) {
      throw new DataError(`${setting.y}: targets have shape ${formatShape(targetShape)} per example (array ${formatShape(ys.dims)}), expected [${setting.targets}] from \`targets\``);
    }
    yShape = [setting.targets];
  } else {
    yShape = targetShape.length === 0 ? [1] : targetShape;
  }
  return { x, xShape, y: toFloat32(ys, setting.y), yShape, count, classes: null };
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
