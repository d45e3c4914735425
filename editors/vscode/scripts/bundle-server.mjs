// Bundles nnc's language server (compiler/lsp/, with the checker it runs) into one file,
// server/nnc-lsp.js, that the extension starts with VS Code's own Node: the .vsix then needs no
// nnc installation. The server checks and formats; it never trains, so TensorFlow.js stays out.
import { build } from "esbuild";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..", "..");
const require = createRequire(join(root, "package.json"));

// grammar/chevrotain.ts finds Chevrotain's single-file bundle at run time (the package's exports
// hide it); a bundle must name it statically.
const chevrotainBundle = join(dirname(require.resolve("chevrotain")), "..", "chevrotain.mjs");
const staticChevrotain = {
  name: "static-chevrotain",
  setup(b) {
    b.onLoad({ filter: /grammar[\\/]chevrotain\.ts$/ }, () => ({
      contents: `export { CstParser, Lexer, createToken, createTokenInstance, tokenMatcher } from ${JSON.stringify(chevrotainBundle)};`,
      loader: "ts",
      resolveDir: root,
    }));
  },
};

// Nothing the server runs may pull in TensorFlow.js: fail the build rather than ship 4 MB of it.
const noTensorFlow = {
  name: "no-tensorflow",
  setup(b) {
    b.onResolve({ filter: /^@tensorflow\// }, (args) => ({ errors: [{ text: `the language server must not import ${args.path} (imported by ${args.importer})` }] }));
  },
};

const result = await build({
  stdin: {
    contents: `import { startStdioServer } from "./compiler/lsp/server.ts";\nstartStdioServer();\n`,
    resolveDir: root,
    sourcefile: "nnc-lsp-entry.ts",
    loader: "ts",
  },
  bundle: true,
  platform: "node",
  target: "node18",
  format: "cjs",
  outfile: join(here, "..", "server", "nnc-lsp.js"),
  plugins: [staticChevrotain, noTensorFlow],
  banner: { js: "// nnc's language server, bundled by editors/vscode/scripts/bundle-server.mjs. Do not edit." },
  // import.meta.url appears in modules that locate files at run time; give CommonJS a value for it.
  define: { "import.meta.url": "__nncImportMetaUrl" },
  inject: [join(here, "import-meta-url.js")],
  logLevel: "warning",
  metafile: true,
});
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
console.log(`wrote server/nnc-lsp.js (${(bytes / 1024).toFixed(0)} KB)`);
