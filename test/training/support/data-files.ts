/** Real data files in a temporary folder, for the checks of data files (no TensorFlow.js here). */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { PNG } from "pngjs";

export function tempFolder(prefix = "nnc-data-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes `content` at `path` under `dir` (folders made as needed); returns the absolute path. */
export function put(dir: string, path: string, content: string | Uint8Array): string {
  const file = join(dir, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
  return file;
}

/** An unsigned-byte IDX file of these dimensions (values all 0). */
export function idxBytes(dims: readonly number[], type = 0x08, itemBytes = 1): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = type;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.alloc(dims.reduce((a, b) => a * b, 1) * itemBytes)]);
}

/** A version-1 `.npy` file of this dtype and shape (values all 0), as np.save writes it. */
export function npyBytes(shape: readonly number[], descr = "<f4", itemBytes = 4): Buffer {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(", ");
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${dims}), }`;
  const total = 10 + dict.length + 1;
  dict += " ".repeat((64 - (total % 64)) % 64) + "\n";
  const preamble = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 0, 0]);
  preamble.writeUInt16LE(dict.length, 8);
  return Buffer.concat([preamble, Buffer.from(dict, "latin1"), Buffer.alloc(shape.reduce((a, b) => a * b, 1) * itemBytes)]);
}

/** A gray PNG of `width`×`height` pixels. */
export function pngBytes(width: number, height: number): Buffer {
  const png = new PNG({ width, height });
  png.data.fill(128);
  return PNG.sync.write(png);
}
