/**
 * "Images in folders", the convention of Keras's `image_dataset_from_directory`: every subfolder
 * of a folder is a class named after it, and every `.png`, `.jpg` or `.jpeg` file directly in a
 * class folder is one image of that class. Classes are numbered in the order of their names.
 *
 * This module only lists folders and reads image headers, so that `nnc check` can describe a
 * dataset without decoding a pixel: it imports neither the decoders (`./images.ts` does) nor
 * TensorFlow.js.
 */
import { closeSync, openSync, readdirSync, readSync, statSync, type Dirent } from "node:fs";
import { join, resolve } from "node:path";
import { imageSize } from "image-size";
import { DataError } from "./examples.js";
import { describeError } from "./user-files.js";

export interface ImageFolder {
  /** The class names: the subfolder names, sorted by code point (as Keras sorts them). */
  readonly classes: readonly string[];
  /** One entry per image, sorted by class then file name: path relative to the folder, and class index. */
  readonly files: readonly { readonly path: string; readonly label: number }[];
}

/** The file name endings of images, compared in lower case (`.PNG` is an image too). */
const IMAGE_EXTENSIONS = [".png", ".jpg", ".jpeg"];

export function isImageFileName(name: string): boolean {
  const lower = name.toLowerCase();
  return IMAGE_EXTENSIONS.some((ext) => lower.endsWith(ext) && lower.length > ext.length);
}

/**
 * Orders strings by Unicode code point, as Python's `sorted` does (Keras sorts with it). The
 * default `Array.prototype.sort` compares UTF-16 code units, which puts a character above U+FFFF
 * before U+E000…U+FFFF; `localeCompare` depends on the machine's locale.
 */
export function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const ca = ia.next();
    const cb = ib.next();
    if (ca.done || cb.done) return ca.done && cb.done ? 0 : ca.done ? -1 : 1;
    const d = (ca.value.codePointAt(0) ?? 0) - (cb.value.codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
}

/** Lists `dir` (absolute or relative to baseDir): every subfolder is a class, every .png/.jpg/.jpeg file in it (case-insensitive extension, not recursive below the class folder) an image; other files are ignored. Errors (DataError from ./examples.js, naming the folder): folder missing / not a folder / no subfolders / a class folder with no images. */
export function listImageFolder(dir: string, baseDir: string): ImageFolder {
  const root = resolve(baseDir, dir);
  const name = root === dir ? `"${dir}"` : `"${dir}" (resolved to ${root})`;
  const listing = listFolder(root, name);
  if (typeof listing === "string") throw new DataError(listing);
  return listing;
}

/** The listing, or the problem with the folder as a sentence naming it as `name`. */
function listFolder(root: string, name: string): ImageFolder | string {
  const rootKind = kindOf(root);
  if (rootKind === "missing") return `image folder ${name}: no such folder`;
  if (rootKind !== "folder") return `image folder ${name}: it is ${rootKind === "file" ? "a file" : "not a folder"}; expected a folder of class subfolders`;
  let entries: Dirent[];
  try {
    entries = readdirSync(root, { withFileTypes: true });
  } catch (error) {
    return `image folder ${name}: cannot list it: ${describeError(error)}`;
  }
  const classes = entries
    .filter((e) => !e.name.startsWith(".") && (e.isDirectory() || (e.isSymbolicLink() && kindOf(join(root, e.name)) === "folder")))
    .map((e) => e.name)
    .sort(compareCodePoints);
  if (classes.length === 0) {
    return `image folder ${name} has no subfolders: put each class's images in a subfolder named after the class (e.g. cat/1.png, dog/2.png)`;
  }
  const files: { path: string; label: number }[] = [];
  for (let label = 0; label < classes.length; label++) {
    const cls = classes[label];
    let names: Dirent[];
    try {
      names = readdirSync(join(root, cls), { withFileTypes: true });
    } catch (error) {
      return `image folder ${name}: cannot list class folder "${cls}": ${describeError(error)}`;
    }
    const images = names
      .filter((e) => !e.name.startsWith(".") && isImageFileName(e.name))
      .filter((e) => e.isFile() || (e.isSymbolicLink() && kindOf(join(root, cls, e.name)) === "file"))
      .map((e) => e.name)
      .sort(compareCodePoints);
    if (images.length === 0) {
      return `image folder ${name}: class folder "${cls}" holds no images (.png, .jpg or .jpeg files); remove it or add its images`;
    }
    for (const image of images) files.push({ path: `${cls}/${image}`, label });
  }
  return { classes, files };
}

function kindOf(path: string): "missing" | "folder" | "file" | "other" {
  try {
    const stat = statSync(path);
    return stat.isDirectory() ? "folder" : stat.isFile() ? "file" : "other";
  } catch {
    return "missing";
  }
}


/** How much of a file the probe reads first, and at most: a JPEG's size can sit after a large EXIF block. */
const HEADER_BYTES = 64 * 1024;
const MAX_HEADER_BYTES = 512 * 1024;

/** Cheap facts for `nnc check` without decoding: class names, the number of images, and the first image's width/height (from its header via image-size) — or a problem string (missing folder, no subfolders, an empty class, unreadable header) instead of throwing. Must read only headers, never whole images. */
export function probeImageFolder(
  absoluteDir: string,
): { ok: true; classes: string[]; images: number; first: { file: string; height: number; width: number } } | { ok: false; problem: string } {
  const listing = listFolder(absoluteDir, `"${absoluteDir}"`);
  if (typeof listing === "string") return { ok: false, problem: listing };
  const file = listing.files[0].path;
  const size = readHeaderSize(join(absoluteDir, file));
  if (typeof size === "string") return { ok: false, problem: `image folder "${absoluteDir}": cannot read the size of "${file}": ${size}` };
  return { ok: true, classes: [...listing.classes], images: listing.files.length, first: { file, ...size } };
}

/** The height and width an image's header gives, reading at most MAX_HEADER_BYTES, or the problem. */
function readHeaderSize(path: string): { height: number; width: number } | string {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    return describeError(error);
  }
  try {
    const length = statSync(path).size;
    if (length === 0) return "the file is empty";
    let problem = "";
    for (const want of [HEADER_BYTES, MAX_HEADER_BYTES]) {
      const bytes = new Uint8Array(Math.min(length, want));
      const got = readSync(fd, bytes, 0, bytes.length, 0);
      try {
        const size = imageSize(bytes.subarray(0, got));
        if (size.type !== "png" && size.type !== "jpg") return `not a PNG or JPEG image (its header is that of a ${size.type ?? "different"} file)`;
        return { height: size.height, width: size.width };
      } catch (error) {
        problem = describeError(error);
      }
      if (got >= length) break;
    }
    return problem;
  } catch (error) {
    return describeError(error);
  } finally {
    closeSync(fd);
  }
}
