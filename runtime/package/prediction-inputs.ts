/**
 * The inputs `nnc predict` reads: files in the layout of a package's inputs, without labels. Which
 * reader a file goes to follows its name (`.csv`, `.json`, `.npy`, `.png`/`.jpg`/`.jpeg`, an IDX
 * name such as `.idx` or `t10k-images-idx3-ubyte`, a folder of images), else the training's data
 * source. All files given must be of one kind; their examples are read in the order given.
 *
 * - CSV: the feature columns, one count per model input (its size); the training's label columns
 *   may be there (they are skipped) or not.
 * - JSON: examples with the input keys (`x`, or the inputs' names); target keys may be there.
 * - NPY: one file per model input, in the model's input order, examples on the first axis.
 * - IDX: images files for a model with one input; unsigned bytes are scaled to [0, 1] as training
 *   on IDX scales them.
 * - Images: files, and folders searched recursively (hidden entries skipped, sorted by code point
 *   of their paths), decoded with the training's image options (`images` source: size, color,
 *   scale; `mnist`: 28×28 grayscale, /255).
 *
 * Every example keeps a name for the output (`rows`): `new.csv:3`, `photos/cat1.png`,
 * `x.npy: example 4`. A file that does not fit the model is a DataError naming it and saying what
 * the model takes. Values stay raw: the predictor applies each network's preprocessing.
 */
import { readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { readCsv } from "../data/csv.js";
import { DataError, sizeOf, type Column } from "../data/examples.js";
import { compareCodePoints, isImageFileName } from "../data/image-folder.js";
import { readImage, type ImageOptions } from "../data/images.js";
import { parseIdx } from "../data/idx.js";
import { readJson } from "../data/json.js";
import { parseNpy } from "../data/npy.js";
import { formatShape, readDataFile } from "../data/user-files.js";
import type { DataSetting, Settled } from "../core/settings.js";
import type { PackageFile, PackageInput } from "./format.js";

export interface PredictionInputs {
  /** One column per model input, in the model's order: raw values, `count` rows each. */
  readonly inputs: Column[];
  readonly count: number;
  /** What example i is called in the output: `new.csv:3`, `photos/cat1.png`, `x.npy: example 4`. */
  readonly rows: string[];
}

type Kind = "csv" | "json" | "npy" | "idx" | "images";

const KIND_NAMES: Readonly<Record<Kind, string>> = { csv: "a CSV file", json: "a JSON file", npy: "an NPY file", idx: "an IDX file", images: "an image or a folder of images" };

/** Reads the files `paths` (relative to `cwd`) as inputs for the package's model. */
export function readPredictionInputs(pkg: PackageFile, paths: readonly string[], cwd: string): PredictionInputs {
  if (paths.length === 0) throw new DataError("no input files given");
  const kinds = paths.map((path) => kindOf(path, cwd, pkg.data.source));
  const kind = kinds[0];
  const other = kinds.findIndex((k) => k !== kind);
  if (other >= 0) {
    throw new DataError(`${paths[0]} is ${KIND_NAMES[kind]} but ${paths[other]} is ${KIND_NAMES[kinds[other]]}; give files of one kind (run nnc predict once per kind)`);
  }
  switch (kind) {
    case "csv":
      return concatenate(pkg, paths.map((path) => fromCsv(pkg, path, cwd)));
    case "json":
      return concatenate(pkg, paths.map((path) => fromJson(pkg, path, cwd)));
    case "npy":
      return fromNpy(pkg, paths, cwd);
    case "idx":
      return concatenate(pkg, paths.map((path) => fromIdx(pkg, path, cwd)));
    case "images":
      return fromImages(pkg, paths, cwd);
  }
}

/** The reader of a path: a folder is images; else its name, else the training's source. */
function kindOf(path: string, cwd: string, source: Settled<DataSetting>): Kind {
  const full = resolve(cwd, path);
  let folder: boolean;
  try {
    folder = statSync(full).isDirectory();
  } catch {
    throw new DataError(`cannot read ${path}${full === path ? "" : ` (resolved to ${full})`}: no such file or folder`);
  }
  if (folder) return "images";
  const lower = path.toLowerCase();
  if (lower.endsWith(".csv")) return "csv";
  if (lower.endsWith(".json")) return "json";
  if (lower.endsWith(".npy")) return "npy";
  if (isImageFileName(lower)) return "images";
  if (lower.endsWith(".idx") || /idx\d-ubyte$/.test(lower) || /\.idx\d$/.test(lower)) return "idx";
  switch (source.kind) {
    case "csv":
    case "json":
    case "npy":
    case "idx":
    case "images":
      return source.kind;
    case "mnist":
      return "idx";
    default:
      throw new DataError(`${path}: not a file nnc predict reads (.csv, .json, .npy, .png, .jpg, .jpeg, IDX); the model was trained on ${source.kind} data`);
  }
}

/** One file's examples, before they are put together. */
interface Part {
  readonly file: string;
  readonly inputs: Column[];
  readonly count: number;
  readonly rows: string[];
}

function concatenate(pkg: PackageFile, parts: readonly Part[]): PredictionInputs {
  if (parts.length === 1) return checked(pkg, parts[0]);
  const all = parts.map((p) => checked(pkg, p));
  const first = all[0];
  pkg.inputs.forEach((spec, i) => {
    const odd = all.findIndex((p) => formatShape(p.inputs[i].shape) !== formatShape(first.inputs[i].shape));
    if (odd >= 0) {
      throw new DataError(`${parts[odd].file}: input \`${spec.name}\` is ${formatShape(all[odd].inputs[i].shape)} per example, but ${formatShape(first.inputs[i].shape)} in ${parts[0].file}; predict on them separately`);
    }
  });
  const count = all.reduce((n, p) => n + p.count, 0);
  const inputs = pkg.inputs.map((_, i) => {
    const values = new Float32Array(all.reduce((n, p) => n + p.inputs[i].values.length, 0));
    let at = 0;
    for (const p of all) {
      values.set(p.inputs[i].values, at);
      at += p.inputs[i].values.length;
    }
    return { values, shape: first.inputs[i].shape };
  });
  return { inputs, count, rows: all.flatMap((p) => p.rows) };
}

/** The part's columns made to the model's input shapes (or a DataError naming the file), token ids checked. */
function checked(pkg: PackageFile, part: Part): PredictionInputs {
  if (part.inputs.length !== pkg.inputs.length) {
    throw new DataError(`${part.file} gives ${part.inputs.length} input${part.inputs.length === 1 ? "" : "s"} per example, but the model takes ${pkg.inputs.length} (${pkg.inputs.map((i) => `\`${i.name}\``).join(", ")})`);
  }
  const inputs = pkg.inputs.map((_, i) => checkedOne(pkg, i, part.inputs[i], part.file, part.rows, false));
  return { inputs, count: part.count, rows: part.rows };
}

function shown(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => d ?? "?").join(", ")}]`;
}

/**
 * A column in the model's input shape: as it is when it fits (open dimensions take the data's),
 * with a trailing channel axis of 1 added, flattened when the model takes a flat vector of its
 * size, or — for IDX rows — reshaped when the sizes agree.
 */
function conform(column: Column, spec: PackageInput, file: string, reshape: boolean): Column {
  const found = column.shape;
  const want = spec.shape;
  const fits = (dims: readonly number[]) => dims.length === want.length && want.every((d, k) => d === null || d === dims[k]);
  if (fits(found)) return column;
  if (fits([...found, 1])) return { ...column, shape: [...found, 1] };
  const known = want.every((d) => d !== null);
  if (known && sizeOf(want as number[]) === sizeOf(found) && (want.length === 1 || reshape)) return { ...column, shape: want as number[] };
  const many = sizeOf(found) === 1 ? "value" : "values";
  throw new DataError(`${file}: each example gives input \`${spec.name}\` as ${formatShape(found)} (${sizeOf(found)} ${many}), but the model takes ${shown(want)}`);
}

function requireIntegers(column: Column, spec: PackageInput, rows: readonly string[]): void {
  const size = Math.max(1, sizeOf(column.shape));
  for (let i = 0; i < column.values.length; i++) {
    if (!Number.isInteger(column.values[i])) throw new DataError(`${rows[Math.floor(i / size)]}: input \`${spec.name}\` takes integer token ids, found ${column.values[i]}`);
  }
}

/** The size of each input, for files that give them as flat columns (CSV). */
function flatSizes(pkg: PackageFile, file: string): number[] {
  return pkg.inputs.map((spec) => {
    if (spec.shape.some((d) => d === null)) throw new DataError(`${file}: input \`${spec.name}\` is ${shown(spec.shape)}, of open size; a CSV row cannot give it: use JSON or NPY`);
    return sizeOf(spec.shape as number[]);
  });
}

function fromCsv(pkg: PackageFile, path: string, cwd: string): Part {
  const source = pkg.data.source;
  const csv = source.kind === "csv" ? source : null;
  const raw = readCsv(
    {
      path,
      label: csv ? csv.label : [],
      features: flatSizes(pkg, path),
      targets: csv && csv.targets,
      labelsOptional: true,
    },
    cwd,
  );
  return { file: path, inputs: [...raw.inputs], count: raw.count, rows: Array.from({ length: raw.count }, (_, r) => raw.where(r)) };
}

function fromJson(pkg: PackageFile, path: string, cwd: string): Part {
  const single = pkg.inputs.length === 1 && pkg.inputs[0].shape.every((d) => d !== null) ? (pkg.inputs[0].shape as number[]) : null;
  const raw = readJson({ path, shape: single, targetsOptional: true }, cwd, { inputs: pkg.inputs.map((i) => i.name), outputs: pkg.outputs.map((o) => o.name) });
  return { file: path, inputs: [...raw.inputs], count: raw.count, rows: Array.from({ length: raw.count }, (_, r) => raw.where(r)) };
}

function fromNpy(pkg: PackageFile, paths: readonly string[], cwd: string): PredictionInputs {
  const names = pkg.inputs.map((i) => `\`${i.name}\``).join(", ");
  if (paths.length !== pkg.inputs.length) {
    throw new DataError(
      `the model takes ${pkg.inputs.length} input${pkg.inputs.length === 1 ? "" : "s"} (${names}): give one .npy file per input, in that order; got ${paths.length} (${paths.join(", ")})`,
    );
  }
  const arrays = paths.map((path) => parseNpy(readDataFile(path, cwd), path));
  arrays.forEach((array, i) => {
    if (array.dims.length === 0) throw new DataError(`${paths[i]}: the array is a scalar; expected examples on its first axis`);
  });
  const count = arrays[0].dims[0];
  arrays.forEach((array, i) => {
    if (array.dims[0] !== count) throw new DataError(`${paths[0]} holds ${count} examples (shape ${formatShape(arrays[0].dims)}) but ${paths[i]} holds ${array.dims[0]} (shape ${formatShape(array.dims)}); the first axes must match`);
  });
  if (count === 0) throw new DataError(`${paths[0]}: the file holds no examples`);
  const inputs = arrays.map((array, i): Column => {
    const shape = array.dims.slice(1);
    const values = new Float32Array(array.data.length);
    const size = Math.max(1, sizeOf(shape));
    for (let k = 0; k < values.length; k++) {
      values[k] = array.data[k];
      if (!Number.isFinite(values[k])) throw new DataError(`${paths[i]}: example ${Math.floor(k / size)} holds ${array.data[k]} at value ${k % size}, expected a finite float32 number`);
    }
    return { values, shape: shape.length === 0 ? [1] : shape };
  });
  const rows = Array.from({ length: count }, (_, r) => `${paths[0]}: example ${r}`);
  // Checked one file per input, so a message names the file at fault.
  const conformed = inputs.map((column, i) => checkedOne(pkg, i, column, paths[i], rows, false));
  return { inputs: conformed, count, rows };
}

function checkedOne(pkg: PackageFile, i: number, column: Column, file: string, rows: readonly string[], reshape: boolean): Column {
  const spec = pkg.inputs[i];
  const out = conform(column, spec, file, reshape);
  if (spec.dtype === "int32") requireIntegers(out, spec, rows);
  return out;
}

function fromIdx(pkg: PackageFile, path: string, cwd: string): Part {
  if (pkg.inputs.length !== 1) throw new DataError(`${path}: an IDX file gives one input, but the model takes ${pkg.inputs.length} (${pkg.inputs.map((i) => `\`${i.name}\``).join(", ")}); use NPY or JSON`);
  const idx = parseIdx(readDataFile(path, cwd), path);
  const count = idx.dims[0];
  if (count === 0) throw new DataError(`${path}: the file holds no examples`);
  const shape = idx.dims.slice(1);
  const values = new Float32Array(idx.data.length);
  if (idx.type === "ubyte") for (let k = 0; k < values.length; k++) values[k] = idx.data[k] / 255;
  else {
    const size = Math.max(1, sizeOf(shape));
    for (let k = 0; k < values.length; k++) {
      values[k] = idx.data[k];
      if (!Number.isFinite(values[k])) throw new DataError(`${path}: example ${Math.floor(k / size)} holds ${idx.data[k]} at value ${k % size}, expected a finite number`);
    }
  }
  const rows = Array.from({ length: count }, (_, r) => `${path}: example ${r}`);
  // IDX stores raw rows: any shape of the same size is a reshape of them, as training on IDX allows.
  const column = checkedOne(pkg, 0, { values, shape: shape.length === 0 ? [1] : shape }, path, rows, true);
  return { file: path, inputs: [column], count, rows };
}

/** How the training read its images: the `images` source's options, or MNIST's. */
function imageOptions(source: Settled<DataSetting>, file: string): ImageOptions {
  if (source.kind === "images") {
    return { size: source.size, color: source.color, scale: source.scale };
  }
  if (source.kind === "mnist") return { size: [28, 28], color: "grayscale", scale: 1 / 255 };
  const wanted = source.kind === "csv" ? "CSV" : source.kind === "json" ? "JSON" : source.kind === "npy" ? "NPY" : source.kind === "idx" ? "IDX" : source.kind;
  throw new DataError(`${file}: the model was trained on ${wanted} data, not on images, so nnc predict does not know how to turn an image into its inputs; give ${wanted} files`);
}

/** Every image a path names: the file itself, or the images in a folder and below it, sorted. */
function imageFiles(path: string, cwd: string): string[] {
  const full = resolve(cwd, path);
  if (!statSync(full).isDirectory()) return [path];
  const found: string[] = [];
  const walk = (dir: string, rel: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      throw new DataError(`cannot list the folder ${rel ? join(path, rel) : path}: ${error instanceof Error ? error.message : String(error)}`);
    }
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue;
      const child = join(dir, entry.name);
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      let kind: "folder" | "file" | "other" = "other";
      try {
        const stat = statSync(child);
        kind = stat.isDirectory() ? "folder" : stat.isFile() ? "file" : "other";
      } catch {
        // A dangling link: not an image.
      }
      if (kind === "folder") walk(child, childRel);
      else if (kind === "file" && isImageFileName(entry.name)) found.push(childRel);
    }
  };
  walk(full, "");
  if (found.length === 0) throw new DataError(`${path}: the folder holds no images (.png, .jpg or .jpeg files), in it or below it`);
  const base = path.replace(/[/\\]+$/, "");
  return found.sort(compareCodePoints).map((rel) => `${base}/${rel}`);
}

function fromImages(pkg: PackageFile, paths: readonly string[], cwd: string): PredictionInputs {
  const options = imageOptions(pkg.data.source, paths[0]);
  if (pkg.inputs.length !== 1) throw new DataError(`${paths[0]}: an image gives one input, but the model takes ${pkg.inputs.length} (${pkg.inputs.map((i) => `\`${i.name}\``).join(", ")})`);
  const spec = pkg.inputs[0];
  const files = paths.flatMap((path) => imageFiles(path, cwd));
  let values: Float32Array | null = null;
  let shape: readonly number[] = [];
  files.forEach((file, i) => {
    const image = decode(file, cwd, options);
    const column = conformImage(image.pixels, [image.height, image.width, image.channels], spec, file, options);
    if (values === null) {
      shape = column.shape;
      values = new Float32Array(files.length * column.values.length);
    } else if (formatShape(column.shape) !== formatShape(shape)) {
      throw new DataError(`${file} is ${image.height}×${image.width} pixels, but ${files[0]} is ${shape.slice(0, 2).join("×")}; the model's input has open dimensions, so images of one size are predicted together: predict on them separately`);
    }
    values.set(column.values, i * column.values.length);
  });
  return { inputs: [{ values: values ?? new Float32Array(0), shape }], count: files.length, rows: files };
}

/** Decodes `file`, relative to `cwd`; messages name it as given. */
function decode(file: string, cwd: string, options: ImageOptions) {
  return readImage(resolve(cwd, file), options, file);
}

/** One decoded image as the model's input: [h, w, c], or flattened when the model takes a flat vector. */
function conformImage(pixels: Float32Array, dims: readonly number[], spec: PackageInput, file: string, options: ImageOptions): Column {
  const want = spec.shape;
  const fits = want.length === 3 && want.every((d, k) => d === null || d === dims[k]);
  if (fits) return { values: pixels, shape: dims };
  const flat = want.length === 1 && want[0] === pixels.length;
  if (flat) return { values: pixels, shape: [pixels.length] };
  const [h, w, c] = dims;
  const wantSize = want.length === 3 ? `${want[0] ?? "?"}×${want[1] ?? "?"} pixels with ${want[2] ?? "?"} channel${want[2] === 1 ? "" : "s"}` : `${shown(want)} values`;
  const why =
    want.length === 3 && want[2] !== null && want[2] !== c
      ? ` (the training read images as ${options.color}, ${c} channel${c === 1 ? "" : "s"})`
      : options.size === null
        ? "; its training did not resize images (its data source has no `size`): resize the image to the model's size first"
        : "";
  throw new DataError(`${file} is ${h}×${w} pixels with ${c} channel${c === 1 ? "" : "s"}, but the model takes ${wantSize}${why}`);
}
