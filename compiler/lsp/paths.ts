/**
 * Document URIs and program paths. The checker names files the way `nnc check` would when run from
 * the server's working directory (`programPath`), so paths in messages match the command line; the
 * server maps them back to the URIs the editor uses.
 */
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { programPath } from "../checker/program.js";

/** The program path of a document: a file path for `file:` URIs, the URI itself otherwise (unsaved buffers). */
export function uriToPath(uri: string): string {
  if (!uri.startsWith("file:")) return uri;
  try {
    return programPath(fileURLToPath(uri));
  } catch {
    return uri;
  }
}

/** The absolute form of a program path, to compare paths that name the same file differently. */
export function absolutePath(path: string): string {
  return isUriPath(path) ? path : resolve(path);
}

/** The `file:` URI of a program path that no open document names. */
export function pathToUri(path: string): string {
  return isUriPath(path) ? path : pathToFileURL(resolve(path)).href;
}

/** A path that is really a non-file URI (`untitled:Untitled-1`). */
function isUriPath(path: string): boolean {
  return /^[a-z][a-z0-9+.-]+:/i.test(path) && !/^[a-z]:[\\/]/i.test(path);
}
