import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadUserData } from "../../../runtime/data/load-user-data.js";

const dir = mkdtempSync(join(tmpdir(), "nnc-user-data-"));
writeFileSync(join(dir, "d.csv"), "a,label\n1,0\n2,1\n");
writeFileSync(join(dir, "d.json"), JSON.stringify([{ x: [1, 2], y: 0.5 }]));

describe("loadUserData", () => {
  it("dispatches on the kind", () => {
    expect(loadUserData({ kind: "csv", path: "d.csv", label: "label", features: 1, classes: null, targets: null }, dir)).toMatchObject({ count: 2, classes: 2 });
    expect(loadUserData({ kind: "json", path: "d.json", shape: [2], classes: null, targets: 1 }, dir)).toMatchObject({ count: 1, yShape: [1] });
  });

  it("refuses a value that is still a search space", () => {
    expect(() =>
      loadUserData({ kind: "csv", path: "d.csv", label: "label", features: { search: "choice", options: [1, 2] }, classes: null, targets: null }, dir),
    ).toThrow("data.features is a search space (choice); it needs `tune` to choose a value");
  });
});
