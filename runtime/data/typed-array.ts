/**
 * Decoding the values of a binary data file (IDX, NPY) into typed arrays: one element type, one byte
 * order, a count of values that must fill the data exactly. The file formats say which element type
 * and byte order their headers mean (idx.ts, npy.ts); the size checks with each format's own message
 * run before decoding (headers.ts, which `nnc check` shares), so the check here only guards callers.
 */
import { DataError } from "./examples.js";

export type ElementType = "uint8" | "int8" | "int16" | "uint16" | "int32" | "int64" | "float32" | "float64";

export type ByteOrder = "big" | "little";

/** The decoded values; int64 arrives as a Float64Array (exact up to 2^53 − 1). */
export type DecodedArray = Uint8Array | Int8Array | Int16Array | Uint16Array | Int32Array | Float32Array | Float64Array;

/** Bytes per value of each element type. */
export const ELEMENT_BYTES: Readonly<Record<ElementType, number>> = {
  uint8: 1,
  int8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  int64: 8,
  float32: 4,
  float64: 8,
};

/** Where the values are in a file's bytes and how they are stored. */
export interface ValuesLayout {
  readonly element: ElementType;
  readonly byteOrder: ByteOrder;
  /** The byte at which the first value starts. */
  readonly offset: number;
  /** How many values follow; they must take every remaining byte. */
  readonly count: number;
}

const HOST_ORDER: ByteOrder = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? "little" : "big";

/**
 * The values `layout` describes, copied out of `bytes` (the result never shares `bytes`' buffer).
 * Throws a `DataError` naming the file as `name` unless the values fill the bytes after `offset`
 * exactly.
 */
export function decodeTypedArray(bytes: Uint8Array, layout: ValuesLayout, name: string): DecodedArray {
  const { element, byteOrder, offset, count } = layout;
  const size = ELEMENT_BYTES[element];
  const found = bytes.length - offset;
  if (!Number.isSafeInteger(count) || count < 0 || offset < 0 || found !== count * size) {
    throw new DataError(`${name}: size mismatch: ${count} values of ${element} need ${count * size} bytes of data, but the file has ${found}`);
  }
  // A plain Uint8Array over the values: `slice` on it copies (on a Node Buffer it would not).
  const data = new Uint8Array(bytes.buffer, bytes.byteOffset + offset, count * size);
  // Bytes in host order are the array already: `slice` gives a fresh, aligned buffer to view.
  if (size === 1 || (byteOrder === HOST_ORDER && element !== "int64")) return viewOf(element as CopiedElement, data.slice().buffer);
  return decodeWithDataView(data, element as ConvertedElement, byteOrder === "little");
}

/** The element types whose bytes, in host order, are the typed array itself. */
type CopiedElement = Exclude<ElementType, "int64">;
/** The element types decoded value by value: multi-byte ones in the other byte order, and int64. */
type ConvertedElement = Exclude<ElementType, "uint8" | "int8">;

function viewOf(element: CopiedElement, buffer: ArrayBuffer): DecodedArray {
  switch (element) {
    case "uint8":
      return new Uint8Array(buffer);
    case "int8":
      return new Int8Array(buffer);
    case "int16":
      return new Int16Array(buffer);
    case "uint16":
      return new Uint16Array(buffer);
    case "int32":
      return new Int32Array(buffer);
    case "float32":
      return new Float32Array(buffer);
    case "float64":
      return new Float64Array(buffer);
  }
}

/** Value by value, through a DataView (the data need not be aligned). */
function decodeWithDataView(data: Uint8Array, element: ConvertedElement, little: boolean): DecodedArray {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const count = data.byteLength / ELEMENT_BYTES[element];
  switch (element) {
    case "int16": {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(2 * i, little);
      return out;
    }
    case "uint16": {
      const out = new Uint16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getUint16(2 * i, little);
      return out;
    }
    case "int32": {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(4 * i, little);
      return out;
    }
    case "int64": {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = Number(view.getBigInt64(8 * i, little));
      return out;
    }
    case "float32": {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, little);
      return out;
    }
    case "float64": {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, little);
      return out;
    }
  }
}
