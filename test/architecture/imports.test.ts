/**
 * Keeps the house stacked: the import rules of .dependency-cruiser.cjs (grammar/ and runtime/ stand
 * alone, folders import down their layer order), and no import cycle between folders.
 */
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { cruise, type ICruiseResult } from "dependency-cruiser";
import extractDepcruiseOptions from "dependency-cruiser/config-utl/extract-depcruise-options";
import extractTSConfig from "dependency-cruiser/config-utl/extract-ts-config";
import { beforeAll, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const config = join(root, ".dependency-cruiser.cjs");

let graph: ICruiseResult;

beforeAll(async () => {
  const options = await extractDepcruiseOptions(config);
  const tsConfig = extractTSConfig(join(root, "tsconfig.json"));
  const result = await cruise(["grammar", "compiler", "runtime"], { ...options, baseDir: root, validate: true, ruleSet: options.ruleSet }, {}, { tsConfig });
  graph = result.output as ICruiseResult;
}, 120_000);

/** `compiler/checker/graph.ts` → `compiler/checker`; `runtime/index.ts` → `runtime/index.ts`; `grammar/x.ts` → `grammar`. */
function folderOf(path: string): string {
  const parts = path.split("/");
  return parts[0] === "grammar" ? "grammar" : parts.slice(0, 2).join("/");
}

describe("import directions", () => {
  it("follow the rules of .dependency-cruiser.cjs", () => {
    expect(graph.summary.totalCruised, "the cruise found the sources").toBeGreaterThan(100);
    const broken = graph.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
    expect(broken, "imports that break the layer order (fix the import, or move the code to the layer it belongs to)").toEqual([]);
  });

  it("give every folder of compiler/ and runtime/ a place in the layer order", () => {
    type PathRule = { name?: string; from: { path?: string | string[] }; to: { path?: string | string[] } };
    const layerRules = (graph.summary.ruleSetUsed?.forbidden ?? []) as PathRule[];
    for (const top of ["compiler", "runtime"]) {
      // A folder has a place when a layer rule of its root names it, above or below.
      const paths = layerRules.filter((r) => r.name?.startsWith(`${top}-`)).flatMap((r) => [r.from.path ?? [], r.to.path ?? []].flat());
      const placed = (name: string) => paths.some((p) => new RegExp(p).test(`${top}/${name}`));
      const entries = readdirSync(join(root, top), { withFileTypes: true }).filter((e) => e.isDirectory() || e.name.endsWith(".ts"));
      const missing = entries.map((e) => e.name).filter((name) => !placed(name));
      expect(missing, `${top}/ entries missing from the layer lists in .dependency-cruiser.cjs`).toEqual([]);
    }
  });

  it("leave no cycle between folders", () => {
    const edges = new Map<string, Set<string>>();
    for (const module of graph.modules) {
      for (const dependency of module.dependencies) {
        if (dependency.couldNotResolve || !/^(grammar|compiler|runtime)\//.test(dependency.resolved)) continue;
        const from = folderOf(module.source);
        const to = folderOf(dependency.resolved);
        if (from !== to) edges.set(from, (edges.get(from) ?? new Set()).add(to));
      }
    }
    // A depth-first walk: meeting a folder still on the path closes a cycle.
    const cycles: string[] = [];
    const done = new Set<string>();
    const visit = (folder: string, path: string[]): void => {
      if (path.includes(folder)) {
        cycles.push([...path.slice(path.indexOf(folder)), folder].join(" → "));
        return;
      }
      if (done.has(folder)) return;
      for (const next of edges.get(folder) ?? []) visit(next, [...path, folder]);
      done.add(folder);
    };
    for (const folder of edges.keys()) visit(folder, []);
    expect(cycles).toEqual([]);
  });
});
