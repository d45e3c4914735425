#!/usr/bin/env node
// Builds the native kernels (runtime/addon) at `npm install`. Building needs oneDNN's headers
// (Debian: libdnnl-dev) and a C++ compiler; where either is missing the install still succeeds and
// the runtime explains, when it starts, that it runs on the JavaScript backend and why.
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const nativeDir = join(root, "runtime", "addon");
const failureFile = join(nativeDir, "build-failure.txt");

function nodeGypScript() {
  // npm tells its lifecycle scripts where its bundled node-gyp is; otherwise look beside npm.
  const candidates = [
    process.env.npm_config_node_gyp,
    join(root, "node_modules", "node-gyp", "bin", "node-gyp.js"),
    join(dirname(process.execPath), "..", "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"),
  ];
  return candidates.find((path) => path && existsSync(path));
}

function fail(reason) {
  writeFileSync(failureFile, reason + "\n");
  console.warn(`nnc: the native kernels were not built (${reason}); nnc will train on the JavaScript backend.`);
  process.exit(0);
}

if (process.env.NNC_SKIP_NATIVE) fail("NNC_SKIP_NATIVE is set");
rmSync(failureFile, { force: true });
if (!existsSync("/usr/include/oneapi/dnnl/dnnl.hpp") && !process.env.NNC_ONEDNN_INCLUDE) fail("oneDNN headers not found: install libdnnl-dev (Debian/Ubuntu)");
const gyp = nodeGypScript();
if (!gyp) fail("node-gyp not found");
// Build against the running Node's own headers when they are installed, so nothing is downloaded.
const prefix = join(dirname(process.execPath), "..");
const nodedir = process.env.npm_config_nodedir || (existsSync(join(prefix, "include", "node", "common.gypi")) ? prefix : undefined);
const args = [gyp, "rebuild", ...(nodedir ? [`--nodedir=${nodedir}`] : [])];
const result = spawnSync(process.execPath, args, { cwd: nativeDir, stdio: ["ignore", "inherit", "pipe"], encoding: "utf8" });
if (result.status !== 0) {
  process.stderr.write(result.stderr ?? "");
  fail(`node-gyp rebuild failed with exit code ${result.status}; its output is above`);
}
console.log("nnc: native kernels built (runtime/addon/build/Release/nnc_native.node)");
