import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { compileFiles } from "../../compiler/codegen/compile-file.js";
import { importGeneratedModule } from "../../compiler/codegen/load-module.js";
import { readFileSync } from "node:fs";

const root = resolve(import.meta.dirname, "../..");

/** Text that breaks out of every kind of literal or comment a naive generator would use. */
const HOSTILE = [
  `"); globalThis.__nncPwned = 1; ("`,
  "`; globalThis.__nncPwned = 2; `",
  "${globalThis.__nncPwned = 3}",
  "*/ globalThis.__nncPwned = 4; /*",
  "\\\\'; globalThis.__nncPwned = 5; //",
  "line\nbreak \u2028 sep",
].join(" | ");

/** The same text as a `.nn` string literal. */
function nnString(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

describe("names and strings from sources cannot inject code", () => {
  it("hostile strings, doc comments and file names compile to safe, type-checking code", async () => {
    const dir = join(root, ".test-out", "injection");
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const source = join(dir, "we\"ird `${name}` *.nn");
    writeFileSync(
      source,
      `/// */ globalThis.__nncPwned = 6; /* \${x} \`
model Evil_Model {
  input image: [4]
  image -> dense(3, activation: softmax)
}
train Evil_Model {
  data: csv(${nnString(HOSTILE)}, label: "y", features: 4, classes: 3)
  init_from: ${nnString(HOSTILE)}
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
}
`,
    );
    // The hostile path names a real file, as `nnc check` requires of data files.
    const data = join(dir, HOSTILE);
    mkdirSync(dirname(data), { recursive: true });
    writeFileSync(data, "a,b,c,d,y\n1,2,3,4,0\n");
    const outDir = join(dir, "out");
    const outcome = await compileFiles([source], outDir);
    expect(outcome.result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const output = outcome.files[0].output;

    writeFileSync(
      join(outDir, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: "NodeNext", moduleResolution: "NodeNext", target: "ES2022", skipLibCheck: true, types: ["node"] }, include: ["*.ts"] }),
    );
    const tsc = spawnSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", join(outDir, "tsconfig.json")], { encoding: "utf8" });
    expect(tsc.stdout + tsc.stderr).toBe("");

    const module = await importGeneratedModule(readFileSync(output, "utf8"));
    expect((globalThis as { __nncPwned?: number }).__nncPwned).toBeUndefined();
    const settings = module.settingsEvil_Model as { data: { path: string }; initFrom: string };
    expect(settings.data.path).toBe(HOSTILE);
    expect(settings.initFrom).toBe(HOSTILE);
  }, 60_000);
});
