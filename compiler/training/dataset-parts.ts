/**
 * The `test:` and `validation:` parts of a user source. A part is a fraction of the source's
 * training files, strictly between 0 and 1, or files of its own laid out like the training files:
 *
 *     csv, json, images   one path                       test: "test.csv"
 *     idx                 [images, labels]               test: ["t10k-images.idx", "t10k-labels.idx"]
 *     npy                 [x, y], each as in `x:`/`y:`   test: [["ti.npy", "tm.npy"], "ty.npy"]
 *
 * The type accepts every form, so the binder never rejects a part with a vague message; `partProblem`
 * says what is wrong with a form for a given source, and `partPaths` flattens a good one the way the
 * runtime reads it (npy: the x paths, then the y paths).
 */
import type { Expr } from "../../grammar/ast.js";
import type { ValueType } from "../schema/types.js";
import { concrete, type BoundArgs, type Value } from "../schema/values.js";

const PATH: ValueType = { kind: "path" };
const OPEN_FRACTION: ValueType = { kind: "float", range: { min: 0, max: 1, minExclusive: true, maxExclusive: true } };

/** A fraction, one path, or a list of paths and lists of paths. */
export const PART: ValueType = {
  kind: "union",
  what: "fraction or files",
  of: [OPEN_FRACTION, PATH, { kind: "list", of: { kind: "union", what: "file or list of files", of: [PATH, { kind: "list", of: PATH }] } }],
};

/** What is wrong with a part, as plain data for a diagnostic. */
export interface PartProblem {
  readonly code: "E104" | "E105";
  readonly message: string;
  readonly help: string;
  /** The sub-expression at fault (an item of the list), when not the whole part. */
  readonly at?: Expr;
}

/** How many files a source names for its examples (x) and targets (y); npy's count per input and output. */
export interface SourceFiles {
  readonly source: string;
  /** npy: the number of `x` files and of `y` files. */
  readonly x?: number;
  readonly y?: number;
}

/** The files of a source as its bound arguments name them. */
export function sourceFiles(source: string, args: BoundArgs): SourceFiles {
  if (source !== "npy") return { source };
  return { source, x: fileCount(args.get("x")?.value), y: fileCount(args.get("y")?.value) };
}

/** One path counts 1, a list its length; undefined when the value is unknown. */
function fileCount(value: Value | undefined): number | undefined {
  const v = value && concrete(value);
  if (v?.kind === "string") return 1;
  if (v?.kind === "list") return v.items.length;
  return undefined;
}

/** The form a source's part takes, as the user would write it, for help lines. */
export function partExample(files: SourceFiles, key: "test" | "validation"): string {
  switch (files.source) {
    case "idx":
      return `${key}: ["${key}-images.idx", "${key}-labels.idx"]`;
    case "npy":
      return `${key}: [${exampleFiles("x", key, files.x ?? 1)}, ${exampleFiles("y", key, files.y ?? 1)}]`;
    case "images":
      return `${key}: "${key}/"`;
    default:
      return `${key}: "${key}.${files.source}"`;
  }
}

function exampleFiles(axis: string, key: string, count: number): string {
  if (count === 1) return `"${key}-${axis}.npy"`;
  return `[${Array.from({ length: count }, (_, i) => `"${key}-${axis}${i + 1}.npy"`).join(", ")}]`;
}

/**
 * What is wrong with a bound part value for `files`' source, or undefined when its form fits.
 * `expr` is the part as written (its list items locate a wrong item).
 */
export function partProblem(files: SourceFiles, key: "test" | "validation", value: Value, expr: Expr): PartProblem | undefined {
  const v = concrete(value);
  if (v.kind === "number" || v.kind === "unknown") return undefined;
  const example = partExample(files, key);
  const items = expr.kind === "List" ? expr.items : [];
  const fractionOr = `a fraction such as \`${key}: 0.1\`, or \`${example}\``;
  if (files.source === "idx" || files.source === "npy") {
    const what = files.source === "idx" ? "two files, [images, labels]" : "two entries, [x, y]";
    if (v.kind !== "list") {
      return { code: "E104", message: `the ${key} part of \`${files.source}\` is ${what}; found one file`, help: `write ${fractionOr}` };
    }
    if (v.items.length !== 2) {
      return { code: "E105", message: `the ${key} part of \`${files.source}\` is ${what}; found ${v.items.length}`, help: `write ${fractionOr}` };
    }
    if (files.source === "idx") {
      const nested = v.items.findIndex((item) => item.kind === "list");
      if (nested >= 0) {
        return { code: "E104", message: `the ${key} part of \`idx\` is two files; item ${nested + 1} is a list`, help: `write \`${example}\``, at: items[nested] };
      }
      return undefined;
    }
    const expected = [files.x, files.y];
    for (const [i, axis] of (["x", "y"] as const).entries()) {
      const want = expected[i];
      const got = fileCount(v.items[i]);
      if (want === undefined || got === undefined || want === got) continue;
      const role = axis === "x" ? "input" : "output";
      return {
        code: "E105",
        message: `the ${key} part's ${axis} names ${plural(got, "file")}, but \`${axis}:\` names ${plural(want, "file")} (one per model ${role})`,
        help: `give the ${key} part one ${axis} file per ${axis} file of the source: \`${example}\``,
        at: items[i],
      };
    }
    return undefined;
  }
  if (v.kind === "list") {
    const one = files.source === "images" ? "one folder" : `one ${files.source.toUpperCase()} file`;
    return { code: "E104", message: `the ${key} part of \`${files.source}\` is ${one}; found a list`, help: `write ${fractionOr}` };
  }
  return undefined;
}

/** The resolved form of a part: its fraction, or its paths flattened (npy: x paths, then y paths). */
export function partSetting(value: Value): { readonly kind: "fraction"; readonly fraction: number } | { readonly kind: "files"; readonly paths: readonly string[] } | undefined {
  if (value.kind === "number") return { kind: "fraction", fraction: value.value };
  const paths = partPaths(value);
  return paths && { kind: "files", paths };
}

/** Every path of a part value, depth first; undefined when an item is not a path. */
export function partPaths(value: Value): string[] | undefined {
  if (value.kind === "string") return [value.value];
  if (value.kind !== "list") return undefined;
  const paths: string[] = [];
  for (const item of value.items) {
    const inner = partPaths(item);
    if (!inner) return undefined;
    paths.push(...inner);
  }
  return paths;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
