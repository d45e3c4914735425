// Writes the tiny image data set of docs/your-own-data.md: 16×16 grayscale PNGs of three shapes
// (circle, square, triangle), each at a random size and place with a little noise, in one subfolder
// per class:
//
//   shapes/<class>/NN.png        40 training images per class
//   shapes-test/<class>/NN.png   10 test images per class
//   shapes-new/NN.png            6 images without a class folder, to predict on
//
// The images are drawn from a fixed seed, so running it again writes the same bytes:
//   node examples/own-data/make-images.mjs
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PNG } from "pngjs";

const here = dirname(fileURLToPath(import.meta.url));
const SIZE = 16;
const CLASSES = ["circle", "square", "triangle"];

/** mulberry32: a small seeded generator, so the images do not depend on Math.random. */
function generator(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = generator(1936);
const between = (low, high) => low + (high - low) * random();

/** Whether pixel (x, y) — its centre — lies inside the shape centred at (cx, cy) with radius r. */
function inside(shape, x, y, cx, cy, r) {
  const dx = x + 0.5 - cx;
  const dy = y + 0.5 - cy;
  switch (shape) {
    case "circle":
      return dx * dx + dy * dy <= r * r;
    case "square":
      return Math.abs(dx) <= r * 0.85 && Math.abs(dy) <= r * 0.85;
    case "triangle": {
      // Apex up: the half-width grows from 0 at the top (dy = −r) to r at the base (dy = r).
      if (dy < -r || dy > r) return false;
      return Math.abs(dx) <= (dy + r) / 2;
    }
  }
  throw new Error(`unknown shape ${shape}`);
}

/** One image: a light shape on a dark, slightly noisy background, as PNG bytes. */
function draw(shape) {
  const r = between(4, 7);
  const cx = between(r, SIZE - r);
  const cy = between(r, SIZE - r);
  const ink = Math.round(between(170, 255));
  const png = new PNG({ width: SIZE, height: SIZE });
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      // Noise in steps of 8 keeps the files small.
      const noise = Math.floor(random() * 4) * 8;
      const value = inside(shape, x, y, cx, cy, r) ? ink - noise : noise;
      png.data.set([value, value, value, 255], (y * SIZE + x) * 4);
    }
  }
  // Stored as 8-bit grayscale (colour type 0); pngjs takes the pixels as RGBA.
  return PNG.sync.write(png, { colorType: 0 });
}

function write(path, bytes) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
}

const number = (i) => String(i + 1).padStart(2, "0");
for (const folder of ["shapes", "shapes-test", "shapes-new"]) rmSync(join(here, folder), { recursive: true, force: true });
for (const [folder, count] of [["shapes", 40], ["shapes-test", 10]]) {
  for (const shape of CLASSES) {
    for (let i = 0; i < count; i++) write(join(here, folder, shape, `${number(i)}.png`), draw(shape));
  }
}
// Two of each shape, in an order that does not give the classes away.
["triangle", "circle", "square", "square", "triangle", "circle"].forEach((shape, i) => write(join(here, "shapes-new", `${number(i)}.png`), draw(shape)));
