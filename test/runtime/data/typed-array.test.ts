import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dataErrorOf } from "../../support/data-errors.js";
import { decodeTypedArray, ELEMENT_BYTES, type ByteOrder, type ElementType } from "../../../runtime/data/typed-array.js";
import { parseIdx } from "../../../runtime/data/idx.js";
import { parseNpy } from "../../../runtime/data/npy.js";

const ELEMENTS = Object.keys(ELEMENT_BYTES) as ElementType[];

/** Random values each element type holds exactly (int64 within 2^53, as it is decoded to a float64). */
function valuesOf(element: ElementType): fc.Arbitrary<number[]> {
  const values: Record<ElementType, fc.Arbitrary<number>> = {
    uint8: fc.integer({ min: 0, max: 255 }),
    int8: fc.integer({ min: -128, max: 127 }),
    int16: fc.integer({ min: -32768, max: 32767 }),
    uint16: fc.integer({ min: 0, max: 65535 }),
    int32: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    int64: fc.maxSafeInteger(),
    float32: fc.float({ noNaN: true }),
    float64: fc.double({ noNaN: true }),
  };
  return fc.array(values[element], { maxLength: 40 });
}

/** `values` written as `element` in `byteOrder` after `offset` bytes of padding, by DataView's setters. */
function encode(element: ElementType, byteOrder: ByteOrder, offset: number, values: readonly number[]): Uint8Array {
  const size = ELEMENT_BYTES[element];
  const view = new DataView(new ArrayBuffer(offset + values.length * size));
  const little = byteOrder === "little";
  values.forEach((v, i) => {
    const at = offset + i * size;
    if (element === "uint8") view.setUint8(at, v);
    else if (element === "int8") view.setInt8(at, v);
    else if (element === "int16") view.setInt16(at, v, little);
    else if (element === "uint16") view.setUint16(at, v, little);
    else if (element === "int32") view.setInt32(at, v, little);
    else if (element === "int64") view.setBigInt64(at, BigInt(v), little);
    else if (element === "float32") view.setFloat32(at, v, little);
    else view.setFloat64(at, v, little);
  });
  return new Uint8Array(view.buffer);
}

const layoutArbitrary = fc
  .record({ element: fc.constantFrom(...ELEMENTS), byteOrder: fc.constantFrom<ByteOrder>("big", "little"), offset: fc.integer({ min: 0, max: 9 }) })
  .chain((layout) => valuesOf(layout.element).map((values) => ({ ...layout, values })));

describe("decodeTypedArray", () => {
  it("decodes what was encoded, for every element type and byte order, at any offset", () => {
    fc.assert(
      fc.property(layoutArbitrary, ({ element, byteOrder, offset, values }) => {
        const bytes = encode(element, byteOrder, offset, values);
        const decoded = decodeTypedArray(bytes, { element, byteOrder, offset, count: values.length }, "f");
        // Float32 values are compared as float32: the encoder rounded them too.
        const expected = element === "float32" ? Array.from(Float32Array.from(values)) : values;
        expect(Array.from(decoded)).toEqual(expected);
      }),
    );
  });

  it("copies the values out of the bytes, also out of a Node Buffer", () => {
    const bytes = Buffer.from([9, 1, 2, 3, 4]);
    const decoded = decodeTypedArray(bytes, { element: "uint8", byteOrder: "little", offset: 1, count: 4 }, "f");
    bytes[1] = 99;
    expect(Array.from(decoded)).toEqual([1, 2, 3, 4]);
    expect(decoded.buffer.byteLength).toBe(4);
  });

  it("rejects data shorter or longer than the count says", () => {
    fc.assert(
      fc.property(layoutArbitrary, fc.integer({ min: 1, max: 8 }), fc.boolean(), ({ element, byteOrder, offset, values }, extra, longer) => {
        const count = longer ? values.length : values.length + 1;
        const bytes = longer ? new Uint8Array([...encode(element, byteOrder, offset, values), ...new Uint8Array(extra)]) : encode(element, byteOrder, offset, values);
        const found = bytes.length - offset;
        expect(dataErrorOf(() => decodeTypedArray(bytes, { element, byteOrder, offset, count }, "f.bin"))).toBe(
          `f.bin: size mismatch: ${count} values of ${element} need ${count * ELEMENT_BYTES[element]} bytes of data, but the file has ${found}`,
        );
      }),
    );
  });
});

describe("truncated and oversized files keep their format's message", () => {
  /** An IDX file of the shorts 1, 2, 3 (big-endian), with `extra` bytes more (or fewer, when negative). */
  const idx = (extra: number) => {
    const bytes = new Uint8Array([0, 0, 0x0b, 1, 0, 0, 0, 3, 0, 1, 0, 2, 0, 3, 7, 7]);
    return bytes.slice(0, bytes.length - 2 + extra);
  };

  it("IDX", () => {
    expect(Array.from(parseIdx(idx(0), "a.idx").data)).toEqual([1, 2, 3]);
    expect(dataErrorOf(() => parseIdx(idx(-1), "a.idx"))).toBe("a.idx: size mismatch: dimensions [3] of short need 6 bytes of data after the 8-byte header, but the file has 5");
    expect(dataErrorOf(() => parseIdx(idx(2), "a.idx"))).toBe("a.idx: size mismatch: dimensions [3] of short need 6 bytes of data after the 8-byte header, but the file has 8");
  });

  it("NPY", () => {
    /** A version 1 .npy file of the int32s -5, 6, its data `dataBytes` long. */
    const npy = (dataBytes: number) => {
      const header = "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }";
      const padded = header + " ".repeat(128 - 10 - header.length - 1) + "\n";
      const bytes = new Uint8Array(128 + dataBytes);
      bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, padded.length, 0]);
      bytes.set(new TextEncoder().encode(padded), 10);
      new DataView(bytes.buffer).setInt32(128, -5, true);
      if (dataBytes >= 8) new DataView(bytes.buffer).setInt32(132, 6, true);
      return bytes;
    };
    expect(Array.from(parseNpy(npy(8), "a.npy").data)).toEqual([-5, 6]);
    expect(dataErrorOf(() => parseNpy(npy(7), "a.npy"))).toBe("a.npy: size mismatch: shape [2] of <i4 needs 8 bytes of data, but the file has 7");
    expect(dataErrorOf(() => parseNpy(npy(9), "a.npy"))).toBe("a.npy: size mismatch: shape [2] of <i4 needs 8 bytes of data, but the file has 9");
  });
});
