/**
 * This installation's version and build: a hash of nnc's built compiler and runtime. A queued job
 * carries both, and a worker runs only jobs of its own build (runtime/queue/job-payload.ts): two
 * builds may generate different code or train differently even at one version number.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface BuildId {
  readonly version: string;
  readonly build: string;
}

let cached: BuildId | null = null;

function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return dir;
}

function codeFiles(dir: string, out: string[]): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) codeFiles(path, out);
    else if (/\.(js|mjs|cjs)$/.test(entry.name)) out.push(path);
  }
}

/**
 * The version from package.json and a hash of every built JavaScript file of the compiler and
 * runtime. The native addon is left out: it is built for each machine's CPU, and machines of
 * different CPUs serve one queue.
 */
export function buildId(): BuildId {
  if (cached) return cached;
  const root = packageRoot();
  const version = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;
  const files: string[] = [];
  for (const part of ["compiler", "runtime"]) codeFiles(join(root, "dist", part), files);
  const hash = createHash("sha256").update(version);
  for (const file of files.sort()) hash.update(file.slice(root.length)).update(readFileSync(file));
  cached = { version, build: hash.digest("hex").slice(0, 32) };
  return cached;
}
