import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TRAINING_DEFAULTS } from "../../compiler/training/defaults.js";
import { TRAINING_KEYS } from "../../compiler/training/keys.js";
import { OPTIMIZERS } from "../../compiler/training/optimizers.js";
import { SCHEDULES } from "../../compiler/training/schedules.js";
import { EARLY_STOPPING_RULES } from "../../compiler/training/settings.js";
import type { Signature } from "../../compiler/schema/types.js";
import type { Value } from "../../compiler/schema/values.js";

const DOCS = readFileSync(join(import.meta.dirname, "../../docs/training.md"), "utf8");

/** The rows of the docs' table whose header starts with `header`, as cells. */
function tableRows(header: string): string[][] {
  const lines = DOCS.split("\n");
  const start = lines.findIndex((l) => l.startsWith(`| ${header} |`));
  expect(start, `a table headed ${header}`).toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith("|")) break;
    rows.push(line.slice(1, -1).split(" | ").map((c) => c.trim()));
  }
  return rows;
}

/** A default as the docs write it: `0.9`, `1e−7` (with a minus sign), `false`, `val_loss`. */
function written(value: Value): string {
  if (value.kind === "number") return String(value.value).replace("-", "−");
  if (value.kind === "bool") return String(value.value);
  if (value.kind === "enum") return `\`${value.name}\``;
  throw new Error(`no written form for ${value.kind}`);
}

/** Each argument default of the signatures appears as `name` = value in the docs row of its constructor. */
function expectDocumentedDefaults(signatures: readonly Signature[], header: string): void {
  const rows = tableRows(header);
  for (const signature of signatures) {
    const row = rows.find((r) => r[0].startsWith(`\`${signature.name}`));
    expect(row, `a docs row for ${signature.name}`).toBeDefined();
    for (const param of signature.params) {
      if (param.default) expect(row![1], `${signature.name}(${param.name})`).toContain(`\`${param.name}\` = ${written(param.default)}`);
    }
  }
}

describe("training defaults, written once", () => {
  it("the docs' key table states each key's default as the table does", () => {
    const documented = new Map(tableRows("key").map(([key, , shown]) => [/`([a-z_]+)`/.exec(key)![1], shown]));
    for (const key of TRAINING_KEYS) {
      expect(documented.get(key.name), key.name).toBe(key.required ? "required" : TRAINING_DEFAULTS[key.name as keyof typeof TRAINING_DEFAULTS].shown);
    }
  });

  it("hover shows the table's default for every optional key", () => {
    for (const key of TRAINING_KEYS.filter((k) => !k.required)) expect(key.default, key.name).toBe(TRAINING_DEFAULTS[key.name as keyof typeof TRAINING_DEFAULTS].shown);
  });

  it("the docs state the optimizers' and schedules' argument defaults their signatures give", () => {
    expectDocumentedDefaults(OPTIMIZERS, "optimizer");
    expectDocumentedDefaults(SCHEDULES, "schedule");
  });

  it("the docs state early stopping's defaults", () => {
    const [patience] = EARLY_STOPPING_RULES;
    const monitor = patience.params.find((p) => p.name === "monitor")!.default!;
    const minDelta = patience.params.find((p) => p.name === "min_delta")!.default!;
    expect(DOCS).toContain(`- \`monitor\`: ${written(monitor)} (the default)`);
    expect(DOCS).toContain(`- \`min_delta\`: ≥ 0, default ${written(minDelta)}.`);
  });
});
