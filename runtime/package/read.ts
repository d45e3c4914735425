/**
 * Reads a run folder's `nnc-package.json`, checking what it claims before anything trusts it: the
 * format and version, and the shape of every field later code reads. A folder that is not a
 * package gets a message saying what it is instead and what to give.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { PACKAGE_FILE, PACKAGE_FORMAT, PACKAGE_VERSION, PackageError, type PackageFile } from "./format.js";

export function readPackageFile(dir: string): PackageFile {
  const folder = resolve(dir);
  if (!existsSync(folder)) throw new PackageError(`${dir} does not exist; give a run folder that a training wrote (e.g. runs/<label>)`);
  if (!statSync(folder).isDirectory()) throw new PackageError(`${dir} is a file; give the run folder that holds ${PACKAGE_FILE}`);
  const path = join(folder, PACKAGE_FILE);
  if (!existsSync(path)) {
    const inside = readdirSync(folder, { withFileTypes: true })
      .filter((e) => e.isDirectory() && existsSync(join(folder, e.name, PACKAGE_FILE)))
      .map((e) => join(dir, e.name));
    const hint = inside.length
      ? `; it holds the run folders ${inside.slice(0, 5).join(", ")}${inside.length > 5 ? ", …" : ""}`
      : existsSync(join(folder, "model.json"))
        ? "; it has a model.json from an older nnc: train again to write the package"
        : "";
    throw new PackageError(`${dir} is not a run folder: it has no ${PACKAGE_FILE}${hint}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new PackageError(`${path}: not valid JSON (${error instanceof Error ? error.message : String(error)}); the file was damaged, train again`);
  }
  return checked(json, path);
}

function checked(json: unknown, path: string): PackageFile {
  const bad = (what: string) => new PackageError(`${path}: ${what}; the file was not written by nnc, or was edited`);
  if (typeof json !== "object" || json === null) throw bad("not a JSON object");
  const p = json as Record<string, unknown>;
  if (p.format !== PACKAGE_FORMAT) throw bad(`its format is ${JSON.stringify(p.format)}, not "${PACKAGE_FORMAT}"`);
  if (typeof p.version !== "number") throw bad("it has no version");
  if (p.version > PACKAGE_VERSION) throw new PackageError(`${path}: written by a newer nnc (package version ${p.version}); this nnc reads version ${PACKAGE_VERSION}: update nnc`);
  if (p.version < 1 || !Number.isInteger(p.version)) throw bad(`version ${p.version} is not a package version`);
  if (p.kind !== "model" && p.kind !== "ensemble") throw bad(`its kind is ${JSON.stringify(p.kind)}, not "model" or "ensemble"`);
  const list = (key: string) => {
    if (!Array.isArray(p[key])) throw bad(`"${key}" is not a list`);
    return p[key] as Record<string, unknown>[];
  };
  for (const input of list("inputs")) {
    if (typeof input.name !== "string" || !Array.isArray(input.shape) || (input.dtype !== "float32" && input.dtype !== "int32")) throw bad("an input lacks its name, shape or dtype");
  }
  for (const output of list("outputs")) {
    if (typeof output.name !== "string" || !Array.isArray(output.shape) || !(output.classes === null || Array.isArray(output.classes))) throw bad("an output lacks its name, shape or classes");
  }
  if (p.kind === "model" && typeof p.model !== "string") throw bad(`"model" is not a path`);
  if (p.kind === "ensemble" && (list("members").some((m) => typeof m !== "string") || (p.vote !== "majority" && p.vote !== "mean"))) throw bad("its members or vote are not valid");
  if (typeof p.data !== "object" || p.data === null || typeof p.evaluation !== "object" || p.evaluation === null) throw bad(`"data" or "evaluation" is missing`);
  return json as PackageFile;
}
