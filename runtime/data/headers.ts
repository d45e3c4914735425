/**
 * The headers of data files, parsed without their data: an IDX file's magic number and dimensions,
 * a NumPy `.npy` file's preamble and header dict, a CSV file's first row. The readers (idx.ts,
 * npy.ts, csv.ts) parse headers here, and so does `nnc check`, which reads only the first bytes of a
 * file (`readHead`), so both say the same thing about the same file. Nothing here imports
 * TensorFlow.js or a decoder.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { DataError, sizeOf } from "./examples.js";
import { formatShape } from "./user-files.js";

/**
 * Reads at most `maxBytes` from the start of a regular file, and whether that is the whole file;
 * undefined when `path` is not a regular file (a FIFO or a device is never read: the file is opened
 * without blocking and checked before reading). Reads to the end of the file or `maxBytes`, whatever
 * `stat` says its size is (files under /proc say 0). Throws what `openSync`/`readSync` throw.
 */
export function readHead(path: string, maxBytes: number): { readonly bytes: Uint8Array; readonly complete: boolean } | undefined {
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    if (!fstatSync(fd).isFile()) return undefined;
    const bytes = new Uint8Array(maxBytes);
    let got = 0;
    let complete = false;
    while (got < maxBytes) {
      const n = readSync(fd, bytes, got, maxBytes - got, got);
      if (n === 0) {
        complete = true;
        break;
      }
      got += n;
    }
    if (!complete && got === maxBytes) complete = readSync(fd, new Uint8Array(1), 0, 1, got) === 0;
    return { bytes: bytes.subarray(0, got), complete };
  } finally {
    closeSync(fd);
  }
}

// ---------------------------------------------------------------------------------------------
// IDX

export type IdxType = "ubyte" | "byte" | "short" | "int" | "float" | "double";

/** The type byte of an IDX file: its values' type and size. */
export const IDX_TYPES: ReadonlyMap<number, { readonly type: IdxType; readonly bytes: number }> = new Map([
  [0x08, { type: "ubyte", bytes: 1 }],
  [0x09, { type: "byte", bytes: 1 }],
  [0x0b, { type: "short", bytes: 2 }],
  [0x0c, { type: "int", bytes: 4 }],
  [0x0d, { type: "float", bytes: 4 }],
  [0x0e, { type: "double", bytes: 8 }],
]);

/** The longest IDX header: the 4-byte magic number and 255 dimensions of 4 bytes. */
export const IDX_MAX_HEADER_BYTES = 4 + 4 * 255;

export interface IdxHeader {
  readonly type: IdxType;
  /** Bytes per value. */
  readonly itemBytes: number;
  readonly dims: number[];
  /** Where the values start: 4 + 4·rank. */
  readonly headerBytes: number;
}

/**
 * The header of an IDX file from its first bytes (at least the header, or the whole file when it is
 * shorter); errors name the file as `name`.
 */
export function parseIdxHeader(bytes: Uint8Array, name: string): IdxHeader {
  if (bytes.length < 4) throw new DataError(`${name}: not an IDX file: ${bytes.length} bytes, shorter than the 4-byte magic number`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const kind = IDX_TYPES.get(bytes[2]);
  const rank = bytes[3];
  if (bytes[0] !== 0 || bytes[1] !== 0 || !kind || rank === 0) {
    const magic = view.getUint32(0, false).toString(16).padStart(8, "0");
    throw new DataError(
      `${name}: not an IDX file: magic number 0x${magic}, expected 0x0000 then a type byte (08 ubyte, 09 byte, 0B short, 0C int, 0D float, 0E double) and a dimension count of at least 1`,
    );
  }
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw new DataError(`${name}: file too short: the header declares ${rank} dimensions, which take ${headerBytes} bytes, but the file has ${bytes.length}`);
  }
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i, false));
  return { type: kind.type, itemBytes: kind.bytes, dims, headerBytes };
}

/** Throws unless a file of `fileBytes` bytes holds exactly the values its header declares. */
export function checkIdxSize(header: IdxHeader, fileBytes: number, name: string): void {
  const expected = sizeOf(header.dims) * header.itemBytes;
  const found = fileBytes - header.headerBytes;
  if (found !== expected) {
    throw new DataError(
      `${name}: size mismatch: dimensions ${formatShape(header.dims)} of ${header.type} need ${expected} bytes of data after the ${header.headerBytes}-byte header, but the file has ${found}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// NPY

export type NpyDtype = "<f4" | "<f8" | "<i4" | "<i8" | "|u1" | "<u2" | "<i2" | "|i1" | "|b1";

const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export const NPY_DTYPES: Readonly<Record<NpyDtype, { readonly bytes: number; readonly integer: boolean }>> = {
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

export interface NpyHeader {
  readonly dtype: NpyDtype;
  readonly dims: number[];
  /** Bytes per value. */
  readonly itemBytes: number;
  /** Whether the values are integers (or booleans). */
  readonly integer: boolean;
  /** Where the values start: after the preamble and the header dict. */
  readonly dataStart: number;
}

/**
 * Where an `.npy` file's values start, from its preamble (the first 12 bytes suffice); errors name
 * the file as `name`.
 */
export function npyDataStart(bytes: Uint8Array, name: string): { readonly major: number; readonly headerStart: number; readonly dataStart: number } {
  if (bytes.length < 10 || NPY_MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new DataError(`${name}: not a NumPy .npy file: it does not start with the magic "\\x93NUMPY"`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  if (major < 1 || major > 3) throw new DataError(`${name}: .npy format version ${major}.${bytes[7]}, expected 1, 2 or 3`);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) throw new DataError(`${name}: file too short: it ends inside the .npy preamble`);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = 8 + lengthBytes;
  return { major, headerStart, dataStart: headerStart + headerLength };
}

/**
 * The header of an `.npy` file from its first bytes (at least up to the data, or the whole file
 * when it is shorter); errors name the file as `name`.
 */
export function parseNpyHeader(bytes: Uint8Array, name: string): NpyHeader {
  const { major, headerStart, dataStart } = npyDataStart(bytes, name);
  if (bytes.length < dataStart) {
    throw new DataError(`${name}: file too short: the header takes ${dataStart - headerStart} bytes after the preamble, but the file has ${bytes.length - headerStart}`);
  }
  const header = Buffer.from(bytes.buffer, bytes.byteOffset + headerStart, dataStart - headerStart).toString(major === 3 ? "utf8" : "latin1");
  const { dtype, dims } = parseHeaderDict(header, name);
  const { bytes: itemBytes, integer } = NPY_DTYPES[dtype];
  return { dtype, dims, itemBytes, integer, dataStart };
}

/** Throws unless a file of `fileBytes` bytes holds exactly the values its header declares. */
export function checkNpySize(header: NpyHeader, fileBytes: number, name: string): void {
  const expected = sizeOf(header.dims) * header.itemBytes;
  const found = fileBytes - header.dataStart;
  if (found !== expected) {
    throw new DataError(`${name}: size mismatch: shape ${formatShape(header.dims)} of ${header.dtype} needs ${expected} bytes of data, but the file has ${found}`);
  }
}

/** The header is a Python dict literal; the three keys NumPy always writes are picked out of it. */
function parseHeaderDict(header: string, name: string): { dtype: NpyDtype; dims: number[] } {
  const descr = /['"]descr['"]\s*:\s*(?:'([^']*)'|"([^"]*)"|(\[))/.exec(header);
  if (!descr) throw new DataError(`${name}: the .npy header has no 'descr' (data type): ${header.trim()}`);
  if (descr[3]) throw new DataError(`${name}: the array has a structured data type; expected a plain numeric one (${supportedDtypes()})`);
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
  if (descr.startsWith(">")) throw new DataError(`${name}: the data type ${descr} is big-endian; expected little-endian (${supportedDtypes()})`);
  const little = descr.replace(/^=/, "<");
  if (little in NPY_DTYPES) return little as NpyDtype;
  throw new DataError(`${name}: unsupported data type ${descr}; expected one of ${supportedDtypes()}`);
}

function supportedDtypes(): string {
  return Object.keys(NPY_DTYPES).join(" ");
}

// ---------------------------------------------------------------------------------------------
// CSV

/** How csv.ts parses CSV (RFC 4180), shared so that the first row reads the same here. */
export const CSV_PARSE_OPTIONS = {
  bom: true,
  relax_column_count: true, // counted by the reader, for a message with the expected count
  skip_empty_lines: false, // kept so that every line is a record and line numbers follow
  record_delimiter: ["\r\n", "\n", "\r"],
} as const;

/** A decimal number as spreadsheets and NumPy write them; stricter than Number(), which takes "" and "0x1F". */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function parseCsvNumber(text: string): number | null {
  const t = text.trim();
  if (!NUMBER.test(t)) return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}

/** The first row of a CSV file is a header when any of its cells is not a number. */
export function isCsvHeader(cells: readonly string[]): boolean {
  return cells.some((c) => parseCsvNumber(c) === null);
}

/** A row the reader skips at the end of a file: one empty (or blank) cell. */
export function isBlankCsvRow(cells: readonly string[]): boolean {
  return cells.length === 1 && cells[0].trim() === "";
}

/**
 * What the first bytes of a CSV file say about its first row: its cells; `empty` when the whole file
 * was read and holds only blank lines; `unknown` when the first row does not end within `bytes`
 * (and `complete` says the file goes on) or cannot be parsed (the reader then reports it, with its
 * line). `complete`: whether `bytes` is the whole file.
 */
export function csvFirstRow(bytes: Uint8Array, complete: boolean): { readonly kind: "row"; readonly cells: string[] } | { readonly kind: "empty" } | { readonly kind: "unknown" } {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
  const end = complete ? text.length : firstRecordEnd(text);
  if (end === undefined) return { kind: "unknown" };
  let records: string[][];
  try {
    records = parse(text.slice(0, end), { ...CSV_PARSE_OPTIONS, record_delimiter: [...CSV_PARSE_OPTIONS.record_delimiter] });
  } catch {
    return { kind: "unknown" };
  }
  if (complete) while (records.length > 0 && isBlankCsvRow(records[records.length - 1])) records.pop();
  if (records.length === 0) return complete ? { kind: "empty" } : { kind: "unknown" };
  return { kind: "row", cells: records[0] };
}

/** Where the first record ends (its line break, outside quotes); undefined when it does not end in `text`. */
function firstRecordEnd(text: string): number | undefined {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === "\n" || c === "\r")) return i;
  }
  return undefined;
}
