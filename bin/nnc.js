#!/usr/bin/env node
// The nnc command. The TypeScript sources are compiled to dist/ by `npm ci` (the "prepare" script).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const entry = new URL("../dist/compiler/cli/main.js", import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write("nnc: the compiled sources are missing (dist/). Run `npm ci` or `npm run build` in the nnc folder.\n");
  process.exit(2);
}
// A reader that stops early (`nnc summary FILE | head`) closes the pipe: stop quietly, as Unix tools
// do, with their status (141, stopped by SIGPIPE) unless the command had finished: a training cut
// off this way saved nothing, and 0 would say it had succeeded.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 141);
    throw error;
  });
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
