// Writes the Iris measurements of iris.csv and iris-test.csv again in the other formats nnc reads,
// for the examples of docs/training.md:
//
//   iris.json                 [{"x": [4 measurements], "y": "setosa"}, …]        (training rows)
//   iris-parts.json           [{"sepal": [2], "petal": [2], "species": "setosa"}, …]
//   iris-x.npy, iris-y.npy    float32 [120, 4] and uint8 class indices [120]   (0 setosa, 1 versicolor, 2 virginica)
//   iris-test-x.npy, iris-test-y.npy            the same for the 30 test rows
//   iris-sepal.npy, iris-petal.npy              float32 [120, 2] each
//   iris-features.idx, iris-labels.idx          IDX: float [120, 4] and unsigned bytes [120]
//   iris-test-features.idx, iris-test-labels.idx
//   iris-measurements.csv     the four measurements of the training rows, without the species
//
// Run it again after changing the CSV files: node examples/own-data/make-arrays.mjs
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const SPECIES = ["setosa", "versicolor", "virginica"];

function readIris(name) {
  const [header, ...lines] = readFileSync(join(here, name), "utf8").trim().split("\n");
  if (header !== "sepal_length,sepal_width,petal_length,petal_width,species") throw new Error(`${name}: unexpected header ${header}`);
  return lines.map((line) => {
    const cells = line.split(",");
    return { x: cells.slice(0, 4).map(Number), species: cells[4] };
  });
}

/** A NumPy .npy file, format 1.0: magic, version, header length, the header dict padded to 64 bytes, the data. */
function npy(descr, shape, data) {
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(", ")}${shape.length === 1 ? "," : ""}), }`;
  const unpadded = 10 + dict.length + 1;
  const header = dict + " ".repeat((64 - (unpadded % 64)) % 64) + "\n";
  const preamble = Buffer.alloc(10);
  preamble.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  preamble.writeUInt16LE(header.length, 8);
  return Buffer.concat([preamble, Buffer.from(header, "latin1"), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}

/** An IDX file: two zero bytes, the type byte, the number of dimensions, the dimensions and the values, big-endian. */
function idx(type, shape, values) {
  const bytes = type === 0x0d ? 4 : 1;
  const out = Buffer.alloc(4 + 4 * shape.length + values.length * bytes);
  out.set([0, 0, type, shape.length]);
  shape.forEach((d, i) => out.writeUInt32BE(d, 4 + 4 * i));
  const start = 4 + 4 * shape.length;
  values.forEach((v, i) => (type === 0x0d ? out.writeFloatBE(v, start + 4 * i) : out.writeUInt8(v, start + i)));
  return out;
}

const write = (name, bytes) => writeFileSync(join(here, name), bytes);
const columns = (rows, from, to) => Float32Array.from(rows.flatMap((r) => r.x.slice(from, to)));
const classes = (rows) => Uint8Array.from(rows.map((r) => SPECIES.indexOf(r.species)));

const train = readIris("iris.csv");
const test = readIris("iris-test.csv");

const rowsJson = (rows, row) => `[\n${rows.map((r) => `  ${JSON.stringify(row(r))}`).join(",\n")}\n]\n`;
write("iris.json", rowsJson(train, (r) => ({ x: r.x, y: r.species })));
write("iris-parts.json", rowsJson(train, (r) => ({ sepal: r.x.slice(0, 2), petal: r.x.slice(2), species: r.species })));

for (const [prefix, rows] of [["iris", train], ["iris-test", test]]) {
  write(`${prefix}-x.npy`, npy("<f4", [rows.length, 4], columns(rows, 0, 4)));
  write(`${prefix}-y.npy`, npy("|u1", [rows.length], classes(rows)));
  const features = prefix === "iris" ? "iris-features.idx" : "iris-test-features.idx";
  const labels = prefix === "iris" ? "iris-labels.idx" : "iris-test-labels.idx";
  write(features, idx(0x0d, [rows.length, 4], Array.from(columns(rows, 0, 4))));
  write(labels, idx(0x08, [rows.length], Array.from(classes(rows))));
}
write("iris-sepal.npy", npy("<f4", [train.length, 2], columns(train, 0, 2)));
write("iris-petal.npy", npy("<f4", [train.length, 2], columns(train, 2, 4)));
write("iris-measurements.csv", `sepal_length,sepal_width,petal_length,petal_width\n${train.map((r) => r.x.join(",")).join("\n")}\n`);
