/**
 * Generated names are unique by construction (compiler/codegen/names.ts): whatever the models and
 * labels of a file are called, the module declares every name once, and type-checks.
 */
import fc from "fast-check";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Project } from "ts-morph";
import { describe, expect, it } from "vitest";
import { checkProgram } from "../../compiler/check/check.js";
import { generateModule, type GeneratedModule } from "../../compiler/codegen/emit-module.js";
import { importGeneratedModule } from "../../compiler/codegen/load-module.js";
import { ModuleNames, publicPart } from "../../compiler/codegen/names.js";
import { runFolderName } from "../../runtime/run/folder-name.js";
import { strictTypeCheck } from "../support/strict-tsc.js";

const root = resolve(import.meta.dirname, "../..");
const dir = join(root, ".test-out", "codegen-names");

async function generate(text: string, name: string): Promise<GeneratedModule> {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.nn`);
  writeFileSync(file, text);
  writeFileSync(join(dir, "d.json"), "[]");
  const result = checkProgram([file]);
  expect(result.diagnostics.filter((d) => d.severity === "error").map((d) => d.message)).toEqual([]);
  return generateModule({ result, file: result.program.roots[0], sourceName: `${name}.nn` });
}

/** The module's top-level names, as TypeScript sees them: values (functions, constants) and types. */
function declarations(text: string): { values: string[]; types: string[] } {
  const file = new Project({ useInMemoryFileSystem: true }).createSourceFile("module.ts", text);
  return {
    values: [...file.getFunctions().map((f) => f.getName()!), ...file.getVariableDeclarations().map((v) => v.getName()), "tf", "nnc"],
    types: [...file.getInterfaces().map((i) => i.getName()), "tf", "nnc"],
  };
}

const duplicates = (names: readonly string[]) => names.filter((n, i) => names.indexOf(n) !== i);

const model = (name: string, params = "") => `model ${name}${params} {\n  input x: [4]\n  x -> dense(${params ? "h" : "2"})\n}\n`;
const training = (label: string, use: string) => `train ${label}: ${use} { data: json("d.json") loss: mse optimizer: adam }\n`;

describe("generated names", () => {
  it("a model named like a training's build helper does not collide with it (buildtVariant twice was TS2393)", async () => {
    const generated = await generate(`${model("M", "(h: int = 10)")}${model("tVariant")}${training("t", "M(h: 30)")}`, "variant-collision");
    expect(generated.failures).toEqual([]);
    const { values, types } = declarations(generated.text);
    expect(duplicates(values)).toEqual([]);
    expect(duplicates(types)).toEqual([]);
    expect(values).toEqual(expect.arrayContaining(["buildM", "buildTVariant", "trainT", "settingsT", "_build1"]));
    // The helper is not exported; the public names are.
    expect(generated.text).toMatch(/^function _build1\(/m);
    expect(generated.text).toMatch(/^export function buildTVariant\(/m);
    const module = await importGeneratedModule(generated.text);
    expect(Object.keys(module).sort()).toEqual(
      ["buildM", "buildTVariant", "evaluateM", "evaluateTVariant", "loadM", "loadTVariant", "predictM", "predictTVariant", "settingsT", "trainT"].sort(),
    );
    expect(generated.names.trainings.get("t")).toEqual({ settings: "settingsT", train: "trainT" });
  }, 30_000);

  it("capitalizes the first letter after the prefix: trainVanilla, buildNet; names starting with _ keep it", () => {
    expect(publicPart("vanilla")).toBe("Vanilla");
    expect(publicPart("DeepBn")).toBe("DeepBn");
    expect(publicPart("my_run")).toBe("My_run");
    expect(publicPart("_h")).toBe("_h");
    const names = new ModuleNames(["net", "Iris", "_h"], ["vanilla", "slow"]);
    expect(names.model("Iris")).toMatchObject({ build: "buildIris", load: "loadIris", inputs: "IrisInputs", predictions: "IrisPredictions" });
    expect(names.model("net").build).toBe("buildNet");
    expect(names.model("_h").build).toBe("build_h");
    expect(names.training("vanilla")).toEqual({ settings: "settingsVanilla", train: "trainVanilla" });
  });

  it("two names that differ only in their first letter's case: the later one gets $2, which no name can spell", async () => {
    const names = new ModuleNames(["Net", "net", "my_Run", "My_Run"], []);
    expect(names.model("Net").build).toBe("buildNet");
    expect(names.model("net").build).toBe("buildNet$2");
    expect(names.model("my_Run").build).toBe("buildMy_Run");
    expect(names.model("My_Run").build).toBe("buildMy_Run$2");
    expect(names.model("net").inputs).toBe("Net$2Inputs");
    const generated = await generate(`${model("Net")}${model("net")}${training("a", "Net")}${training("b", "net")}`, "case-pair");
    const { values, types } = declarations(generated.text);
    expect(duplicates(values)).toEqual([]);
    expect(duplicates(types)).toEqual([]);
    const module = await importGeneratedModule(generated.text);
    expect(typeof module.buildNet).toBe("function");
    expect(typeof module["buildNet$2"]).toBe("function");
  }, 30_000);

  it("declares every name once, whatever the models and labels are called", async () => {
    // Names chosen to collide under naive schemes: case pairs, prefixes and suffixes of generated
    // names, the local `builds` (`build` + model `s`), leading underscores.
    const NAMES = ["t", "T", "tVariant", "TVariant", "s", "S", "net", "Net", "_net", "my_run", "My_run", "Inputs", "MInputs", "buildM", "M", "m", "variant1", "_build1", "expected", "Expected", "x"];
    const arb = fc.record({
      models: fc.uniqueArray(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 6 }),
      labels: fc.uniqueArray(fc.constantFrom(...NAMES), { maxLength: 4, selector: (n) => runFolderName(n) }),
      params: fc.boolean(),
    });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(arb, async ({ models, labels, params }) => {
        const text = models.map((m, i) => model(m, params && i === 0 ? "(h: int = 3)" : "")).join("") + labels.map((l, i) => training(l, `${models[i % models.length]}${params && i % models.length === 0 ? `(h: ${5 + i})` : ""}`)).join("");
        const generated = await generate(text, `random-${n++}`);
        expect(generated.failures).toEqual([]);
        const { values, types } = declarations(generated.text);
        expect(duplicates(values), generated.text).toEqual([]);
        expect(duplicates(types), generated.text).toEqual([]);
        // What `nnc train` and programs look up is there.
        const module = await importGeneratedModule(generated.text);
        for (const label of labels) expect(typeof module[generated.names.trainings.get(label)!.train], label).toBe("function");
        for (const [name, declared] of generated.names.models) if (declared.build) expect(typeof module[declared.build], name).toBe("function");
      }),
      { numRuns: Number(process.env.NNC_PROPERTY_RUNS ?? 15) },
    );
  }, 240_000);

  it("the modules of colliding names type-check under tsc --strict", async () => {
    const out = join(dir, "tsc");
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    const sources = {
      variant: `${model("M", "(h: int = 10)")}${model("tVariant")}${training("t", "M(h: 30)")}`,
      cases: `${model("Net")}${model("net")}${model("s")}${training("a", "Net")}${training("b", "net")}${training("c", "s")}`,
    };
    for (const [name, text] of Object.entries(sources)) writeFileSync(join(out, `${name}.ts`), (await generate(text, `tsc-${name}`)).text);
    const tsc = strictTypeCheck(out);
    expect(tsc.output).toBe("");
    expect(tsc.status).toBe(0);
  }, 120_000);
});
