/**
 * The files the page is made of: uPlot's script and style sheet (read from the installed `uplot`
 * package) and the page's own plain script and style sheet (`client/`, shipped as they are: there is
 * no build step). Read once per process; a report inlines them, the board serves them.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface PageAssets {
  readonly uplotJs: string;
  readonly uplotCss: string;
  readonly boardJs: string;
  readonly boardCss: string;
}

/** `runtime/report/client/`: beside this file in the sources, and found from nnc's root when running from dist/. */
function clientFolder(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  let dir = here;
  for (;;) {
    try {
      const json = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string };
      if (json.name === "nnc") return join(dir, "runtime", "report", "client");
    } catch {
      // No package.json here: look one folder up.
    }
    const up = dirname(dir);
    if (up === dir) return join(here, "client");
    dir = up;
  }
}

let cached: PageAssets | null = null;

export function pageAssets(): PageAssets {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const client = clientFolder();
  cached = {
    uplotJs: readFileSync(require.resolve("uplot/dist/uPlot.iife.min.js"), "utf8"),
    uplotCss: readFileSync(require.resolve("uplot/dist/uPlot.min.css"), "utf8"),
    boardJs: readFileSync(join(client, "board.js"), "utf8"),
    boardCss: readFileSync(join(client, "board.css"), "utf8"),
  };
  return cached;
}
