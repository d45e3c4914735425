/**
 * `nnc train`, then `nnc evaluate` and `nnc predict` on the run folder it wrote: the whole path a
 * user takes, through the command line (in-process).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../compiler/cli/main.js";
import { describeMetrics } from "../../runtime/core/metric-format.js";
import { readPackageFile } from "../../runtime/package/read.js";
import { grayPng, put, tempFolder } from "../runtime/package/fixtures.js";

process.env.NNC_BACKEND = "cpu";

async function run(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), color: false });
  return { code, stdout, stderr };
}

function irisLike(): string {
  const lines = ["a,b,c,d,species"];
  let seed = 3;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
  const names = ["setosa", "versicolor", "virginica"];
  for (let i = 0; i < 90; i++) lines.push(`${[0, 1, 2, 3].map((f) => (i % 3) + f * 0.1 + 0.6 * random()).map((v) => v.toFixed(3)).join(",")},${names[i % 3]}`);
  return `${lines.join("\n")}\n`;
}

describe("nnc train, then nnc evaluate and nnc predict", () => {
  it("a CSV model: evaluate gives the test metrics train reported; predict reads files without the label", async () => {
    const dir = tempFolder("nnc-e2e-");
    put(dir, "iris.csv", irisLike());
    const source = put(
      dir,
      "iris.nn",
      `model Iris {
  input measurements: [4]
  measurements -> dense(8, activation: relu) -> species: dense(3, activation: softmax)
}
train Iris {
  data: csv("iris.csv", label: "species", test: 0.2)
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
  metrics: [accuracy]
  normalize: standardize
  epochs: 2
  seed: 1
}
`,
    );
    const runDir = join(dir, "runs", "iris");
    const trained = await run("train", source, "--run-dir", runDir);
    expect(trained.stderr).toBe("");
    expect(trained.code).toBe(0);
    const pkg = readPackageFile(runDir);
    expect(pkg.test).not.toBeNull();

    const evaluated = await run("evaluate", runDir);
    expect(evaluated.code).toBe(0);
    expect(evaluated.stdout).toContain(`metrics: ${describeMetrics(pkg.test!)}\n`);
    expect(evaluated.stdout).toContain("data: the run's test part: 20% of iris.csv, held out with split seed 1, 18 examples\n");
    const json = JSON.parse((await run("evaluate", runDir, "--format", "json")).stdout);
    for (const [name, value] of Object.entries(pkg.test!)) expect(json.metrics[name]).toBeCloseTo(value, 5);

    const bare = put(dir, "new.csv", "a,b,c,d\n0.1,0.2,0.3,0.4\n2,2.1,2.2,2.3\n");
    const predicted = await run("predict", runDir, bare);
    expect(predicted.code).toBe(0);
    const lines = predicted.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("source,class,p(setosa),p(versicolor),p(virginica)");
    expect(lines.slice(1).map((l) => l.split(",")[0])).toEqual([`${bare}:2`, `${bare}:3`]);
  }, 60_000);

  it("an mnist(flat: true) model trained with --limit: evaluate notes it; predict takes a 28×28 image", async () => {
    const dir = tempFolder("nnc-e2e-");
    const source = put(
      dir,
      "digits.nn",
      `model Mlp {
  input image: [784]
  image -> dense(16, activation: relu) -> dense(10, activation: softmax)
}
train Mlp { data: mnist(flat: true) loss: cross_entropy optimizer: sgd(lr: 0.1) batch_size: 20 epochs: 1 seed: 1 ensemble: 2 }
`,
    );
    const runDir = join(dir, "runs", "mlp");
    const trained = await run("train", source, "--limit", "200", "--run-dir", runDir);
    expect(trained.code).toBe(0);
    expect(existsSync(join(runDir, "nnc-package.json"))).toBe(true);
    const pkg = readPackageFile(runDir);
    const evaluated = await run("evaluate", runDir);
    expect(evaluated.code).toBe(0);
    expect(evaluated.stdout).toContain("model: Mlp (");
    expect(evaluated.stdout).toContain("an ensemble of 2 networks, majority vote\n");
    expect(evaluated.stdout).toContain("data: the run's test part: the first 200 MNIST test images, 200 examples\n");
    expect(evaluated.stdout).toContain("note: the run was trained with --limit 200; its test part is the first 200 examples\n");
    expect(evaluated.stdout).toContain(`metrics: ${describeMetrics(pkg.test!)}\n`);

    const image = put(dir, "digit.png", grayPng(28, 28, 0));
    const out = join(dir, "digit.json");
    const predicted = await run("predict", runDir, image, "--format", "json", "--out", out);
    expect(predicted.code).toBe(0);
    const [record] = JSON.parse(readFileSync(out, "utf8"));
    expect(record.source).toBe(image);
    expect(Object.keys(record.p)).toEqual(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
    expect(Object.values(record.p as Record<string, number>).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  }, 60_000);
});
