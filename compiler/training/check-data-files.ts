/**
 * Checks the files a user data source names (`idx`, `csv`, `npy`, `json`, `images`, their `test:`
 * and `validation:` parts, and a dataset given as the `validation` key) as far as `stat` and their
 * headers tell (data-files.ts reads them, a few bytes each), on the path or argument at fault.
 * Paths are relative to the `.nn` file's folder, as the runtime reads them.
 *
 * - E107: a path that is missing (with "did you mean" among the names in its folder), that cannot
 *   be read, a folder where a file is expected or a file where `images` expects a folder, or not a
 *   regular file at all (a device, a FIFO or a socket, which is never opened).
 * - E108: a file that does not fit its description: a CSV label column missing from the header, a
 *   label index beyond the columns, feature columns that `features` does not count; a file that is
 *   not IDX or NPY, or whose size contradicts its header; IDX images and labels of different counts;
 *   NPY files whose first axes differ; a stated `shape` or `targets` that a header contradicts; an
 *   image folder without class folders, with an empty one, or with one `classes` does not list; a
 *   part whose files differ from the training files.
 *
 * What the headers say about the examples and classes is returned as `DataFacts`; dataset-info.ts
 * adds it to what the arguments state, and the training rules compare it with the model (E300, E301).
 * Nothing is said about a file whose header could not be read within the caps: the runtime reads it.
 */
import { dirname, isAbsolute, join, resolve } from "node:path";
import { sizeOf } from "../../runtime/data/examples.js";
import { isBlankCsvRow, isCsvHeader, type IdxHeader, type NpyHeader } from "../../runtime/data/headers.js";
import { fitsShape, formatShape, sameShape } from "../../runtime/data/user-files.js";
import type { Expr, Range } from "../../grammar/ast.js";
import { diagnostic, type Diagnostic, type Fix, type Label } from "../diagnostics/diagnostic.js";
import { didYouMean } from "../diagnostics/suggest.js";
import { concrete, type BoundArgs, type Value } from "../schema/values.js";
import { namesIn, probeCsv, probeIdx, probeImages, probeNpy, type DataFileAccess, type Probe } from "./data-files.js";
import { partProblem, sourceFiles } from "./dataset-parts.js";
import { CHANNELS, isUserSource } from "./datasets.js";

export interface DataFilesContext {
  /** The `.nn` file; data paths are relative to its folder. */
  readonly file: string;
  readonly files: DataFileAccess;
  report(d: Diagnostic): void;
}

/** What a dataset's training files say that its arguments do not. */
export interface DataFacts {
  /** Each input's example shape as the files give it; undefined where unknown or stated by an argument. */
  readonly examples: readonly (readonly number[] | undefined)[];
  /** Where each of those was read, for messages: `"iris.csv" has 5 columns: 4 features and 1 label`. */
  readonly origins: readonly (string | undefined)[];
  /** The number of classes the files give (images: the class folders) when `classes` does not state it. */
  readonly classes?: { readonly count: number; readonly origin: string };
}

/** A path as written, where it is written, and the file it names. */
interface PathRef {
  readonly path: string;
  readonly node?: Expr;
  readonly range: Range;
  readonly absolute: string;
}

/**
 * The files of the training part or of a part: csv, json, images `x: [path]`; idx `x: [images]`,
 * `y: [labels]`; npy the x and y files.
 */
interface FileSet {
  readonly part?: "test" | "validation";
  readonly x: readonly PathRef[];
  readonly y: readonly PathRef[];
}

interface Checking {
  readonly source: string;
  readonly args: BoundArgs;
  readonly ctx: DataFilesContext;
  /** The `.nn` file's folder. */
  readonly base: string;
}

/** What each source reads, for help lines. */
const READS: Readonly<Record<string, string>> = {
  idx: "IDX files (the format MNIST is distributed in)",
  csv: "a CSV file with a header row",
  npy: "NumPy .npy files (as `np.save` writes them)",
  json: "a JSON file of examples",
  images: "a folder with one subfolder of PNG or JPEG images per class",
};

/**
 * Checks the files of a dataset value (`expr` as written) and returns what their headers say, or
 * undefined for a built-in dataset or one whose paths are unknown. `withParts`: check the files of
 * its `test:`/`validation:` parts too (not for a dataset given as the `validation` key, which is
 * used whole: its parts are E303).
 */
export function checkDataFiles(value: Value, expr: Expr, ctx: DataFilesContext, withParts = true): DataFacts | undefined {
  const v = concrete(value);
  if (v.kind !== "ctor" || !isUserSource(v.signature.name)) return undefined;
  const c: Checking = { source: v.signature.name, args: v.args, ctx, base: dirname(resolve(ctx.file)) };
  const training = trainingFiles(c, expr);
  if (!training) return undefined;
  const sets = [training, ...(withParts ? partFiles(c) : [])];
  const expect = c.source === "images" ? "folder" : "file";
  const present = new Set<PathRef>();
  for (const set of sets) for (const ref of [...set.x, ...set.y]) if (exists(c, ref, expect)) present.add(ref);
  switch (c.source) {
    case "csv":
      return checkCsv(c, sets, present);
    case "idx":
      return checkIdx(c, sets, present);
    case "npy":
      return checkNpy(c, sets, present);
    case "images":
      return checkImages(c, sets, present);
    default:
      return undefined; // json: only whether the file is there
  }
}

// ---------------------------------------------------------------------------------------------
// Paths

function pathRef(c: Checking, value: Value | undefined, node: Expr | undefined, fallback: Expr): PathRef | undefined {
  const v = value && concrete(value);
  if (v?.kind !== "string") return undefined;
  return { path: v.value, node, range: (node ?? fallback).range, absolute: resolve(c.base, v.value) };
}

/** One path, or a list of paths; undefined when any is not a path. */
function pathRefs(c: Checking, value: Value | undefined, node: Expr | undefined, fallback: Expr): PathRef[] | undefined {
  const v = value && concrete(value);
  if (v?.kind === "string") return [pathRef(c, v, node, fallback)!];
  if (v?.kind !== "list") return undefined;
  const nodes = node?.kind === "List" ? node.items : [];
  const refs = v.items.map((item, i) => pathRef(c, item, nodes[i], node ?? fallback));
  return refs.every((r): r is PathRef => r !== undefined) ? refs : undefined;
}

function trainingFiles(c: Checking, expr: Expr): FileSet | undefined {
  const arg = (name: string) => c.args.get(name);
  switch (c.source) {
    case "idx": {
      const images = pathRef(c, arg("images")?.value, arg("images")?.node, expr);
      const labels = pathRef(c, arg("labels")?.value, arg("labels")?.node, expr);
      return images && labels ? { x: [images], y: [labels] } : undefined;
    }
    case "npy": {
      const x = pathRefs(c, arg("x")?.value, arg("x")?.node, expr);
      const y = pathRefs(c, arg("y")?.value, arg("y")?.node, expr);
      return x && y ? { x, y } : undefined;
    }
    default: {
      const path = pathRef(c, arg("path")?.value, arg("path")?.node, expr);
      return path ? { x: [path], y: [] } : undefined;
    }
  }
}

/** The parts given as files, in a form that fits the source (a wrong form is E104/E105 elsewhere). */
function partFiles(c: Checking): FileSet[] {
  const sets: FileSet[] = [];
  const files = sourceFiles(c.source, c.args);
  for (const part of ["test", "validation"] as const) {
    const bound = c.args.get(part);
    const node = bound?.node;
    const v = bound && concrete(bound.value);
    if (!node || !v || (v.kind !== "string" && v.kind !== "list") || partProblem(files, part, bound.value, node)) continue;
    const items = v.kind === "list" ? v.items : [];
    const nodes = node.kind === "List" ? node.items : [];
    if (c.source === "idx") {
      const images = pathRef(c, items[0], nodes[0], node);
      const labels = pathRef(c, items[1], nodes[1], node);
      if (images && labels) sets.push({ part, x: [images], y: [labels] });
    } else if (c.source === "npy") {
      const x = pathRefs(c, items[0], nodes[0], node);
      const y = pathRefs(c, items[1], nodes[1], node);
      if (x && y) sets.push({ part, x, y });
    } else {
      const path = pathRef(c, v, node, node);
      if (path) sets.push({ part, x: [path], y: [] });
    }
  }
  return sets;
}

/** Whether `ref` is a file (or a folder, for `images`); E107 otherwise. */
function exists(c: Checking, ref: PathRef, expect: "file" | "folder"): boolean {
  const stat = c.ctx.files.stat(ref.absolute);
  if (stat.kind === expect) return true;
  const noun = expect === "file" ? "data file" : "image folder";
  const name = quote(ref.path);
  const resolved = ref.absolute === ref.path ? undefined : `resolved to ${ref.absolute}`;
  switch (stat.kind) {
    case "missing":
      reportMissing(c, ref, expect);
      break;
    case "unreadable":
      report(c, "E107", ref.range, `cannot read the ${noun} ${name}: ${stat.reason}`, { label: resolved });
      break;
    case "folder":
      report(c, "E107", ref.range, `the data file ${name} is a folder, not a file`, { label: resolved, help: `\`${c.source}\` reads ${READS[c.source]}: give the path of the file` });
      break;
    case "file":
      report(c, "E107", ref.range, `the image folder ${name} is a file, not a folder`, { label: resolved, help: `\`images\` reads ${READS.images}` });
      break;
    default: {
      const kind = stat.kind === "fifo" ? "a named pipe (FIFO)" : stat.kind === "other" ? "neither a file nor a folder" : `a ${stat.kind}`;
      const wanted = expect === "file" ? "a regular file" : "a folder";
      report(c, "E107", ref.range, `the ${noun} ${name} is ${kind}, not ${wanted}`, {
        label: resolved,
        help: `give ${wanted}: data is read from ${expect === "file" ? "files" : "folders"}, never from devices, pipes or sockets`,
      });
    }
  }
  return false;
}

function reportMissing(c: Checking, ref: PathRef, expect: "file" | "folder"): void {
  const noun = expect === "file" ? "data file" : "image folder";
  const { replacement, missingFolder } = closePath(c, ref.path, expect);
  let help: string | undefined;
  let fixes: Fix[] = [];
  if (replacement !== undefined) {
    help = `did you mean ${quote(replacement)}?`;
    if (ref.node?.kind === "String") fixes = [{ title: `Use ${quote(replacement)}`, edits: [{ file: c.ctx.file, range: ref.node.range, newText: nnString(replacement) }] }];
  } else if (missingFolder !== undefined) {
    help = `there is no folder ${missingFolder}`;
  } else if (!isAbsolute(ref.path)) {
    help = `data paths are relative to the folder of the .nn file, ${c.base}`;
  }
  report(c, "E107", ref.range, `cannot find the ${noun} ${quote(ref.path)}`, { label: `looked for ${ref.absolute}`, help, fixes });
}

/**
 * Where a missing path goes wrong, walking its names from the `.nn` file's folder: the first folder
 * on the way that is not there (`missingFolder`), and the path with each wrong name replaced by a
 * close name in the folder before it, when that leads to a file (`replacement`). Every folder looked
 * in is stamped, so that a check kept by the language server is redone when the names in it change.
 */
function closePath(c: Checking, path: string, expect: "file" | "folder"): { replacement?: string; missingFolder?: string } {
  const names = path.split("/");
  let last = names.length - 1;
  while (last >= 0 && (names[last] === "" || names[last] === ".")) last--;
  let at = isAbsolute(path) ? "/" : c.base;
  let missingFolder: string | undefined;
  let replaced = false;
  for (let i = 0; i <= last; i++) {
    const name = names[i];
    if (name === "" || name === ".") continue;
    const wanted = i < last ? "folder" : expect;
    const next = resolve(at, name);
    const found = c.ctx.files.stat(next).kind;
    if (found === wanted) {
      at = next;
      continue;
    }
    if (i < last && found === "missing") missingFolder ??= next;
    if (found !== "missing" || name === ".." || c.ctx.files.stat(at).kind !== "folder") return { missingFolder };
    const guess = didYouMean(name, namesIn(at, wanted));
    if (guess === undefined) return { missingFolder };
    names[i] = guess;
    replaced = true;
    at = resolve(at, guess);
    if (c.ctx.files.stat(at).kind !== wanted) return { missingFolder };
  }
  return replaced ? { replacement: names.join("/"), missingFolder } : { missingFolder };
}

/** A `.nn` string literal: the escapes are `\"`, `\\`, `\n` and `\t`. */
function nnString(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\t/g, "\\t")}"`;
}

/** The value of a probe; its problem reported (E107 unreadable, E108 not fitting) and undefined otherwise. */
function probed<T>(c: Checking, ref: PathRef, probe: Probe<T>): T | undefined {
  switch (probe.kind) {
    case "ok":
      return probe.value;
    case "invalid":
      report(c, "E108", ref.range, probe.message, { help: `\`${c.source}\` reads ${READS[c.source]}` });
      return undefined;
    case "unreadable":
      report(c, "E107", ref.range, `cannot read the ${c.source === "images" ? "image folder" : "data file"} ${quote(ref.path)}: ${probe.reason}`);
      return undefined;
    case "unknown":
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// CSV

interface LabelRef {
  readonly value: string | number;
  readonly range: Range;
  readonly node?: Expr;
}

/** `label:` as a list of columns; undefined when any is unknown. */
function labelRefs(c: Checking): LabelRef[] | undefined {
  const bound = c.args.get("label");
  if (!bound) return undefined;
  const v = concrete(bound.value);
  const items = v.kind === "list" ? v.items : [v];
  const nodes = v.kind === "list" ? (bound.node?.kind === "List" ? bound.node.items : []) : [bound.node];
  const refs: LabelRef[] = [];
  for (const [i, item] of items.entries()) {
    const value = concrete(item);
    const node = nodes[i];
    const range = (node ?? bound.node)?.range;
    if ((value.kind !== "string" && value.kind !== "number") || !range) return undefined;
    refs.push({ value: value.value, range, node });
  }
  return refs;
}

/**
 * Mirrors runtime/data/csv.ts on the first row: the label columns exist (by header name or index),
 * `targets: k` columns fit from the label column on, no column is named twice, and the other
 * columns are the feature columns `features` counts (at least one).
 */
function checkCsv(c: Checking, sets: readonly FileSet[], present: ReadonlySet<PathRef>): DataFacts | undefined {
  const labels = labelRefs(c);
  if (!labels) return undefined;
  const featuresArg = c.args.get("features");
  const features = featuresArg?.node ? numbersOf(featuresArg.value) : undefined;
  const targetsNode = c.args.get("targets")?.node;
  const targets = labels.length === 1 && targetsNode ? numberOf(c.args.get("targets")?.value) : undefined;
  // `features` or `targets` unknown (already reported) or searched (a count per trial): columns are not counted.
  const countable = !(featuresArg?.node && !features) && !(targetsNode && labels.length === 1 && targets === undefined);
  let training: { readonly file: PathRef; readonly features: number } | undefined;
  let facts: DataFacts | undefined;
  for (const set of sets) {
    const file = set.x[0];
    if (!present.has(file)) continue;
    const name = quote(file.path);
    const head = probed(c, file, probeCsv(file.absolute, name, c.ctx.files));
    if (!head) continue;
    if (head.kind === "empty") {
      report(c, "E108", file.range, `${name} is empty`, { help: "a CSV file holds a header row, then one example per row" });
      continue;
    }
    const cells = head.cells;
    if (isBlankCsvRow(cells)) {
      report(c, "E108", file.range, `the first line of ${name} is blank`, { help: "the first line is the header row (or the first example, when every cell is a number)" });
      continue;
    }
    const hasHeader = isCsvHeader(cells);
    const width = cells.length;
    const names = cells.map((cell) => cell.trim());
    const columns = labelColumns(c, labels, { name, hasHeader, names, width });
    if (!columns) continue;
    const span = targets ?? 1;
    if (targets !== undefined && columns[0] + targets > width) {
      const column = hasHeader ? JSON.stringify(names[columns[0]]) : String(columns[0]);
      report(c, "E108", targetsNode!.range, `\`targets: ${targets}\` takes ${targets} columns from the label column ${column} (index ${columns[0]}), but ${name} has ${width} columns`, {
        labels: [{ file: c.ctx.file, range: labels[0].range, message: "the first target column" }],
        help: "the targets are the label column and the columns after it: name the first of them in `label`",
      });
      continue;
    }
    const targetColumns = targets !== undefined ? Array.from({ length: span }, (_, i) => columns[0] + i) : columns;
    if (reportSameColumn(c, labels, columns, name, hasHeader ? names : undefined) || !countable) continue;
    const featureCount = width - targetColumns.length;
    const labelsText = targets !== undefined ? `${plural(span, "target column")}` : plural(targetColumns.length, "label");
    if (features) {
      const total = features.reduce((a, b) => a + b, 0);
      if (total !== featureCount) {
        const counted = features.length > 1 ? `\`features: [${features.join(", ")}]\` counts ${features.join(" + ")} = ${total}` : `\`features\` counts ${total}`;
        const fix: Fix[] =
          features.length === 1 && featuresArg?.node && featureCount > 0
            ? [{ title: `Use \`features: ${featureCount}\``, edits: [{ file: c.ctx.file, range: featuresArg.node.range, newText: String(featureCount) }] }]
            : [];
        report(c, "E108", featuresArg!.node!.range, `${name} has ${plural(featureCount, "feature column")} (${width} columns, ${labelsText}), but ${counted}`, {
          labels: [{ file: c.ctx.file, range: file.range, message: hasHeader ? `its columns are ${shownColumns(names)}` : `${width} columns, no header row` }],
          help: featureCount === 0 ? "every column is a label: leave a column out of `label`" : features.length > 1 ? `give counts that add up to ${featureCount}` : `give \`features: ${featureCount}\``,
          fixes: fix,
        });
        continue;
      }
    } else if (featureCount === 0) {
      report(c, "E108", file.range, `every column of ${name} is a label: there are no feature columns`, { help: "leave the feature columns out of `label`" });
      continue;
    }
    if (!set.part) {
      training = { file, features: featureCount };
      if (!features) facts = { examples: [[featureCount]], origins: [`${name} has ${width} columns: ${plural(featureCount, "feature")} and ${labelsText}`] };
    } else if (!features && training && training.features !== featureCount) {
      report(c, "E108", file.range, `the ${set.part} file ${name} has ${plural(featureCount, "feature column")}, but ${quote(training.file.path)} has ${training.features}`, {
        labels: [{ file: c.ctx.file, range: training.file.range, message: `${plural(training.features, "feature column")}` }],
        help: "a part's file has the columns of the training file",
      });
    }
  }
  return facts;
}

/** Each label's column index, E108 for those the file does not have; undefined when any is missing. */
function labelColumns(c: Checking, labels: readonly LabelRef[], file: { name: string; hasHeader: boolean; names: readonly string[]; width: number }): number[] | undefined {
  const { name, hasHeader, names, width } = file;
  const columns: number[] = [];
  let missing = false;
  for (const label of labels) {
    const value = label.value;
    if (typeof value === "number") {
      if (Number.isInteger(value) && value >= 0 && value < width) {
        columns.push(value);
        continue;
      }
      report(c, "E108", label.range, `label column index ${value} is outside the ${width} column${width === 1 ? "" : "s"} of ${name} (0…${width - 1})`, {
        help: hasHeader ? `the columns are ${shownColumns(names)}` : `give an index from 0 to ${width - 1}`,
      });
    } else if (!hasHeader) {
      report(c, "E108", label.range, `${name} has no header row (its first row is all numbers), so no column is named ${JSON.stringify(value)}`, {
        help: `give the label column by its 0-based index, e.g. \`label: ${width - 1}\``,
      });
    } else {
      const found = names.indexOf(value);
      if (found >= 0) {
        columns.push(found);
        continue;
      }
      const guess = didYouMean(value, names);
      report(c, "E108", label.range, `${name} has no column named ${JSON.stringify(value)}`, {
        label: `the header has ${plural(width, "column")}`,
        help: guess !== undefined ? `did you mean ${JSON.stringify(guess)}? The columns are ${shownColumns(names)}` : `the columns are ${shownColumns(names)}`,
        fixes: guess !== undefined && label.node?.kind === "String" ? [{ title: `Use ${JSON.stringify(guess)}`, edits: [{ file: c.ctx.file, range: label.node.range, newText: nnString(guess) }] }] : [],
      });
    }
    missing = true;
  }
  return missing ? undefined : columns;
}

/** E108 for two labels naming one column in different ways (`"y"` and `4`); the same value twice is E105 (check-dataset.ts). */
function reportSameColumn(c: Checking, labels: readonly LabelRef[], columns: readonly number[], name: string, names: readonly string[] | undefined): boolean {
  const first = new Map<number, number>();
  let found = false;
  columns.forEach((column, i) => {
    const earlier = first.get(column);
    if (earlier === undefined) {
      first.set(column, i);
      return;
    }
    found = true;
    if (labels[earlier].value === labels[i].value) return;
    const shown = names ? JSON.stringify(names[column]) : `${column}`;
    report(c, "E108", labels[i].range, `${JSON.stringify(labels[earlier].value)} and ${JSON.stringify(labels[i].value)} are the same column of ${name}, ${shown}`, {
      labels: [{ file: c.ctx.file, range: labels[earlier].range, message: "first named here" }],
      help: "name each label column once",
    });
  });
  return found;
}

/** At most twelve column names, for help lines. */
function shownColumns(names: readonly string[]): string {
  return names.length > 12 ? `${names.slice(0, 12).join(", ")}, … (${names.length} in all)` : names.join(", ");
}

// ---------------------------------------------------------------------------------------------
// IDX

/** Images and labels: both headers readable, counts one to one, one label per example, a stated `shape` of the images' size. */
function checkIdx(c: Checking, sets: readonly FileSet[], present: ReadonlySet<PathRef>): DataFacts | undefined {
  const shapeNode = c.args.get("shape")?.node;
  const stated = shapeNode ? numbersOf(c.args.get("shape")?.value) : undefined;
  let training: { readonly file: PathRef; readonly shape: readonly number[] } | undefined;
  let facts: DataFacts | undefined;
  for (const set of sets) {
    const [images] = set.x;
    const [labels] = set.y;
    const header = (ref: PathRef): IdxHeader | undefined => (present.has(ref) ? probed(c, ref, probeIdx(ref.absolute, quote(ref.path), c.ctx.files)) : undefined);
    const x = header(images);
    const y = header(labels);
    if (y && sizeOf(y.dims.slice(1)) !== 1) {
      report(c, "E108", labels.range, `${quote(labels.path)}: each label has shape ${formatShape(y.dims.slice(1))} (the header says ${formatShape(y.dims)}), expected a single class index per example`, {
        help: "an IDX file of labels holds one number per example: its header is [count]",
      });
    }
    if (!x) continue;
    const count = x.dims[0];
    if (y && y.dims[0] !== count) {
      report(c, "E108", labels.range, `${quote(images.path)} holds ${count} images but ${quote(labels.path)} holds ${y.dims[0]} labels; they must match one to one`, {
        labels: [{ file: c.ctx.file, range: images.range, message: `${count} images` }],
        help: "give the labels file that belongs to these images",
      });
    } else if (count === 0) {
      report(c, "E108", images.range, `${quote(images.path)} holds no examples`, { help: "its header says 0 images" });
    }
    const imageShape = x.dims.slice(1);
    if (stated && shapeNode && sizeOf(imageShape) !== sizeOf(stated)) {
      report(c, "E108", shapeNode.range, `${quote(images.path)}: each image has shape ${formatShape(imageShape)} (${sizeOf(imageShape)} values), but \`shape\` is ${formatShape(stated)} (${sizeOf(stated)} values)`, {
        labels: [{ file: c.ctx.file, range: images.range, message: `the header says ${formatShape(x.dims)}` }],
        help: `\`shape\` may arrange an image's ${sizeOf(imageShape)} values otherwise, but not change their number`,
      });
    }
    if (!set.part) {
      training = { file: images, shape: imageShape };
      if (!stated) facts = { examples: [idxExample(imageShape)], origins: [`the header of ${quote(images.path)} says ${formatShape(x.dims)}`] };
    } else if (!stated && training && !sameShape(imageShape, training.shape)) {
      report(c, "E108", images.range, `the ${set.part} images ${quote(images.path)} are ${formatShape(imageShape)}, but the training images ${quote(training.file.path)} are ${formatShape(training.shape)}`, {
        labels: [{ file: c.ctx.file, range: training.file.range, message: `images of ${formatShape(training.shape)}` }],
        help: "a part's images have the size of the training images",
      });
    }
  }
  return facts;
}

/** The example shape runtime/data/idx.ts gives images of this shape: gray images get a channel axis. */
function idxExample(imageShape: readonly number[]): number[] {
  if (imageShape.length === 2) return [...imageShape, 1];
  return imageShape.length === 0 ? [1] : [...imageShape];
}

// ---------------------------------------------------------------------------------------------
// NPY

/** x and y files: headers readable, not scalars, one first axis for all, `shape` and `targets` as the headers say. */
function checkNpy(c: Checking, sets: readonly FileSet[], present: ReadonlySet<PathRef>): DataFacts | undefined {
  const shapeNode = c.args.get("shape")?.node;
  const stated = shapeNode ? numbersOf(c.args.get("shape")?.value) : undefined;
  const targetsNode = c.args.get("targets")?.node;
  const targets = targetsNode ? numberOf(c.args.get("targets")?.value) : undefined;
  let training: readonly { readonly file: PathRef; readonly example?: readonly number[] }[] = [];
  let facts: DataFacts | undefined;
  for (const set of sets) {
    const header = (ref: PathRef): NpyHeader | undefined => (present.has(ref) ? probed(c, ref, probeNpy(ref.absolute, quote(ref.path), c.ctx.files)) : undefined);
    const files = [...set.x, ...set.y].map((file) => ({ file, header: header(file) }));
    for (const { file, header: h } of files) {
      if (h?.dims.length === 0) report(c, "E108", file.range, `${quote(file.path)}: the array is a scalar; expected examples on its first axis`, { help: "save an array with one example per row" });
    }
    const arrays = files.filter((f): f is { file: PathRef; header: NpyHeader } => f.header !== undefined && f.header.dims.length > 0);
    const first = arrays[0];
    for (const other of arrays.slice(1)) {
      if (other.header.dims[0] === first.header.dims[0]) continue;
      report(
        c,
        "E108",
        other.file.range,
        `${quote(first.file.path)} holds ${first.header.dims[0]} examples (shape ${formatShape(first.header.dims)}) but ${quote(other.file.path)} holds ${other.header.dims[0]} (shape ${formatShape(other.header.dims)}); the first axes must match`,
        { labels: [{ file: c.ctx.file, range: first.file.range, message: `${first.header.dims[0]} examples` }], help: "every x and y file holds one row per example, in the same order" },
      );
    }
    if (first && first.header.dims[0] === 0 && arrays.every((a) => a.header.dims[0] === 0)) {
      report(c, "E108", first.file.range, `${quote(first.file.path)} holds no examples`, { help: `its header says shape ${formatShape(first.header.dims)}` });
    }
    const single = set.x.length === 1 && stated !== undefined;
    const examples = set.x.map((file, i) => {
      const h = files[i].header;
      if (!h || h.dims.length === 0) return undefined;
      const example = h.dims.slice(1);
      if (single && shapeNode && !fitsShape(example, stated)) {
        report(c, "E108", shapeNode.range, `${quote(file.path)}: examples have shape ${formatShape(example)} (array ${formatShape(h.dims)}), but \`shape\` is ${formatShape(stated)}`, {
          labels: [{ file: c.ctx.file, range: file.range, message: `the header says ${formatShape(h.dims)}` }],
          help: `give \`shape: ${formatShape(example.length === 0 ? [1] : example)}\`, or leave it out: the header gives it`,
        });
      }
      return example;
    });
    const y = set.y.length === 1 ? files[set.x.length] : undefined;
    if (targets !== undefined && targetsNode && y?.header && y.header.dims.length > 0) {
      const per = sizeOf(y.header.dims.slice(1));
      if (per !== targets) {
        report(c, "E108", targetsNode.range, `${quote(y.file.path)}: each target holds ${plural(per, "value")} (array ${formatShape(y.header.dims)}), but \`targets\` is ${targets}`, {
          labels: [{ file: c.ctx.file, range: y.file.range, message: `the header says ${formatShape(y.header.dims)}` }],
          help: `give \`targets: ${per}\``,
        });
      }
    }
    if (!set.part) {
      training = set.x.map((file, i) => ({ file, example: examples[i] }));
      facts = {
        examples: examples.map((e) => (e === undefined || single ? undefined : e.length === 0 ? [1] : e)),
        origins: set.x.map((file, i) => {
          const h = files[i].header;
          return h && !single ? `the header of ${quote(file.path)} says shape ${formatShape(h.dims)}` : undefined;
        }),
      };
    } else if (!single) {
      examples.forEach((example, i) => {
        const before = training[i];
        if (!example || !before?.example || sameShape(example, before.example)) return;
        report(c, "E108", set.x[i].range, `the ${set.part} file ${quote(set.x[i].path)} has examples of shape ${formatShape(example)}, but ${quote(before.file.path)} has ${formatShape(before.example)}`, {
          labels: [{ file: c.ctx.file, range: before.file.range, message: `examples of ${formatShape(before.example)}` }],
          help: "a part's files hold examples of the training files' shapes",
        });
      });
    }
  }
  return facts;
}

// ---------------------------------------------------------------------------------------------
// Images

/** Class folders with images, those `classes` lists, a part's classes among the training's; the first image's size. */
function checkImages(c: Checking, sets: readonly FileSet[], present: ReadonlySet<PathRef>): DataFacts | undefined {
  const classesNode = c.args.get("classes")?.node;
  const stated = classesNode ? stringsOf(c.args.get("classes")?.value) : undefined;
  const sized = c.args.get("size")?.node !== undefined;
  const color = enumOf(c.args.get("color")?.value) as keyof typeof CHANNELS | undefined;
  const channels = CHANNELS[color ?? "rgb"];
  let training: { readonly folder: PathRef; readonly classes: readonly string[] } | undefined;
  let facts: DataFacts | undefined;
  for (const set of sets) {
    const folder = set.x[0];
    if (!present.has(folder)) continue;
    const name = quote(folder.path);
    const found = probed(c, folder, probeImages(folder.absolute, name, c.ctx.files));
    if (!found) continue;
    if (stated && classesNode) {
      const items = classesNode.kind === "List" ? classesNode.items : [];
      for (const cls of found.classes.filter((cls) => !stated.includes(cls))) {
        const guess = didYouMean(cls, stated.filter((s) => !found.classes.includes(s)));
        const item = guess === undefined ? undefined : items[stated.indexOf(guess)];
        report(c, "E108", (item ?? classesNode).range, `the class folder ${quote(cls)} of ${name} is not in \`classes\``, {
          labels: [{ file: c.ctx.file, range: folder.range, message: `class folders: ${listed(found.classes)}` }],
          help: guess !== undefined ? `did you mean ${quote(cls)}? \`classes\` lists every class folder` : `add ${quote(cls)}: \`classes\` lists every class folder, in class-index order`,
          fixes: item ? [{ title: `Use ${quote(cls)}`, edits: [{ file: c.ctx.file, range: item.range, newText: nnString(cls) }] }] : [],
        });
      }
    } else if (set.part && training) {
      for (const cls of found.classes.filter((cls) => !training!.classes.includes(cls))) {
        report(c, "E108", folder.range, `the ${set.part} folder ${name} has a class folder ${quote(cls)}, which ${quote(training.folder.path)} does not have`, {
          labels: [{ file: c.ctx.file, range: training.folder.range, message: `class folders: ${listed(training.classes)}` }],
          help: "a part's folder has the class folders of the training folder",
        });
      }
    }
    if (set.part) continue;
    training = { folder, classes: found.classes };
    const first = quote(join(folder.path, found.first.file));
    facts = {
      examples: [sized ? undefined : [found.first.height, found.first.width, channels]],
      origins: [sized ? undefined : `the first image, ${first}, is ${found.first.height}×${found.first.width} pixels, read as ${color ?? "rgb"}`],
      classes: stated ? undefined : { count: found.classes.length, origin: `${name} has ${plural(found.classes.length, "class folder")}: ${listed(found.classes)}` },
    };
  }
  return facts;
}

function listed(names: readonly string[]): string {
  return names.length > 10 ? `${names.slice(0, 10).join(", ")}, … (${names.length} in all)` : names.join(", ");
}

// ---------------------------------------------------------------------------------------------

function report(
  c: Checking,
  code: "E107" | "E108",
  range: Range,
  message: string,
  more: { readonly label?: string; readonly labels?: readonly Label[]; readonly help?: string; readonly fixes?: readonly Fix[] } = {},
): void {
  c.ctx.report(diagnostic({ code, file: c.ctx.file, range, message, ...more }));
}

function quote(path: string): string {
  return JSON.stringify(path);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** A number, unless unknown or searched (a value per trial). */
function numberOf(value: Value | undefined): number | undefined {
  if (value && containsSearch(value)) return undefined;
  const v = value && concrete(value);
  return v?.kind === "number" ? v.value : undefined;
}

/** A number or a list of numbers, as a list; undefined when any is unknown or searched. */
function numbersOf(value: Value | undefined): number[] | undefined {
  if (value && containsSearch(value)) return undefined;
  const v = value && concrete(value);
  if (v?.kind === "number") return [v.value];
  if (v?.kind !== "list") return undefined;
  const items = v.items.map(concrete);
  return items.every((i) => i.kind === "number") ? items.map((i) => (i.kind === "number" ? i.value : 0)) : undefined;
}

function containsSearch(value: Value): boolean {
  return value.kind === "search" || (value.kind === "list" && value.items.some(containsSearch));
}

function stringsOf(value: Value | undefined): string[] | undefined {
  const v = value && concrete(value);
  if (v?.kind !== "list") return undefined;
  const items = v.items.map(concrete);
  return items.every((i) => i.kind === "string") ? items.map((i) => (i.kind === "string" ? i.value : "")) : undefined;
}

function enumOf(value: Value | undefined): string | undefined {
  const v = value && concrete(value);
  return v?.kind === "enum" ? v.name : undefined;
}
