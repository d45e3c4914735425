/**
 * `use` of things that are not `.nn` files, through `checkProgram` and the disk host. Before, `use
 * "/dev/zero"` read for 54 s and 16.8 GB and aborted, `/dev/urandom` likewise, and a FIFO blocked
 * forever. Now each is E107 saying what it is, found by `stat` before anything is opened, and a file
 * over the cap is never read.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { checkProgram } from "../../compiler/check/check.js";

let dir: string;
/** Each target with the end of the E107 message it gets (undefined: no E107). */
const targets: { path: string; problem: RegExp | undefined }[] = [];
let fifoSkipped: string | undefined;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "nnc-hostile-use-"));
  mkdirSync(join(dir, "folder.nn"));
  writeFileSync(join(dir, "huge.nn"), "");
  truncateSync(join(dir, "huge.nn"), 8 * 1024 * 1024 + 1);
  writeFileSync(join(dir, "lib.nn"), "block B(x) { x -> relu }\n");
  targets.push(
    { path: join(dir, "folder.nn"), problem: /: it is a folder, not a file$/ },
    { path: join(dir, "huge.nn"), problem: /: it is more than 8 MB; a `\.nn` file nnc reads is at most 8 MB$/ },
    { path: join(dir, "lib.nn"), problem: undefined },
  );
  for (const device of ["/dev/zero", "/dev/urandom", "/dev/null"]) {
    if (existsSync(device)) targets.push({ path: device, problem: /: it is a character device, not a file$/ });
  }
  try {
    execFileSync("mkfifo", [join(dir, "pipe.nn")], { stdio: "ignore" });
    targets.push({ path: join(dir, "pipe.nn"), problem: /: it is a FIFO \(named pipe\), not a file$/ });
  } catch (error) {
    fifoSkipped = `mkfifo is not available here (${error instanceof Error ? error.message : String(error)}): no FIFO target`;
  }
});

/** How a `use` may spell a path: absolute, relative to the file, through `..`. */
const spelling = fc.constantFrom("absolute", "relative", "dotted") as fc.Arbitrary<"absolute" | "relative" | "dotted">;

function spell(path: string, how: "absolute" | "relative" | "dotted", from: string): string {
  if (how === "absolute") return path;
  const rel = relative(from, path);
  return how === "relative" ? (rel.startsWith(".") ? rel : `./${rel}`) : `../${join(from.split("/").pop()!, rel)}`;
}

describe("use of non-regular files, over checkProgram", () => {
  it("is E107 saying what the target is, for any mix of targets and spellings, and never blocks", { timeout: 60_000 }, () => {
    if (fifoSkipped) console.warn(`skipped part: ${fifoSkipped}`);
    const sub = join(dir, "src");
    mkdirSync(sub, { recursive: true });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(targets.length - 1), spelling), { minLength: 1, maxLength: 6 }), (uses) => {
        const root = join(sub, "net.nn");
        const chosen = uses.map(([i, how]) => ({ ...targets[i], written: spell(targets[i].path, how, sub) }));
        // The same target twice is still one file of the program, but each `use` line is checked.
        const lines = chosen.map((t) => `use ${JSON.stringify(t.written)}`);
        writeFileSync(root, `${lines.join("\n")}\nmodel M { input x: [4]  x -> dense(1) }\n`);
        const result = checkProgram([root]);
        const e107 = result.diagnostics.filter((d) => d.code === "E107");
        chosen.forEach((t, line) => {
          const here = e107.filter((d) => d.range.start.line === line + 1);
          if (t.problem === undefined) expect(here).toEqual([]);
          else {
            expect(here).toHaveLength(1);
            expect(here[0].message.startsWith(`cannot read ${JSON.stringify(t.written)}: `)).toBe(true);
            expect(here[0].message).toMatch(t.problem);
          }
        });
        expect(e107).toHaveLength(chosen.filter((t) => t.problem).length);
      }),
      { numRuns: 60 },
    );
  });

  it("is E107 for a root that is not a file, and for one over the cap", { timeout: 20_000 }, () => {
    for (const t of targets.filter((x) => x.problem)) {
      const result = checkProgram([t.path]);
      expect(result.diagnostics.map((d) => d.code)).toEqual(["E107"]);
      expect(result.diagnostics[0].message).toMatch(t.problem!);
    }
  });
});
