import fc from "fast-check";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downloadFolder, localized, portable, uploadFolder } from "../../runtime/queue/artifacts.js";
import { redisAvailable, startRedis, type RedisServer } from "../support/redis-server.js";

describe("paths in a part's results", () => {
  it("travel relative to the run folder and the submitter's folder, and land in the receiver's", () => {
    const worker = { runDir: "/tmp/nnc-job-x/run", root: "/home/w/project" };
    const submitter = { runDir: "/data/runs/grid", root: "/srv/p" };
    const outcome = { runDir: "/tmp/nnc-job-x/run/trial-02", source: "/home/w/project/a.nn", other: "/tmp/nnc-job-x/running", note: "trained in /tmp/nnc-job-x/run" };
    expect(localized(portable(outcome, worker), submitter)).toEqual({ runDir: "/data/runs/grid/trial-02", source: "/srv/p/a.nn", other: "/tmp/nnc-job-x/running", note: "trained in /tmp/nnc-job-x/run" });
  });
});

describe.skipIf(!redisAvailable)("a part's folder through Redis", () => {
  let server: RedisServer;
  let redis: Redis;
  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
  });

  it("arrives whole, its JSON paths moved, its binary files byte for byte", async () => {
    const from = mkdtempSync(join(tmpdir(), "nnc-art-"));
    const to = mkdtempSync(join(tmpdir(), "nnc-art-"));
    mkdirSync(join(from, "trial-01", "checkpoint"), { recursive: true });
    const weights = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 37) % 256));
    writeFileSync(join(from, "trial-01", "weights.bin"), weights);
    writeFileSync(join(from, "trial-01", "report.json"), JSON.stringify({ runDir: join(from, "trial-01"), data: "/w/data.csv" }));
    writeFileSync(join(from, "trial-01", "checkpoint", "state.json"), '{"epoch":3}\n');
    writeFileSync(join(from, "trial-01", ".report.json.123.456.tmp"), "a write in progress");
    await uploadFolder(redis, "k1", { runDir: from, root: "/w" });
    expect(await downloadFolder(redis, "k1", "trial-01", { runDir: to, root: "/s" })).toBe(3);
    expect(readFileSync(join(to, "trial-01", "weights.bin")).equals(weights)).toBe(true);
    expect(JSON.parse(readFileSync(join(to, "trial-01", "report.json"), "utf8"))).toEqual({ runDir: join(to, "trial-01"), data: "/s/data.csv" });
    expect(readFileSync(join(to, "trial-01", "checkpoint", "state.json"), "utf8")).toBe('{"epoch":3}\n');
  });

  it("never writes outside the part's folder, whatever the hash holds", async () => {
    const to = mkdtempSync(join(tmpdir(), "nnc-art-"));
    const segment = fc.oneof(fc.constantFrom("..", ".", "", "trial-01", "member-1", "x"), fc.string({ maxLength: 4 }));
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 4 }), async (segments) => {
        const name = segments.join("/");
        await redis.del("k2");
        await redis.hset("k2", name, "x");
        const parts = name.split("/");
        const safe = parts.length > 1 && parts[0] === "trial-01" && parts.every((s) => s !== "" && s !== "." && s !== ".." && !s.includes("\\") && !s.includes("\0"));
        if (safe) await expect(downloadFolder(redis, "k2", "trial-01", { runDir: to, root: "/s" })).resolves.toBe(1);
        else await expect(downloadFolder(redis, "k2", "trial-01", { runDir: to, root: "/s" })).rejects.toThrow(/outside the part's folder trial-01\/; not written/);
      }),
      { numRuns: 200 },
    );
  });
});
