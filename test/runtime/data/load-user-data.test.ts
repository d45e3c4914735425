import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { dataErrorOf as errorOf } from "../../support/data-errors.js";
import { NO_PARTS, readAndEncode } from "../../support/user-data.js";
import { indexNames } from "../../../runtime/data/examples.js";
import { partArity, readUserData, targetRules, type UserDataSetting } from "../../../runtime/data/load-user-data.js";

const dir = mkdtempSync(join(tmpdir(), "nnc-user-data-"));
writeFileSync(join(dir, "d.csv"), "a,label\n1,0\n2,1\n");
writeFileSync(join(dir, "d-test.csv"), "a,label\n3,1\n");
writeFileSync(join(dir, "d.json"), JSON.stringify([{ x: [1, 2], y: 0.5 }]));

function png(file: string, gray: number): void {
  const image = new PNG({ width: 2, height: 2 });
  image.data.fill(255);
  for (let p = 0; p < 4; p++) image.data.fill(gray, p * 4, p * 4 + 3);
  writeFileSync(file, PNG.sync.write(image));
}
for (const [name, gray] of [["cat", 0], ["dog", 255]] as const) {
  mkdirSync(join(dir, "pets", name), { recursive: true });
  png(join(dir, "pets", name, "a.png"), gray);
}

const csv: UserDataSetting = { kind: "csv", path: "d.csv", label: ["label"], features: [1], classes: null, targets: null, ...NO_PARTS };

describe("readUserData", () => {
  it("dispatches on the kind", () => {
    const raw = readUserData(csv, dir, null);
    expect(raw.count).toBe(2);
    expect(readAndEncode(raw, targetRules(csv, null, 1)).targets[0].classes).toEqual(indexNames(2));
    const json: UserDataSetting = { kind: "json", path: "d.json", shape: [2], classes: null, targets: 1, ...NO_PARTS };
    const encoded = readAndEncode(readUserData(json, dir, null), targetRules(json, null, 1));
    expect(encoded.count).toBe(1);
    expect(encoded.targets[0].shape).toEqual([1]);
    const images: UserDataSetting = { kind: "images", path: "pets", size: null, color: "grayscale", scale: 1 / 255, classes: null, ...NO_PARTS };
    const pets = readUserData(images, dir, null);
    expect(pets.inputs[0].shape).toEqual([2, 2, 1]);
    expect(pets.labels).toEqual([{ kind: "names", names: ["cat", "dog"] }]);
    expect(pets.where(1)).toBe("pets/dog/a.png");
  });

  it("reads a part's own files in place of the training files, which must be as many", () => {
    expect(Array.from(readUserData(csv, dir, null, ["d-test.csv"]).inputs[0].values)).toEqual([3]);
    expect(errorOf(() => readUserData(csv, dir, null, ["d-test.csv", "d.csv"]))).toBe("a part of `csv` names 2 files, expected 1 like the training files");
    const npy: UserDataSetting = { kind: "npy", x: ["a.npy", "b.npy"], y: ["c.npy"], shape: null, classes: null, targets: null, ...NO_PARTS };
    expect(partArity(npy)).toBe(3);
    expect(partArity({ kind: "idx", images: "i", labels: "l", shape: null, classes: null, ...NO_PARTS })).toBe(2);
    expect(partArity(csv)).toBe(1);
  });

  it("gives `classes` and `targets` to a single output and the model's output shapes to each", () => {
    const named = { ...csv, classes: ["no", "yes"], targets: 2 } as const;
    expect(targetRules(named, [[2]], 1)).toEqual([{ classes: ["no", "yes"], targets: 2, output: [2] }]);
    expect(targetRules(named, [[3], [null, 1]], 2)).toEqual([
      { classes: null, targets: null, output: [3] },
      { classes: null, targets: null, output: [null, 1] },
    ]);
    expect(targetRules(csv, null, 2)).toEqual([
      { classes: null, targets: null, output: null },
      { classes: null, targets: null, output: null },
    ]);
  });
});
