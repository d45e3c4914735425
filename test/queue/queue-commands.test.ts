import { describe, expect, it } from "vitest";
import { main } from "../../compiler/cli/main.js";
import { setUpSweep } from "../support/sweep-source.js";

async function run(args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = "";
  const code = await main(args, { stdout: () => {}, stderr: (t) => void (stderr += t), color: false });
  return { code, stderr };
}

describe("the queue's command line", () => {
  it("usage mistakes exit 2 with what to write", async () => {
    expect(await run(["worker"])).toEqual({ code: 2, stderr: expect.stringContaining("nnc worker: --queue redis://HOST:PORT is needed") });
    expect(await run(["worker", "--queue", "http://h:1"])).toEqual({ code: 2, stderr: expect.stringContaining("a queue is a Redis server, redis://HOST:PORT or rediss://HOST:PORT, not http://") });
    expect(await run(["worker", "--queue", "redis://h:1", "a.nn"])).toEqual({ code: 2, stderr: expect.stringContaining("takes no files (the jobs bring their sources)") });
    const { file } = setUpSweep();
    expect(await run(["train", file, "--train", "grid", "--queue-name", "x"])).toEqual({ code: 2, stderr: expect.stringContaining("--queue-name names a queue on the Redis server that --queue gives") });
    expect(await run(["train", file, "--train", "grid", "--queue", "localhost:6379"])).toEqual({ code: 2, stderr: expect.stringContaining("not localhost://") });
  }, 60_000);

  it("a Redis server that does not answer is an error (exit 1) naming the address, not a wait", async () => {
    const { file } = setUpSweep();
    const submit = await run(["train", file, "--train", "grid", "--queue", "redis://:secret@127.0.0.1:1"]);
    expect(submit.code).toBe(1);
    expect(submit.stderr).toContain("error: cannot reach the queue at redis://:***@127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1; is redis-server running there?");
    expect(submit.stderr).not.toContain("secret");
    const worker = await run(["worker", "--queue", "redis://127.0.0.1:1"]);
    expect(worker.code).toBe(1);
    expect(worker.stderr).toContain("cannot reach the queue at redis://127.0.0.1:1");
  }, 60_000);
});
