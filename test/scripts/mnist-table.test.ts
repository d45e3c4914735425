/**
 * scripts/mnist-table.mjs --quick: the lectures' whole MNIST table runs through the real CLI, each
 * row for one epoch on 200 examples (about 40 s on 2 cores), and the table it writes says it is a
 * quick check. Then the same folders are taken as measured without training again, and refused as
 * the measured table's rows (other epochs, --limit). Needs the compiled sources (npm test builds them).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const SCRIPT = join(ROOT, "scripts", "mnist-table.mjs");
const LECTURES = ["97.80%", "98.78%", "99.06%", "99.23%", "99.37%", "99.60%", "99.67%"];
const dir = mkdtempSync(join(tmpdir(), "nnc-table-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function script(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [SCRIPT, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", fail);
    child.on("exit", (code) => done({ code, stdout, stderr }));
  });
}

/** The table's body rows, split into cells. */
function rows(markdown: string): string[][] {
  return markdown
    .split("\n")
    .filter((l) => /^\| \d \|/.test(l))
    .map((l) => l.split("|").slice(1, -1).map((c) => c.trim()));
}

describe("scripts/mnist-table.mjs --quick", () => {
  const runs = join(dir, "runs");
  const out = join(dir, "quick.md");

  it("trains the seven rows for one epoch on a slice and writes them, marked as a quick check", async () => {
    const r = await script("--quick", "--limit", "200", "--runs", runs, "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("7 of 7 rows measured (quick check, not results)");
    const md = readFileSync(out, "utf8");
    expect(md).toMatch(/^# .*QUICK CHECK, NOT RESULTS/);
    expect(md).toContain("Quick check, not results.");
    expect(md).toContain("`--epochs 1 --limit 200`");
    const table = rows(md);
    expect(table.map((c) => c[0])).toEqual(["1", "2", "3", "4", "5", "6", "7"]);
    for (const [i, [, program, lectures, accuracy, epochs, perEpoch, total]] of table.entries()) {
      expect(program).toContain(["1_baseline", "2_conv_pool", "3_two_conv_pool", "4_relu_l2", "5_expanded", "6_dropout", "7_ensemble"][i]);
      expect(lectures).toBe(LECTURES[i]);
      expect(accuracy).toMatch(/^\*\*\d{1,3}\.\d\d%\*\*$/);
      expect(epochs).toBe(i === 6 ? "5 × 1" : "1");
      expect(perEpoch).toMatch(/^\d+\.\d$/);
      expect(total).toMatch(/^\d+(\.\d)? s$/);
    }
    expect(md).toMatch(/- CPU: .+, \d+ cores/);
    expect(md).toMatch(/- backend \(nnc's first line, from settings\.json\): .+ \(rows 1, 2, 3, 4, 5, 6, 7\)/);
    expect(md).toContain(`- command: \`node scripts/mnist-table.mjs --quick --limit 200 --runs ${runs} --out ${out}\``);
  }, 300_000);

  it("takes finished rows as measured when run again, without training them", async () => {
    const before = readFileSync(join(runs, "1_baseline", "report.json"), "utf8");
    const r = await script("--quick", "--limit", "200", "--runs", runs, "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.match(/taken as measured/g)?.length).toBe(7);
    expect(r.stderr).not.toContain("nnc train");
    expect(readFileSync(join(runs, "1_baseline", "report.json"), "utf8")).toBe(before);
    expect(rows(readFileSync(out, "utf8")).every((c) => /%\*\*$/.test(c[3]))).toBe(true);
  }, 60_000);

  it("refuses those runs as the lectures' measurements: other epochs and a --limit", async () => {
    const measured = join(dir, "measured.md");
    const r = await script("--collect", "--runs", runs, "--out", measured);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("holds a run with other settings than examples/mnist/1_baseline.nn");
    expect(r.stderr).toContain("it ran 1 epoch, the table wants 60");
    expect(r.stderr).toContain("it ran with --limit 200, the table wants no --limit");
  }, 60_000);

  it("never writes examples/RESULTS.md in quick mode", async () => {
    const r = await script("--quick", "--out", join(ROOT, "examples", "RESULTS.md"));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--quick does not write examples/RESULTS.md");
  });
});
