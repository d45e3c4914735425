// For the bundled server (CommonJS): what `import.meta.url` is in the ES modules it was built from.
export const __nncImportMetaUrl = require("node:url").pathToFileURL(__filename).href;
