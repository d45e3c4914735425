#!/usr/bin/env node
// The nnc command. The TypeScript sources are compiled to dist/ by `npm ci` (the "prepare" script).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const entry = new URL("../dist/compiler/cli/main.js", import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write("nnc: the compiled sources are missing (dist/). Run `npm ci` or `npm run build` in the nnc folder.\n");
  process.exit(2);
}
// A reader that stops early (`nnc summary FILE | head`) closes the pipe: the first write that meets
// the closed pipe ends nnc quietly with 141, as SIGPIPE ends a Unix tool. Checked at the write
// itself (writes to pipes are synchronous here, and the stream records the failure at once): the
// 'error' event comes only when the event loop next runs, which a fast training may not let happen
// before it has saved and returned 0 (a training cut off this way must not say it succeeded).
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream);
  stream.write = (...args) => {
    const accepted = write(...args);
    if (stream.errored?.code === "EPIPE") process.exit(141);
    return accepted;
  };
  stream.on("error", (error) => {
    if (error.code === "EPIPE") process.exit(141);
    throw error;
  });
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
