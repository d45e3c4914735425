/**
 * What a newcomer sees in the first run: no tfjs banner on a plain import, layer names that do not
 * depend on what else the process built, examples/s on the progress bar, the summary printed once
 * on a terminal, and a run folder of another file's training, or one holding the user's own files,
 * refused rather than overwritten.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { EpochProgress } from "../../runtime/train/progress.js";
import { checkRunFolder, checkRunFolderOwner, RunFolderInUse, writeRunSettings } from "../../runtime/run/run-folder.js";
import { runTrainOn } from "../../compiler/cli/train-command.js";
import { loadProgram, TEST_OUT } from "../support/train-source.js";

const ROOT = resolve(import.meta.dirname, "../..");

describe("importing the runtime in plain Node", () => {
  it("prints nothing: no banner recommending tfjs-node when the cpu backend stores a tensor", () => {
    const script = `import { tf } from ${JSON.stringify(join(ROOT, "dist/runtime/index.js"))};
await tf.setBackend("cpu"); tf.tensor([1, 2, 3]).square().dataSync(); console.log("done");`;
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(run.stdout).toBe("done\n");
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
  });
});

describe("the name of a leaky_relu activation's layer", () => {
  it("follows its dense layer, the same whatever the process built before", async () => {
    const text = `model M {\n  input x: [4]\n  x -> hidden: dense(3, activation: leaky_relu) -> dense(2, activation: softmax)\n}\n`;
    const program = await loadProgram(text, "leaky");
    const first = program.build("M").layers.map((l) => l.name);
    const second = program.build("M").layers.map((l) => l.name);
    expect(first).toContain("hidden.leaky_relu");
    expect(second).toEqual(first);
    expect(first.some((n) => /LeakyReLU\d/.test(n))).toBe(false);
  });
});

describe("the progress bar", () => {
  it("shows examples per second from the examples trained so far", () => {
    const writes: string[] = [];
    let now = 0;
    const p = new EpochProgress({ epoch: 1, epochs: 2, steps: 100, stream: { isTTY: true, columns: 200, write: (s: string) => writes.push(s) }, now: () => now });
    now = 2000;
    p.update(50, { loss: 0.5 }, 500);
    expect(writes.join("")).toMatch(/ETA 0:02 {2}250 examples\/s {2}loss 0\.5000$/);
  });
});

describe("nnc train's summary line", () => {
  const program = `model M {\n  input image: [784]\n  image -> dense(10, activation: softmax)\n}\ntrain M {\n  data: mnist(flat: true)\n  loss: cross_entropy\n  optimizer: sgd(lr: 0.1)\n  epochs: 1\n}\n`;
  async function run(stdoutIsTTY: boolean, stderrIsTTY: boolean) {
    const dir = join(TEST_OUT, "summary-once", `${process.pid}-${Date.now()}-${stdoutIsTTY}${stderrIsTTY}`);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, "m.nn");
    (await import("node:fs")).writeFileSync(file, program);
    const log: string[] = [];
    const stdout: string[] = [];
    const code = await runTrainOn([file, "--limit", "100", "--run-dir", join(dir, "run")], { stdout: (s) => void stdout.push(s), stderr: (s) => void log.push(s), color: false }, {
      output: { isTTY: stderrIsTTY, columns: 120, write: (s: string) => log.push(s) },
      stdoutIsTTY,
    });
    return { code, log: log.join(""), stdout: stdout.join("") };
  }
  it("is printed once when stdout and stderr are one terminal, and on stdout too otherwise", async () => {
    const tty = await run(true, true);
    expect(tty.code).toBe(0);
    expect(tty.stdout).toBe("");
    expect(tty.log).toMatch(/\nM: test loss [\d.]+, test accuracy/);
    const piped = await run(false, true);
    expect(piped.stdout).toMatch(/^M: test loss .*; run folder .*\n$/);
  }, 60_000);
});

describe("a run folder", () => {
  const settings = {} as Parameters<typeof writeRunSettings>[2];
  it("of another file's training with the same label is refused, naming that file; its own is free", () => {
    const dir = join(TEST_OUT, "owners", `${process.pid}-${Date.now()}`);
    mkdirSync(dir, { recursive: true });
    writeRunSettings(dir, { label: "mnist", source: "a.nn", sourcePath: "/work/a.nn" }, settings, null, {} as never);
    expect(() => checkRunFolderOwner(dir, { label: "mnist", source: "a.nn", sourcePath: "/work/a.nn" })).not.toThrow();
    expect(() => checkRunFolderOwner(dir, { label: "mnist", source: "b.nn", sourcePath: "/work/b.nn" })).toThrow(RunFolderInUse);
    expect(() => checkRunFolderOwner(dir, { label: "mnist", source: "b.nn", sourcePath: "/work/b.nn" })).toThrow(/holds a run of training `mnist` from another file, \/work\/a\.nn; give this training another label/);
    expect(() => checkRunFolderOwner(dir, { label: "other", source: "a.nn", sourcePath: "/work/a.nn" })).toThrow(/holds a run of another training of \/work\/a\.nn, `mnist`/);
    expect(JSON.parse(readFileSync(join(dir, "settings.json"), "utf8")).sourcePath).toBe("/work/a.nn");
  });
  it("with no settings.json (new, or an older nnc's) is free", () => {
    expect(() => checkRunFolderOwner(join(TEST_OUT, "owners", "none-at-all"), { label: "x", source: "x.nn", sourcePath: "/x.nn" })).not.toThrow();
  });

  const owner = { label: "c", source: "u.nn", sourcePath: "/work/u.nn" };
  const freshDir = (name: string) => {
    const dir = join(TEST_OUT, "foreign", `${name}-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
    mkdirSync(dir, { recursive: true });
    return dir;
  };
  it("is used when it is new, empty, holds only a killed run's temporary files, or is this training's own", () => {
    expect(() => checkRunFolder(join(TEST_OUT, "foreign", "never-made"), owner, false)).not.toThrow();
    const empty = freshDir("empty");
    expect(() => checkRunFolder(empty, owner, false)).not.toThrow();
    writeFileSync(join(empty, ".model.json.999999.1700000000000.tmp"), "");
    expect(() => checkRunFolder(empty, owner, false)).not.toThrow();
    const own = freshDir("own");
    writeRunSettings(own, owner, settings, null, {} as never);
    writeFileSync(join(own, "notes.txt"), "mine");
    expect(() => checkRunFolder(own, owner, false)).not.toThrow();
    expect(() => checkRunFolder(own, { ...owner, label: "other" }, false)).toThrow(/holds a run of another training .*or give --force/);
  });
  it("holding files nnc did not write is refused, naming them and both ways out; --force writes there", () => {
    const dir = freshDir("mine");
    for (const name of ["model.json", "weights.bin", "report.html", "metrics.jsonl"]) writeFileSync(join(dir, name), "mine");
    writeFileSync(join(dir, "settings.json"), '{"mine":1}');
    expect(() => checkRunFolder(dir, owner, false)).toThrow(RunFolderInUse);
    expect(() => checkRunFolder(dir, owner, false)).toThrow(
      /is not an nnc run folder \(its settings\.json is not one an nnc run wrote\) and is not empty: it holds metrics\.jsonl, model\.json, report\.html, settings\.json, weights\.bin; a run there would replace metrics\.jsonl, model\.json, report\.html, settings\.json, weights\.bin; train into a new or empty folder with --run-dir DIR .*or give --force/,
    );
    expect(() => checkRunFolder(dir, owner, true)).not.toThrow();
    const noSettings = freshDir("no-settings");
    writeFileSync(join(noSettings, "model.json"), "mine");
    expect(() => checkRunFolder(noSettings, owner, false)).toThrow(/\(it has no settings\.json of an nnc run\) and is not empty: it holds model\.json; a run there would replace model\.json;/);
    const unrelated = freshDir("unrelated");
    writeFileSync(join(unrelated, "notes.txt"), "mine");
    expect(() => checkRunFolder(unrelated, owner, false)).toThrow(/it holds notes\.txt; a run there would mix its files with them;/);
  });
  it("refuses any non-empty folder without an nnc settings.json, whatever its files are called", () => {
    const name = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,11}$/);
    const notNnc = fc.oneof(fc.constant(null), fc.constant('{"mine":1}'), fc.constant("[]"), fc.constant("not json"), fc.constant('{"label":"c","source":"u.nn"}'));
    fc.assert(
      fc.property(fc.uniqueArray(name, { minLength: 1, maxLength: 8 }), notNnc, (names, settingsText) => {
        const dir = freshDir("property");
        for (const n of names) if (n !== "settings.json") writeFileSync(join(dir, n), "mine");
        if (settingsText !== null) writeFileSync(join(dir, "settings.json"), settingsText);
        const before = readdirSync(dir).sort();
        expect(() => checkRunFolder(dir, owner, false)).toThrow(RunFolderInUse);
        for (const n of before) expect(() => checkRunFolder(dir, owner, false)).toThrow(n);
        expect(readdirSync(dir).sort()).toEqual(before);
      }),
      { numRuns: 40 },
    );
  });
});

describe("nnc train --run-dir on a folder of the user's own files", () => {
  const source = "model C { input m: [4]  output k = m -> h: dense(4, activation: relu) -> o: dense(3, activation: softmax) }\ntrain c: C { data: csv(\"cls.csv\", label: \"kind\", validation: 0.2) loss: cross_entropy optimizer: sgd(lr: 0.1) epochs: 1 seed: 1 }\n";
  const rows = Array.from({ length: 30 }, (_, i) => `${i % 3},${(i * 7) % 5},${i % 2},${(i * 3) % 4},${"abc"[i % 3]}`);
  const train = async (args: string[]) => {
    const log: string[] = [];
    const code = await runTrainOn(args, { stdout: () => {}, stderr: (s) => void log.push(s), color: false }, { output: { write: (s: string) => log.push(s) }, stdoutIsTTY: false });
    return { code, log: log.join("") };
  };
  it("changes nothing there and exits 1; --force trains there, leaving the other files alone; then it is the training's own", async () => {
    const dir = join(TEST_OUT, "user-files", `${process.pid}-${Date.now()}`);
    mkdirSync(dir, { recursive: true });
    const mine: Record<string, string> = { "u.nn": source, "cls.csv": `f1,f2,f3,f4,kind\n${rows.join("\n")}\n`, "model.json": "my model", "weights.bin": "my weights", "report.html": "my report", "settings.json": '{"mine":1}', "metrics.jsonl": "my metrics" };
    for (const [name, text] of Object.entries(mine)) writeFileSync(join(dir, name), text);
    const refused = await train([join(dir, "u.nn"), "--run-dir", dir]);
    expect(refused.code).toBe(1);
    expect(refused.log).toMatch(/^error: .* is not an nnc run folder \(its settings\.json is not one an nnc run wrote\) and is not empty: it holds cls\.csv, metrics\.jsonl, model\.json, report\.html, settings\.json, u\.nn, weights\.bin; a run there would replace metrics\.jsonl, model\.json, report\.html, settings\.json, weights\.bin; .*--force/m);
    expect(readdirSync(dir).sort()).toEqual(Object.keys(mine).sort());
    for (const [name, text] of Object.entries(mine)) expect(readFileSync(join(dir, name), "utf8")).toBe(text);

    const forced = await train([join(dir, "u.nn"), "--run-dir", dir, "--force", "--backend", "cpu"]);
    expect(forced.code, forced.log).toBe(0);
    expect(readFileSync(join(dir, "model.json"), "utf8")).not.toBe(mine["model.json"]);
    expect(readFileSync(join(dir, "u.nn"), "utf8")).toBe(mine["u.nn"]);
    expect(readFileSync(join(dir, "cls.csv"), "utf8")).toBe(mine["cls.csv"]);

    const again = await train([join(dir, "u.nn"), "--run-dir", dir, "--backend", "cpu"]);
    expect(again.code, again.log).toBe(0);
  }, 60_000);
});
