import fc from "fast-check";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checkSource, diskHost } from "../../../compiler/check/check.js";
import type { EpochRecord } from "../../../runtime/core/history.js";
import { settingsSource } from "../../../runtime/core/settings-source.js";
import { jsonForScript, renderBoardHtml, renderReportHtml, writeReport } from "../../../runtime/report/page.js";
import { readRun, type RunData } from "../../../runtime/report/run-data.js";
import { RunFolder } from "../../../runtime/run/run-folder.js";

const HOSTILE = `</script><script>alert(1)</script>\u2028<!--`;

function record(epoch: number, over: Partial<EpochRecord> = {}): EpochRecord {
  return { epoch, lr: 0.01, seconds: 1, train: { loss: 1 / epoch, accuracy: 0.5 }, validation: { loss: 1.1 / epoch, accuracy: 0.4 }, gradientNorms: null, weightNorms: null, ...over };
}

function run(over: Partial<RunData> = {}): RunData {
  return { id: "mlp", part: "run", label: "Mlp", settings: null, settingsText: null, epochs: [record(1), record(2)], step: null, summary: null, report: null, children: [], ...over };
}

/** The text of `<script id="run-data">`, as the page reads it. */
function embedded(html: string): string {
  const match = /<script id="run-data" type="application\/json">([\s\S]*?)<\/script>/.exec(html);
  expect(match).not.toBeNull();
  return match![1];
}

let folders: string[] = [];
function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), "nnc-report-"));
  folders.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  folders = [];
});

describe("report.html", () => {
  it("is one self-contained page: uPlot, script, style and data inline, no request to anywhere", () => {
    const html = renderReportHtml(run());
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).toContain('data-mode="report"');
    expect(html).not.toMatch(/<link|<img|<iframe|\ssrc=|\shref=|@import|url\(\s*["']?(https?:)?\/\//i);
    expect(html).toContain("uPlot");
    // The one URL is in uPlot's licence comment, which is never fetched.
    const urls = [...html.matchAll(/https?:\/\/[^\s"'<>)]+/g)].map((m) => m[0]);
    expect(urls.every((u) => u.startsWith("https://github.com/leeoniya/uPlot"))).toBe(true);
  });

  it("embeds the run's data", () => {
    const data = run({ step: { kind: "step", epoch: 3, step: 4, steps: 10, examples: 128, loss: 0.25, seconds: 0.5 } });
    expect(JSON.parse(embedded(renderReportHtml(data)))).toEqual(data);
  });

  it("escapes a hostile label in the title and in the embedded data", () => {
    const html = renderReportHtml(run({ label: HOSTILE, id: HOSTILE }));
    expect(html).toContain(`<title>&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;`);
    const data = embedded(html);
    expect(data).not.toMatch(/<|\u2028/);
    expect((JSON.parse(data) as RunData).label).toBe(HOSTILE);
    // Three scripts: the data, uPlot, the page's; a label never opens a fourth.
    expect(html.match(/<script/g)).toHaveLength(3);
  });

  it("is the board's page with the data inlined: the same skeleton", () => {
    const ids = (html: string) => [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]).filter((id) => id !== "run-data");
    expect(ids(renderReportHtml(run()))).toEqual(ids(renderBoardHtml()));
    for (const id of ["runs", "charts", "settings-diff", "summary", "trials", "members", "folds", "test", "backend"]) expect(ids(renderBoardHtml())).toContain(id);
  });

  it("is written from settings.json and metrics.jsonl alone, while the run runs or after a kill", () => {
    const dir = folder();
    writeFileSync(join(dir, "settings.json"), JSON.stringify({ label: "Killed", source: "k.nn", sourcePath: "/k.nn", settings: {} }));
    writeFileSync(join(dir, "metrics.jsonl"), `${JSON.stringify(record(1))}\n{"kind":"step","epoch":2,"step":3,"steps":9,"examples":96,"loss":0.4,"seconds":0.2}\n{"epoch":2,"lr`);
    writeReport(dir);
    const data = JSON.parse(embedded(readFileSync(join(dir, "report.html"), "utf8"))) as RunData;
    expect(data.label).toBe("Killed");
    expect(data.epochs.map((r) => r.epoch)).toEqual([1]);
    expect(data.step).toMatchObject({ epoch: 2, step: 3 });
    expect(data.report).toBeNull();
  });

  it("is written again at every epoch of a run folder", () => {
    const dir = join(folder(), "run");
    mkdirSync(dir);
    const runFolder = new RunFolder(dir);
    runFolder.appendEpoch(record(1));
    expect((JSON.parse(embedded(readFileSync(join(dir, "report.html"), "utf8"))) as RunData).epochs).toHaveLength(1);
    runFolder.appendEpoch(record(2));
    expect((JSON.parse(embedded(readFileSync(join(dir, "report.html"), "utf8"))) as RunData).epochs).toHaveLength(2);
  });
});

describe("jsonForScript", () => {
  it("round-trips any JSON and leaves nothing that ends a script or a line", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string(), (value, text) => {
        const all = { value, text: `${text}</script>\u2028\u2029<!--&` };
        const out = jsonForScript(all);
        expect(out).not.toMatch(/[<>&\u2028\u2029]/);
        expect(JSON.parse(out)).toEqual(JSON.parse(JSON.stringify(all)));
      }),
    );
  });
});

describe("readRun", () => {
  it("reads parts in numeric order, each with its own lines", () => {
    const dir = folder();
    writeFileSync(join(dir, "settings.json"), JSON.stringify({ label: "Search", source: "s.nn", sourcePath: "/s.nn", settings: {} }));
    for (const name of ["trial-10", "trial-2", "member-1", "checkpoint", "notes"]) {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, "metrics.jsonl"), `${JSON.stringify(record(1))}\n`);
    }
    const data = readRun(dir, "search");
    expect(data.label).toBe("Search");
    expect(data.children.map((c) => [c.id, c.part])).toEqual([
      ["search/member-1", "member"],
      ["search/trial-2", "trial"],
      ["search/trial-10", "trial"],
    ]);
    expect(data.children[2].epochs).toHaveLength(1);
  });

  it("gives every setting as .nn text", () => {
    const dir = folder();
    const source = `model Mlp(hidden: int = 30) {\n  input image: [784]\n  output digit = image -> dense(hidden) -> dense(10, activation: softmax)\n}\ntrain adam: Mlp(hidden: 50) {\n  data: mnist(flat: true)\n  loss: cross_entropy\n  optimizer: adam(lr: 0.003)\n  epochs: 3\n}\n`;
    const settings = checkSource(source, "adam.nn", { ...diskHost, dataFiles: false }).trainings[0].resolved!;
    writeFileSync(join(dir, "settings.json"), JSON.stringify({ label: "Adam", source: "adam.nn", sourcePath: "/adam.nn", settings }));
    const data = readRun(dir, "adam");
    expect(data.settingsText).toEqual(settingsSource(settings));
    expect(data.settingsText!.optimizer).toContain("adam(");
  });

  it("reads a folder with nothing in it", () => {
    expect(readRun(folder(), "empty")).toMatchObject({ label: "empty", settings: null, epochs: [], step: null, summary: null, report: null, children: [] });
  });
});
