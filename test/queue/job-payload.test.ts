import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { JobRefused, readPayload } from "../../runtime/queue/job-payload.js";

const EXPECT = { queue: "nnc", version: "0.1.0", build: "b".repeat(32) };

const VALID = {
  format: 1,
  nnc: { version: "0.1.0", build: "b".repeat(32) },
  queue: "nnc",
  run: "c".repeat(24),
  sources: { "models/a.nn": "model A {}", "lib/blocks.nn": "" },
  file: "models/a.nn",
  training: "grid",
  overrides: { epochs: 2 },
  part: { kind: "trial", index: 1, count: 4, seed: 7, chosen: { "optimizer.lr": 0.1, "model.args.hidden": 8 } },
};

describe("a job's payload", () => {
  it("a payload nnc train --queue writes is read back whole", () => {
    expect(readPayload(structuredClone(VALID), EXPECT)).toEqual(VALID);
  });

  it("a job from another build is refused, naming both builds", () => {
    const other = { ...VALID, nnc: { version: "0.0.9", build: "a".repeat(32) } };
    expect(() => readPayload(other, EXPECT)).toThrow(
      "refused: the job was submitted by nnc 0.0.9 (build aaaaaaaaaaaa), this worker is nnc 0.1.0 (build bbbbbbbbbbbb); run workers of the same nnc build as the submitter",
    );
  });

  it("a job of another queue, a file outside its sources and a part that does not exist are refused", () => {
    expect(() => readPayload({ ...VALID, queue: "other" }, EXPECT)).toThrow('refused: the job names queue "other" but this worker serves "nnc"');
    expect(() => readPayload({ ...VALID, file: "b.nn" }, EXPECT)).toThrow("refused: the job's file b.nn is not among its sources");
    expect(() => readPayload({ ...VALID, part: { ...VALID.part, index: 4 } }, EXPECT)).toThrow("refused: the job's part 5 of 4 does not exist");
  });

  it("absolute paths, backslashes and empty segments in source names are refused", () => {
    for (const name of ["/etc/passwd", "C:/x.nn", "a\\b.nn", "a//b.nn", "./a.nn", ""]) {
      expect(() => readPayload({ ...VALID, sources: { ...VALID.sources, [name]: "" } }, EXPECT), name).toThrow(/^refused: the job's payload is malformed \(sources/);
    }
  });

  it("any value at all is either a valid payload or refused with JobRefused, never anything else", () => {
    const mutated = fc.oneof(
      fc.anything(),
      fc.record({ key: fc.constantFrom(...Object.keys(VALID)), value: fc.anything() }).map(({ key, value }) => ({ ...VALID, [key]: value })),
      fc.record({ key: fc.constantFrom(...Object.keys(VALID.part)), value: fc.anything() }).map(({ key, value }) => ({ ...VALID, part: { ...VALID.part, [key]: value } })),
      fc.record({ extra: fc.string(), value: fc.anything() }).map(({ extra, value }) => ({ ...VALID, [extra]: value })),
    );
    fc.assert(
      fc.property(mutated, (data) => {
        try {
          readPayload(data, EXPECT);
        } catch (error) {
          expect(error).toBeInstanceOf(JobRefused);
          expect((error as Error).message).toMatch(/^refused: /);
        }
      }),
      { numRuns: 500 },
    );
  });
});
