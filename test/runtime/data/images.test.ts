import fc from "fast-check";
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DataError } from "../../../runtime/data/examples.js";
import {
  listImageFolder,
  probeImageFolder,
  readImage,
  readImageFolder,
  resizeBilinear,
  type ImageOptions,
} from "../../../runtime/data/images.js";

const root = mkdtempSync(join(tmpdir(), "nnc-images-"));
let folders = 0;

/** A new empty folder under the test's temp folder. */
function folder(): string {
  const dir = join(root, `f${folders++}`);
  mkdirSync(dir);
  return dir;
}

/** The message of the DataError `f` throws; fails the test when it throws anything else or nothing. */
function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(DataError);
    return (error as Error).message;
  }
  throw new Error("expected a DataError");
}

/** An 8-bit PNG of `channels` 1 (gray), 3 (RGB) or 4 (RGBA) from row-major values. */
function pngBytes(width: number, height: number, channels: 1 | 3 | 4, values: readonly number[]): Buffer {
  const png = new PNG({ width, height });
  for (let p = 0; p < width * height; p++) {
    const v = values.slice(p * channels, (p + 1) * channels);
    const [r, g, b, a] = channels === 1 ? [v[0], v[0], v[0], 255] : channels === 3 ? [v[0], v[1], v[2], 255] : [v[0], v[1], v[2], v[3]];
    png.data[p * 4] = r;
    png.data[p * 4 + 1] = g;
    png.data[p * 4 + 2] = b;
    png.data[p * 4 + 3] = a;
  }
  const colorType = channels === 1 ? 0 : channels === 3 ? 2 : 6;
  return PNG.sync.write(png, { colorType, inputColorType: 6, inputHasAlpha: true, bitDepth: 8 });
}

/** A quality-100 JPEG of RGB values. */
function jpegBytes(width: number, height: number, rgb: readonly number[]): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    data[p * 4] = rgb[p * 3];
    data[p * 4 + 1] = rgb[p * 3 + 1];
    data[p * 4 + 2] = rgb[p * 3 + 2];
    data[p * 4 + 3] = 255;
  }
  return jpeg.encode({ width, height, data }, 100).data;
}

function write(path: string, bytes: Buffer | string): string {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, bytes);
  return path;
}

const RGB: ImageOptions = { size: null, color: "rgb", scale: 1 };

/** Deterministic "random" values 0…255 for test images. */
function values(count: number, seed: number): number[] {
  return Array.from({ length: count }, (_, i) => (i * 37 + seed * 101 + ((i * i) % 13)) % 256);
}

describe("listImageFolder", () => {
  it("finds classes by subfolder, sorted by code point, and images sorted by name", () => {
    const dir = folder();
    const gray = pngBytes(2, 2, 1, [0, 1, 2, 3]);
    // Code point order: "B" (66) < "a" (97) < "é" (233) < "\u{E000}" < "\u{1F600}" (UTF-16 order differs for the last two).
    for (const cls of ["a", "B", "é", "\u{1F600}", "\u{E000}"]) {
      write(join(dir, cls, "z.png"), gray);
      write(join(dir, cls, "b.JPG"), jpegBytes(2, 2, values(12, 1)));
      write(join(dir, cls, "a10.jpeg"), gray); // names are only compared, never decoded here
      write(join(dir, cls, "a2.Png"), gray);
      write(join(dir, cls, "notes.txt"), "not an image");
      write(join(dir, cls, ".hidden.png"), gray);
      write(join(dir, cls, "nested", "deep.png"), gray);
    }
    write(join(dir, ".cache", "x.png"), gray);
    write(join(dir, "loose.png"), gray);
    const listing = listImageFolder(dir, "/");
    expect(listing.classes).toEqual(["B", "a", "é", "\u{E000}", "\u{1F600}"]);
    expect(listing.files.slice(0, 4)).toEqual([
      { path: "B/a10.jpeg", label: 0 },
      { path: "B/a2.Png", label: 0 },
      { path: "B/b.JPG", label: 0 },
      { path: "B/z.png", label: 0 },
    ]);
    expect(listing.files.map((f) => f.label)).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4]);
  });

  it("resolves a relative folder from baseDir", () => {
    const dir = folder();
    write(join(dir, "data", "cat", "1.png"), pngBytes(1, 1, 1, [9]));
    expect(listImageFolder("data", dir).classes).toEqual(["cat"]);
  });

  it("names the folder when it is missing, a file, has no subfolders or an empty class", () => {
    const dir = folder();
    expect(errorOf(() => listImageFolder("nowhere", dir))).toMatch(/image folder "nowhere" \(resolved to .*nowhere\): no such folder/);
    write(join(dir, "file.png"), pngBytes(1, 1, 1, [0]));
    expect(errorOf(() => listImageFolder("file.png", dir))).toMatch(/"file.png".*it is a file; expected a folder of class subfolders/);
    write(join(dir, "flat", "1.png"), pngBytes(1, 1, 1, [0]));
    expect(errorOf(() => listImageFolder("flat", dir))).toMatch(/image folder "flat".* has no subfolders: put each class's images in a subfolder/);
    write(join(dir, "some", "cat", "1.png"), pngBytes(1, 1, 1, [0]));
    write(join(dir, "some", "dog", "readme.txt"), "no images here");
    expect(errorOf(() => listImageFolder("some", dir))).toMatch(/image folder "some".*class folder "dog" holds no images/);
  });
});

describe("readImage", () => {
  it("reads PNG pixels exactly, times the scale", () => {
    const dir = folder();
    const rgb = values(3 * 4 * 3, 2);
    const file = write(join(dir, "rgb.png"), pngBytes(4, 3, 3, rgb));
    const image = readImage(file, { size: null, color: "rgb", scale: 1 / 255 });
    expect([image.height, image.width, image.channels]).toEqual([3, 4, 3]);
    expect([...image.pixels]).toEqual(rgb.map((v) => Math.fround(v * (1 / 255))));
    expect([...readImage(file, RGB).pixels]).toEqual(rgb);

    const gray = values(6, 3);
    const grayFile = write(join(dir, "gray.png"), pngBytes(3, 2, 1, gray));
    expect([...readImage(grayFile, { size: null, color: "grayscale", scale: 1 }).pixels]).toEqual(gray);
    expect([...readImage(grayFile, RGB).pixels]).toEqual(gray.flatMap((v) => [v, v, v]));
  });

  it("reads JPEG pixels within a small tolerance of what was encoded", () => {
    const dir = folder();
    // A smooth image: JPEG at quality 100 keeps it to within a few levels.
    const rgb: number[] = [];
    for (let y = 0; y < 16; y++) for (let x = 0; x < 16; x++) rgb.push(x * 12, y * 10, 100 + x + y);
    const file = write(join(dir, "smooth.jpg"), jpegBytes(16, 16, rgb));
    const image = readImage(file, RGB);
    expect([image.height, image.width, image.channels]).toEqual([16, 16, 3]);
    const worst = Math.max(...rgb.map((v, i) => Math.abs(image.pixels[i] - v)));
    expect(worst).toBeLessThanOrEqual(4);
  });

  it("converts color to grayscale with tf.image.rgb_to_grayscale's weights, without rounding", () => {
    const dir = folder();
    const rgb = [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30];
    const file = write(join(dir, "colors.png"), pngBytes(2, 2, 3, rgb));
    const image = readImage(file, { size: null, color: "grayscale", scale: 1 });
    expect(image.channels).toBe(1);
    const expected = [0, 1, 2, 3].map((p) => Math.fround(0.2989 * rgb[p * 3] + 0.587 * rgb[p * 3 + 1] + 0.114 * rgb[p * 3 + 2]));
    expect([...image.pixels]).toEqual(expected);
    expect(image.pixels[3]).not.toBe(Math.round(image.pixels[3]));
  });

  it("adds alpha 255 for rgba from RGB and gray, keeps a stored alpha, and drops it for rgb", () => {
    const dir = folder();
    const rgbFile = write(join(dir, "rgb.png"), pngBytes(2, 1, 3, [1, 2, 3, 4, 5, 6]));
    expect([...readImage(rgbFile, { size: null, color: "rgba", scale: 1 }).pixels]).toEqual([1, 2, 3, 255, 4, 5, 6, 255]);
    const grayFile = write(join(dir, "gray.png"), pngBytes(2, 1, 1, [7, 8]));
    expect([...readImage(grayFile, { size: null, color: "rgba", scale: 1 }).pixels]).toEqual([7, 7, 7, 255, 8, 8, 8, 255]);
    const jpegFile = write(join(dir, "flat.jpg"), jpegBytes(8, 8, Array<number>(8 * 8 * 3).fill(128)));
    const fromJpeg = readImage(jpegFile, { size: null, color: "rgba", scale: 1 }).pixels;
    for (let p = 0; p < 64; p++) expect(fromJpeg[p * 4 + 3]).toBe(255);
    const rgbaFile = write(join(dir, "rgba.png"), pngBytes(2, 1, 4, [1, 2, 3, 40, 4, 5, 6, 50]));
    expect([...readImage(rgbaFile, { size: null, color: "rgba", scale: 1 }).pixels]).toEqual([1, 2, 3, 40, 4, 5, 6, 50]);
    expect([...readImage(rgbaFile, RGB).pixels]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("resizes: a constant image stays constant, the same size is the identity", () => {
    const dir = folder();
    const constant = write(join(dir, "constant.png"), pngBytes(5, 3, 3, Array<number>(5 * 3 * 3).fill(77)));
    const up = readImage(constant, { size: [7, 11], color: "rgb", scale: 1 });
    expect([up.height, up.width, up.channels]).toEqual([7, 11, 3]);
    expect(up.pixels.every((v) => v === 77)).toBe(true);
    const down = readImage(constant, { size: [2, 2], color: "rgb", scale: 1 });
    expect([...down.pixels]).toEqual(Array<number>(12).fill(77));

    const rgb = values(5 * 3 * 3, 4);
    const varied = write(join(dir, "varied.png"), pngBytes(5, 3, 3, rgb));
    const same = readImage(varied, { size: [3, 5], color: "rgb", scale: 1 });
    expect([...same.pixels]).toEqual(rgb);
  });

  it("upscales 2×2 to 4×4 with half-pixel bilinear interpolation", () => {
    const dir = folder();
    const file = write(join(dir, "corners.png"), pngBytes(2, 2, 1, [0, 10, 20, 100]));
    const image = readImage(file, { size: [4, 4], color: "grayscale", scale: 1 });
    // Output pixel d samples the input at (d + 0.5)·2/4 − 0.5 = −0.25, 0.25, 0.75, 1.25, clamped to
    // 0, 0.25, 0.75, 1; bilinear in the corners 0, 10, 20, 100 is 10x + 20y + 70xy.
    expect([...image.pixels]).toEqual([
      0, 2.5, 7.5, 10,
      5, 11.875, 25.625, 32.5,
      15, 30.625, 61.875, 77.5,
      20, 40, 80, 100,
    ]);
  });

  it("names the file when it is truncated, not an image, or missing", () => {
    const dir = folder();
    const png = pngBytes(8, 8, 3, values(8 * 8 * 3, 5));
    const truncated = write(join(dir, "broken.png"), png.subarray(0, Math.floor(png.length / 2)));
    expect(errorOf(() => readImage(truncated, RGB))).toMatch(/cannot decode PNG image ".*broken\.png": the file ends too early \(truncated\)/);
    const text = write(join(dir, "text.jpg"), "this is not a picture\n");
    expect(errorOf(() => readImage(text, RGB))).toMatch(/image ".*text\.jpg" is not a PNG or JPEG file, whatever its name says: it starts with the bytes 74 68 69 73/);
    const jpg = jpegBytes(8, 8, values(8 * 8 * 3, 6));
    const cut = write(join(dir, "cut.jpeg"), jpg.subarray(0, Math.floor(jpg.length / 2)));
    expect(errorOf(() => readImage(cut, RGB))).toMatch(/cannot decode JPEG image ".*cut\.jpeg": .+/);
    const empty = write(join(dir, "empty.png"), "");
    expect(errorOf(() => readImage(empty, RGB))).toMatch(/"[^"]*empty\.png" is not a PNG or JPEG file.*the file is empty/);
    expect(errorOf(() => readImage(join(dir, "absent.png"), RGB))).toMatch(/cannot read image ".*absent\.png": no such file/);
  });
});

describe("readImageFolder", () => {
  it("reads every image into one array with class labels, in the listing's order", () => {
    const dir = folder();
    const a = values(2 * 3 * 3, 7);
    const b = values(2 * 3 * 3, 8);
    const c = values(2 * 3 * 3, 9);
    write(join(dir, "imgs", "dog", "1.png"), pngBytes(3, 2, 3, c));
    write(join(dir, "imgs", "cat", "2.png"), pngBytes(3, 2, 3, b));
    write(join(dir, "imgs", "cat", "10.png"), pngBytes(3, 2, 3, a));
    const data = readImageFolder("imgs", dir, { size: null, color: "rgb", scale: 0.5 });
    expect(data.shape).toEqual([2, 3, 3]);
    expect(data.classes).toEqual(["cat", "dog"]);
    expect(data.files).toEqual(["cat/10.png", "cat/2.png", "dog/1.png"]);
    expect([...data.labels]).toEqual([0, 0, 1]);
    expect([...data.x]).toEqual([...a, ...b, ...c].map((v) => v * 0.5));
  });

  it("resizes every image to size, whatever sizes they have", () => {
    const dir = folder();
    write(join(dir, "a", "big.png"), pngBytes(6, 4, 1, Array<number>(24).fill(40)));
    write(join(dir, "b", "small.jpg"), jpegBytes(3, 5, Array<number>(45).fill(200)));
    const data = readImageFolder(dir, "/", { size: [2, 3], color: "grayscale", scale: 1 });
    expect(data.shape).toEqual([2, 3, 1]);
    expect(data.x.length).toBe(2 * 2 * 3);
    expect([...data.x.subarray(0, 6)]).toEqual(Array<number>(6).fill(40));
    for (const v of data.x.subarray(6)) expect(Math.abs(v - 200)).toBeLessThanOrEqual(1);
  });

  it("without size, names the odd file, both sizes and the fix", () => {
    const dir = folder();
    write(join(dir, "set", "a", "1.png"), pngBytes(4, 3, 3, values(36, 1)));
    write(join(dir, "set", "b", "2.png"), pngBytes(5, 3, 3, values(45, 2)));
    const message = errorOf(() => readImageFolder("set", dir, RGB));
    expect(message).toContain(`"${join("set", "b", "2.png")}" is 3×5 pixels (height×width)`);
    expect(message).toContain(`the first image, "${join("set", "a", "1.png")}", is 3×4`);
    expect(message).toContain("`size: [3, 4]`");
  });

  it("names a broken file inside the folder", () => {
    const dir = folder();
    write(join(dir, "set", "a", "1.png"), pngBytes(2, 2, 1, [1, 2, 3, 4]));
    write(join(dir, "set", "a", "2.jpg"), "<html>oops</html>");
    expect(errorOf(() => readImageFolder("set", dir, RGB))).toMatch(/image "set\/a\/2\.jpg" is not a PNG or JPEG file/);
  });
});

describe("probeImageFolder", () => {
  it("gives the classes, the number of images and the first image's size from its header", () => {
    const dir = folder();
    write(join(dir, "b", "x.jpg"), jpegBytes(9, 4, values(9 * 4 * 3, 1)));
    write(join(dir, "a", "2.png"), pngBytes(7, 5, 3, values(7 * 5 * 3, 1)));
    write(join(dir, "a", "1.png"), pngBytes(6, 3, 1, values(6 * 3, 1)));
    expect(probeImageFolder(dir)).toEqual({ ok: true, classes: ["a", "b"], images: 3, first: { file: "a/1.png", height: 3, width: 6 } });
    const jpegOnly = folder();
    write(join(jpegOnly, "only", "x.jpeg"), jpegBytes(9, 4, values(9 * 4 * 3, 1)));
    expect(probeImageFolder(jpegOnly)).toEqual({ ok: true, classes: ["only"], images: 1, first: { file: "only/x.jpeg", height: 4, width: 9 } });
  });

  it("gives a problem instead of throwing", () => {
    const dir = folder();
    const missing = probeImageFolder(join(dir, "missing"));
    expect(missing).toEqual({ ok: false, problem: expect.stringMatching(/missing": no such folder/) });
    write(join(dir, "flat", "1.png"), pngBytes(1, 1, 1, [0]));
    expect(probeImageFolder(join(dir, "flat"))).toEqual({ ok: false, problem: expect.stringMatching(/has no subfolders/) });
    mkdirSync(join(dir, "empty", "cat"), { recursive: true });
    expect(probeImageFolder(join(dir, "empty"))).toEqual({ ok: false, problem: expect.stringMatching(/class folder "cat" holds no images/) });
    write(join(dir, "text", "cat", "1.png"), "plain text");
    expect(probeImageFolder(join(dir, "text"))).toEqual({ ok: false, problem: expect.stringMatching(/cannot read the size of "cat\/1\.png": /) });
  });

  it("answers for large files from their first bytes", () => {
    const dir = folder();
    const png = pngBytes(4, 4, 1, values(16, 1));
    // Junk after IEND makes the file 2 MB; the size is in its first bytes.
    write(join(dir, "c", "big.png"), Buffer.concat([png, Buffer.alloc(2 * 1024 * 1024, 0xab)]));
    expect(probeImageFolder(dir)).toMatchObject({ ok: true, first: { height: 4, width: 4 } });
    // A JPEG whose size (its SOF segment) comes after 120 kB of comments, past the first read.
    const data = Buffer.alloc(5 * 3 * 4, 90);
    const commented = jpeg.encode({ width: 5, height: 3, data, comments: ["x".repeat(60_000), "y".repeat(60_000)] }, 100).data;
    expect(commented.indexOf(Buffer.from([0xff, 0xc0]))).toBeGreaterThan(64 * 1024);
    const late = folder();
    write(join(late, "c", "late.jpg"), commented);
    expect(probeImageFolder(late)).toMatchObject({ ok: true, first: { height: 3, width: 5 } });
    expect(readImage(join(late, "c", "late.jpg"), RGB).width).toBe(5);
  });
});

describe("resizeBilinear (property)", () => {
  it("gives the requested size and values within the input's range", () => {
    const image = fc
      .record({ h: fc.integer({ min: 1, max: 6 }), w: fc.integer({ min: 1, max: 6 }), c: fc.integer({ min: 1, max: 4 }) })
      .chain(({ h, w, c }) =>
        fc.record({
          h: fc.constant(h),
          w: fc.constant(w),
          c: fc.constant(c),
          values: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: h * w * c, maxLength: h * w * c }),
        }),
      );
    fc.assert(
      fc.property(image, fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), ({ h, w, c, values: v }, outH, outW) => {
        const out = resizeBilinear(Float32Array.from(v), h, w, c, outH, outW);
        expect(out.length).toBe(outH * outW * c);
        for (let ch = 0; ch < c; ch++) {
          const channel = v.filter((_, i) => i % c === ch);
          const resized = [...out].filter((_, i) => i % c === ch);
          expect(Math.min(...resized)).toBeGreaterThanOrEqual(Math.min(...channel));
          expect(Math.max(...resized)).toBeLessThanOrEqual(Math.max(...channel));
        }
        if (outH === h && outW === w) expect([...out]).toEqual(v);
      }),
      { numRuns: 500 },
    );
  });
});
