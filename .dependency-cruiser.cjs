/**
 * The import rules that keep the house stacked (docs/ARCHITECTURE.md), checked by
 * test/architecture/imports.test.ts on every `npm test` (or `npx depcruise grammar compiler runtime`).
 *
 * Each layer list goes from the bottom up: a folder may import from folders in lower layers only,
 * never from its own layer's neighbours or from above. The order was read off the import graph
 * when the rules were written; a new folder has to be given a place here.
 */

/** runtime/, bottom first, with why each layer sits where it does. */
const runtimeLayers = [
  ["core"], // settings, atomic files, names: plain helpers everything else shares
  ["addon"], // the native (C++) binding: knows only its own loading
  ["kernels"], // tfjs kernels and backends, some of them native
  ["layers", "data", "report"], // custom layers, data readers and the run report: each on the kernels and core alone
  ["train"], // the training loop: steps and batches over data, layers and kernels
  ["compiled", "run", "board"], // the native compiled stepper, run folders and saved models on the loop; the board serves the report page over run folders
  ["package"], // the model package: written from a run, read back by the predictor
  ["session"], // a whole training session: picks a stepper, runs it, writes the package
  ["queue"], // sweeps over Redis: submits a session's parts as jobs, and the worker that trains them
  ["index.ts"], // the public surface that generated modules import
];

/** compiler/, bottom first. */
const compilerLayers = [
  ["diagnostics", "shapes"], // plain data: diagnostics and their rendering, and symbolic shapes
  ["schema"], // what a layer, optimizer or loss accepts, and binding arguments to it
  ["layers"], // each layer's shape rule, over the schema
  ["checker"], // names, blocks and shape inference of models
  ["training"], // the rules of `train` declarations, over checked models
  ["check"], // one `check` of a program: parse, check models and trainings, cache
  ["codegen", "format"], // what is made from a checked program: TypeScript modules, formatted text
  ["lsp"], // the language server, over check, format and the rest
  ["cli"], // the `nnc` commands: thin adapters over everything below
];

const escape = (name) => name.replace(/\./g, "\\.");

/** Forbids each folder of `layers` under `root` to import from its own layer or any above it. */
function layerRules(root, layers) {
  return layers.flatMap((layer, level) =>
    layer.flatMap((folder) => {
      const notBelow = layers.slice(level).flat().filter((f) => f !== folder);
      // The top folder has nothing above it; it still has its place in the list.
      if (notBelow.length === 0) return [];
      return [
        {
          name: `${root}-${folder}-imports-down`,
          comment: `${root}/${folder} sits in layer ${level + 1} of ${root}/ and imports only from lower layers, not from ${notBelow.join(", ")}`,
          severity: "error",
          from: { path: `^${root}/${escape(folder)}(/|$)` },
          to: { path: `^${root}/(${notBelow.map(escape).join("|")})(/|$)` },
        },
      ];
    }),
  );
}

module.exports = {
  forbidden: [
    {
      name: "grammar-stands-alone",
      comment: "grammar/ is the syntax layer: it knows nothing of the compiler or the runtime",
      severity: "error",
      from: { path: "^grammar/" },
      to: { path: "^(compiler|runtime)/" },
    },
    {
      name: "runtime-stands-alone",
      comment: "runtime/ ships without the compiler: generated modules import it alone",
      severity: "error",
      from: { path: "^runtime/" },
      to: { path: "^(compiler|grammar)/" },
    },
    ...layerRules("runtime", runtimeLayers),
    ...layerRules("compiler", compilerLayers),
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|dist)/" },
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    // csv-parse publishes `./sync` under these export conditions only.
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"] },
  },
};
