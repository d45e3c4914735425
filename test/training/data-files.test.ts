/**
 * `nnc check` looks at the data files a training names (E107, E108, and shapes from headers for
 * E300/E301), with real files written into a temporary folder next to the checked `.nn` file.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkSource, diskHost } from "../../compiler/check/check.js";
import { forgetProbes } from "../../compiler/training/data-files.js";
import { diagnosticWith, expectClean, expectDiagnostics } from "../support/expect-diagnostics.js";
import { idxBytes, npyBytes, pngBytes, put, tempFolder } from "./support/data-files.js";

const IRIS = "sepal_length,sepal_width,petal_length,petal_width,species\n5.1,3.5,1.4,0.2,setosa\n";

/**
 * A model of `input` → dense(`units`), trained on `data` (with `// expect:` codes on the data line):
 * a classifier (softmax, cross-entropy), or with `loss: mse` a regression.
 */
function program(input: string, units: number, data: string, expect = "", loss = "cross_entropy"): string {
  const flatten = input.includes(",") ? "flatten -> " : "";
  const activation = loss === "cross_entropy" ? ", activation: softmax" : "";
  return `
model M {
  input x: ${input}
  x -> ${flatten}dense(${units}${activation})
}
train M {
  data: ${data}${expect ? `   // expect: ${expect}` : ""}
  loss: ${loss}
  optimizer: sgd(lr: 0.1)
}`;
}

/** A folder with `iris.csv`, and the path of a `.nn` file in it. */
function irisFolder(): { dir: string; nn: string } {
  const dir = tempFolder();
  put(dir, "iris.csv", IRIS);
  return { dir, nn: join(dir, "train.nn") };
}

describe("E107: a data path that is not there, or not a file", () => {
  it("a missing CSV file, with the close name in its folder as did-you-mean and a fix", () => {
    const { nn } = irisFolder();
    const d = diagnosticWith(expectDiagnostics(program("[4]", 3, 'csv("iris.cvs", label: "species")', "E107 col 13: cannot find the data file \"iris.cvs\""), nn), "E107");
    expect(d.message).toBe('cannot find the data file "iris.cvs"');
    expect(d.label).toContain("iris.cvs");
    expect(d.help).toBe('did you mean "iris.csv"?');
    expect(d.fixes[0].edits[0].newText).toBe('"iris.csv"');
  });

  it("keeps the folders of the path in the fix, and says where paths start without a close name", () => {
    const dir = tempFolder();
    put(dir, "data/Iris.csv", IRIS);
    const nn = join(dir, "train.nn");
    const d = diagnosticWith(expectDiagnostics(program("[4]", 3, 'csv("data/iris.csv", label: "species")', "E107 col 13: cannot find the data file \"data/iris.csv\""), nn), "E107");
    expect(d.fixes[0].edits[0].newText).toBe('"data/Iris.csv"');
    const far = diagnosticWith(expectDiagnostics(program("[4]", 3, 'csv("data/flowers.csv", label: "species")', "E107 col 13: cannot find the data file \"data/flowers.csv\""), nn), "E107");
    expect(far.help).toBe(`data paths are relative to the folder of the .nn file, ${dir}`);
    expect(far.fixes).toEqual([]);
    const noFolder = diagnosticWith(expectDiagnostics(program("[4]", 3, 'csv("dta/iris.csv", label: "species")', "E107 col 13: cannot find the data file \"dta/iris.csv\""), nn), "E107");
    expect(noFolder.help).toBe('did you mean "data/Iris.csv"?');
    const nowhere = diagnosticWith(expectDiagnostics(program("[4]", 3, 'csv("tables/iris.csv", label: "species")', "E107 col 13: cannot find the data file \"tables/iris.csv\""), nn), "E107");
    expect(nowhere.help).toBe(`there is no folder ${join(dir, "tables")}`);
  });

  it("paths are relative to the .nn file's folder, not the working folder", () => {
    const dir = tempFolder();
    put(dir, "iris.csv", IRIS);
    expectDiagnostics(program("[4]", 3, 'csv("../iris.csv", label: "species")'), join(dir, "sub", "train.nn"));
    expect(checkSource(program("[4]", 3, 'csv("iris.csv", label: "species")'), join(dir, "sub", "train.nn")).diagnostics.map((d) => d.code)).toEqual(["E107"]);
  });

  it("a missing image folder", () => {
    const { dir, nn } = irisFolder();
    mkdirSync(join(dir, "pictures"));
    const d = diagnosticWith(expectDiagnostics(program("[8, 8, 3]", 2, 'images("photos/", size: [8, 8])', "E107 col 16: cannot find the image folder \"photos/\""), nn), "E107");
    expect(d.message).toBe('cannot find the image folder "photos/"');
  });

  it("a folder given as a CSV file, and a file given as an image folder", () => {
    const { dir, nn } = irisFolder();
    mkdirSync(join(dir, "data.csv"));
    const folder = diagnosticWith(expectDiagnostics(program("[4]", 3, 'csv("data.csv", label: "species")', "E107 col 13: the data file \"data.csv\" is a folder, not a file"), nn), "E107");
    expect(folder.message).toBe('the data file "data.csv" is a folder, not a file');
    const file = diagnosticWith(expectDiagnostics(program("[8, 8, 3]", 2, 'images("iris.csv", size: [8, 8])', "E107 col 16: the image folder \"iris.csv\" is a file, not a folder"), nn), "E107");
    expect(file.message).toBe('the image folder "iris.csv" is a file, not a folder');
  });

  it("/dev/zero as a CSV file: a device, never read", () => {
    const { nn } = irisFolder();
    const start = performance.now();
    const d = diagnosticWith(expectDiagnostics(program("[4]", 3, 'csv("/dev/zero", label: "species")', "E107 col 13: the data file \"/dev/zero\" is a character device, not a regular file"), nn), "E107");
    expect(performance.now() - start).toBeLessThan(2000);
    expect(d.message).toBe('the data file "/dev/zero" is a character device, not a regular file');
  });

  const fifoDir = tempFolder();
  const madeFifo = spawnSync("mkfifo", [join(fifoDir, "pipe.csv")]).status === 0;
  it.skipIf(!madeFifo)("a FIFO as a CSV file: named, never opened (skipped where `mkfifo` is not available)", () => {
    const d = diagnosticWith(expectDiagnostics(program("[4]", 3, 'csv("pipe.csv", label: "species")', "E107 col 13: the data file \"pipe.csv\" is a named pipe (FIFO), not a regular file"), join(fifoDir, "train.nn")), "E107");
    expect(d.message).toBe('the data file "pipe.csv" is a named pipe (FIFO), not a regular file');
  });

  it("checks the files of test and validation parts, and of a dataset given as the validation key", () => {
    const { nn } = irisFolder();
    const source = `
model M {
  input x: [4]
  x -> dense(3, activation: softmax)
}
train M {
  data: csv("iris.csv", label: "species", test: "tset.csv")   // expect: E107 col 49: cannot find the data file "tset.csv"
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
}
train other: M {
  data: csv("iris.csv", label: "species")
  validation: csv("val.csv", label: "species")   // expect: E107 col 19: cannot find the data file "val.csv"
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
}`;
    const result = expectDiagnostics(source, nn);
    expect(result.diagnostics.map((d) => d.message)).toEqual(['cannot find the data file "tset.csv"', 'cannot find the data file "val.csv"']);
    expect(result.diagnostics[0].range.start.column).toBe(49);
  });

  it("json: whether the file is there", () => {
    const { dir, nn } = irisFolder();
    put(dir, "d.json", "not even JSON");
    expectDiagnostics(program("[4]", 3, 'json("d.json")'), nn);
    expectDiagnostics(program("[4]", 3, 'json("e.json")', "E107 col 14: cannot find the data file \"e.json\""), nn);
  });

  it("is not looked at when the host says so", () => {
    const result = checkSource(program("[4]", 3, 'csv("nowhere.csv", label: "species")'), "test.nn", { ...diskHost, dataFiles: false });
    expect(result.diagnostics).toEqual([]);
  });
});

describe("CSV: the header row against the arguments and the model", () => {
  it("E108 for a label column the header does not have, with did-you-mean and a fix", () => {
    const { nn } = irisFolder();
    const d = diagnosticWith(expectDiagnostics(program("[4]", 3, 'csv("iris.csv", label: "specis")', "E108 col 32: \"iris.csv\" has no column named \"specis\""), nn), "E108");
    expect(d.message).toBe('"iris.csv" has no column named "specis"');
    expect(d.help).toBe('did you mean "species"? The columns are sepal_length, sepal_width, petal_length, petal_width, species');
    expect(d.fixes[0].edits[0].newText).toBe('"species"');
  });

  it("E108 for a label index beyond the columns, a named label without a header, and two names of one column", () => {
    const { dir, nn } = irisFolder();
    expect(diagnosticWith(expectDiagnostics(program("[4]", 3, 'csv("iris.csv", label: 5)', "E108 col 32: label column index 5 is outside the 5 columns of \"iris.csv\" (0…4)"), nn), "E108").message).toBe(
      'label column index 5 is outside the 5 columns of "iris.csv" (0…4)',
    );
    put(dir, "numbers.csv", "1,2,3\n4,5,6\n");
    expect(diagnosticWith(expectDiagnostics(program("[2]", 3, 'csv("numbers.csv", label: "y")', "E108 col 35: \"numbers.csv\" has no header row (its first row is all numbers), so no column is named \"y\""), nn), "E108").help).toBe("give the label column by its 0-based index, e.g. `label: 2`");
    expectDiagnostics(program("[2]", 3, 'csv("numbers.csv", label: 2)'), nn);
    const twice = diagnosticWith(expectDiagnostics(program("[3]", 3, 'csv("iris.csv", label: ["species", 4])', "E301 col 9: model `M` has one output (`output`), but `csv` has 2 targets per example // expect: E108 col 44: \"species\" and 4 are the same column of \"iris.csv\", \"species\""), nn), "E108");
    expect(twice.message).toBe('"species" and 4 are the same column of "iris.csv", "species"');
  });

  it("E300 when the model's input disagrees with the header, naming the column count", () => {
    const { nn } = irisFolder();
    const d = diagnosticWith(expectDiagnostics(program("[5]", 3, 'csv("iris.csv", label: "species")', "E300 col 9: `csv` gives examples of shape [4] (\"iris.csv\" has 5 columns: 4 features and 1 label), but model `M` takes [5]"), nn), "E300");
    expect(d.message).toBe('`csv` gives examples of shape [4] ("iris.csv" has 5 columns: 4 features and 1 label), but model `M` takes [5]');
    expectDiagnostics(program("[4]", 3, 'csv("iris.csv", label: "species")'), nn);
    expectDiagnostics(program("[3]", 2, 'csv("iris.csv", label: "species", targets: 2)', "E108 col 52: `targets: 2` takes 2 columns from the label column \"species\" (index 4), but \"iris.csv\" has 5 columns", "mse"), nn);
    expectDiagnostics(program("[3]", 2, 'csv("iris.csv", label: "petal_width", targets: 2)', "", "mse"), nn);
    expectDiagnostics(program("[2]", 2, 'csv("iris.csv", label: "petal_width", targets: 2)', "E300 col 9: `csv` gives examples of shape [3] (\"iris.csv\" has 5 columns: 3 features and 2 target columns), but model `M` takes [2]", "mse"), nn);
  });

  it("E108 when `features` does not count the feature columns, with the count as a fix", () => {
    const { nn } = irisFolder();
    const d = diagnosticWith(expectDiagnostics(program("[5]", 3, 'csv("iris.csv", label: "species", features: 5)', "E108 col 53: \"iris.csv\" has 4 feature columns (5 columns, 1 label), but `features` counts 5"), nn), "E108");
    expect(d.message).toBe('"iris.csv" has 4 feature columns (5 columns, 1 label), but `features` counts 5');
    expect(d.fixes[0].edits[0].newText).toBe("4");
    const source = `
model Two {
  input a: [1]
  input b: [2]
  output y = concat(a, b) -> dense(3, activation: softmax)
}
train Two {
  data: csv("iris.csv", label: "species", features: [1, 2])   // expect: E108 col 53: "iris.csv" has 4 feature columns (5 columns, 1 label), but \`features: [1, 2]\` counts 1 + 2 = 3
  loss: cross_entropy
  optimizer: sgd(lr: 0.1)
}`;
    expect(diagnosticWith(expectDiagnostics(source, nn), "E108").message).toBe('"iris.csv" has 4 feature columns (5 columns, 1 label), but `features: [1, 2]` counts 1 + 2 = 3');
  });

  it("a part's file has the columns of the training file; an empty file is E108", () => {
    const { dir, nn } = irisFolder();
    put(dir, "test.csv", "a,b,c,species\n1,2,3,x\n");
    put(dir, "empty.csv", "\n\n");
    expect(diagnosticWith(expectDiagnostics(program("[4]", 3, 'csv("iris.csv", label: "species", test: "test.csv")', "E108 col 49: the test file \"test.csv\" has 3 feature columns, but \"iris.csv\" has 4"), nn), "E108").message).toBe(
      'the test file "test.csv" has 3 feature columns, but "iris.csv" has 4',
    );
    expect(diagnosticWith(expectDiagnostics(program("[4]", 3, 'csv("empty.csv", label: "species")', "E108 col 13: \"empty.csv\" is empty"), nn), "E108").message).toBe('"empty.csv" is empty');
  });

  it("a first row longer than the bytes read is not checked", () => {
    const dir = tempFolder();
    const names = Array.from({ length: 10_000 }, (_, i) => `feature_${i}`);
    put(dir, "wide.csv", `${names.join(",")},y\n${names.map(() => "0").join(",")},1\n`);
    expectDiagnostics(program("[3]", 2, 'csv("wide.csv", label: "y")'), join(dir, "train.nn"));
  });
});

describe("IDX: the header against the model", () => {
  it("E300 for the example shape (gray images get a channel axis), with `shape` as a fix when the sizes agree", () => {
    const dir = tempFolder();
    put(dir, "images.idx", idxBytes([6, 28, 28]));
    put(dir, "labels.idx", idxBytes([6]));
    const nn = join(dir, "train.nn");
    expectDiagnostics(program("[28, 28, 1]", 10, 'idx("images.idx", "labels.idx")'), nn);
    const d = diagnosticWith(expectDiagnostics(program("[784]", 10, 'idx("images.idx", "labels.idx")', "E300 col 9: `idx` gives examples of shape [28, 28, 1] (the header of \"images.idx\" says [6, 28, 28]), but model `M` takes [784]"), nn), "E300");
    expect(d.message).toBe('`idx` gives examples of shape [28, 28, 1] (the header of "images.idx" says [6, 28, 28]), but model `M` takes [784]');
    expect(d.fixes[0].edits[0].newText).toBe(", shape: [784]");
    expectDiagnostics(program("[784]", 10, 'idx("images.idx", "labels.idx", shape: [784])'), nn);
    expectDiagnostics(program("[10, 10]", 10, 'idx("images.idx", "labels.idx", shape: [10, 10])', "E108 col 48: \"images.idx\": each image has shape [28, 28] (784 values), but `shape` is [10, 10] (100 values)"), nn);
  });

  it("E108 for images and labels of different counts, and for a file that is not IDX", () => {
    const dir = tempFolder();
    put(dir, "images.idx", idxBytes([6, 4, 4]));
    put(dir, "labels.idx", idxBytes([5]));
    put(dir, "gzipped.idx", Buffer.from([0x1f, 0x8b, 0x08, 0x00, 1, 2, 3, 4]));
    const nn = join(dir, "train.nn");
    const counts = diagnosticWith(expectDiagnostics(program("[4, 4, 1]", 10, 'idx("images.idx", "labels.idx")', "E108 col 27: \"images.idx\" holds 6 images but \"labels.idx\" holds 5 labels; they must match one to one"), nn), "E108");
    expect(counts.message).toBe('"images.idx" holds 6 images but "labels.idx" holds 5 labels; they must match one to one');
    const gz = diagnosticWith(expectDiagnostics(program("[4, 4, 1]", 10, 'idx("gzipped.idx", "labels.idx")', "E108 col 13: \"gzipped.idx\": not an IDX file: magic number 0x1f8b0800, expected 0x0000 then a type byte (08 ubyte, 09 byte, 0B short, 0C int, 0D float, 0E double) and a dimension count of at least 1"), nn), "E108");
    expect(gz.message).toMatch(/^"gzipped\.idx": not an IDX file: magic number 0x1f8b0800/);
  });
});

describe("NPY: the headers against the model", () => {
  it("E300 for each x file's example shape", () => {
    const dir = tempFolder();
    put(dir, "x.npy", npyBytes([5, 12]));
    put(dir, "y.npy", npyBytes([5], "<i8", 8));
    const nn = join(dir, "train.nn");
    expectDiagnostics(program("[12]", 3, 'npy("x.npy", "y.npy")'), nn);
    const d = diagnosticWith(expectDiagnostics(program("[13]", 3, 'npy("x.npy", "y.npy")', "E300 col 9: `npy` gives examples of shape [12] (the header of \"x.npy\" says shape [5, 12]), but model `M` takes [13]"), nn), "E300");
    expect(d.message).toBe('`npy` gives examples of shape [12] (the header of "x.npy" says shape [5, 12]), but model `M` takes [13]');
  });

  it("E108 for files whose first axes differ, and for `targets` the y header contradicts", () => {
    const dir = tempFolder();
    put(dir, "x.npy", npyBytes([5, 12]));
    put(dir, "y4.npy", npyBytes([4], "<i8", 8));
    put(dir, "y2.npy", npyBytes([5, 2]));
    const nn = join(dir, "train.nn");
    const d = diagnosticWith(expectDiagnostics(program("[12]", 3, 'npy("x.npy", "y4.npy")', "E108 col 22: \"x.npy\" holds 5 examples (shape [5, 12]) but \"y4.npy\" holds 4 (shape [4]); the first axes must match"), nn), "E108");
    expect(d.message).toBe('"x.npy" holds 5 examples (shape [5, 12]) but "y4.npy" holds 4 (shape [4]); the first axes must match');
    const regression = (targets: number, expect = "") => `
model R {
  input x: [12]
  x -> dense(${targets})
}
train R {
  data: npy("x.npy", "y2.npy", targets: ${targets})${expect ? `   // expect: ${expect}` : ""}
  loss: mse
  optimizer: sgd(lr: 0.1)
}`;
    expectDiagnostics(regression(2), nn);
    expect(diagnosticWith(expectDiagnostics(regression(3, "E108 col 41: \"y2.npy\": each target holds 2 values (array [5, 2]), but `targets` is 3"), nn), "E108").message).toBe('"y2.npy": each target holds 2 values (array [5, 2]), but `targets` is 3');
  });
});

describe("images: the class folders and the first image", () => {
  function photos(classes: readonly string[], size = 8): string {
    const dir = tempFolder();
    for (const cls of classes) put(dir, `photos/${cls}/1.png`, pngBytes(size, size));
    return dir;
  }

  it("E301 when the output has another number of units than there are class folders", () => {
    const dir = photos(["bird", "cat", "dog"]);
    const nn = join(dir, "train.nn");
    expectDiagnostics(program("[8, 8, 3]", 3, 'images("photos", size: [8, 8])'), nn);
    const d = diagnosticWith(expectDiagnostics(program("[8, 8, 3]", 10, 'images("photos", size: [8, 8])', "E301 col 9: model `M` outputs [10], but `images` has 3 classes (\"photos\" has 3 class folders: bird, cat, dog)"), nn), "E301");
    expect(d.message).toBe('model `M` outputs [10], but `images` has 3 classes ("photos" has 3 class folders: bird, cat, dog)');
  });

  it("without `size`, the first image's size and the color's channels give the example shape (E300, with `size` as a fix)", () => {
    const dir = photos(["cat", "dog"], 32);
    const nn = join(dir, "train.nn");
    expectDiagnostics(program("[32, 32, 3]", 2, 'images("photos")'), nn);
    expectDiagnostics(program("[32, 32, 1]", 2, 'images("photos", color: grayscale)'), nn);
    const d = diagnosticWith(expectDiagnostics(program("[28, 28, 3]", 2, 'images("photos")', "E300 col 9: `images` gives examples of shape [32, 32, 3] (the first image, \"photos/cat/1.png\", is 32×32 pixels, read as rgb), but model `M` takes [28, 28, 3]"), nn), "E300");
    expect(d.message).toBe('`images` gives examples of shape [32, 32, 3] (the first image, "photos/cat/1.png", is 32×32 pixels, read as rgb), but model `M` takes [28, 28, 3]');
    expect(d.fixes[0].edits[0].newText).toBe(", size: [28, 28]");
    expectDiagnostics(program("[28, 28, 3]", 2, 'images("photos", size: [28, 28])'), nn);
  });

  it("E108 for a folder without class folders, an empty class, and a class folder `classes` does not list", () => {
    const dir = photos(["cat", "dog"]);
    mkdirSync(join(dir, "flat"));
    put(dir, "flat/1.png", pngBytes(8, 8));
    mkdirSync(join(dir, "photos", "empty"));
    const nn = join(dir, "train.nn");
    expect(diagnosticWith(expectDiagnostics(program("[8, 8, 3]", 2, 'images("flat", size: [8, 8])', "E108 col 16: image folder \"flat\" has no subfolders: put each class's images in a subfolder named after the class (e.g. cat/1.png, dog/2.png)"), nn), "E108").message).toMatch(/^image folder "flat" has no subfolders/);
    expect(diagnosticWith(expectDiagnostics(program("[8, 8, 3]", 3, 'images("photos", size: [8, 8])', "E108 col 16: image folder \"photos\": class folder \"empty\" holds no images (.png, .jpg or .jpeg files); remove it or add its images"), nn), "E108").message).toMatch(/class folder "empty" holds no images/);
    rmSync(join(dir, "photos", "empty"), { recursive: true });
    const d = diagnosticWith(expectDiagnostics(program("[8, 8, 3]", 2, 'images("photos", size: [8, 8], classes: ["cat", "dgo"])', "E108 col 57: the class folder \"dog\" of \"photos\" is not in `classes`"), nn), "E108");
    expect(d.message).toBe('the class folder "dog" of "photos" is not in `classes`');
    expect(d.fixes[0].edits[0].newText).toBe('"dog"');
  });
});

describe("the headers read", () => {
  it("are kept while a file's stamp (mtime, size, mode, inode) holds: a header is not read again", () => {
    const { dir, nn } = irisFolder();
    const file = join(dir, "iris.csv");
    utimesSync(file, 1_000_000, 1_000_000);
    const source = program("[4]", 3, 'csv("iris.csv", label: "species")');
    expect(checkSource(source, nn).diagnostics).toEqual([]);
    // Rewritten in place with the same size and mtime: nothing tells the change, so the kept header stands.
    writeFileSync(file, IRIS.replace("species", "speciez"));
    utimesSync(file, 1_000_000, 1_000_000);
    expect(checkSource(source, nn).diagnostics).toEqual([]);
    forgetProbes();
    expect(checkSource(source, nn).diagnostics.map((d) => d.code)).toEqual(["E108"]);
  });

  it("are read again when a file changes, even at the same size", () => {
    const { dir, nn } = irisFolder();
    const source = program("[4]", 3, 'csv("iris.csv", label: "species")');
    expect(checkSource(source, nn).diagnostics).toEqual([]);
    writeFileSync(join(dir, "iris.csv"), IRIS.replace("species", "speciez"));
    utimesSync(join(dir, "iris.csv"), new Date(2001, 1, 1), new Date(2001, 1, 1));
    expect(checkSource(source, nn).diagnostics.map((d) => d.code)).toEqual(["E108"]);
  });
});
