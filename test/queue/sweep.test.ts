/**
 * Sweeps on a queue, end to end: a real redis-server on loopback, `nnc worker` and `nnc train
 * --queue` as separate processes of the built CLI, and results compared with the serial run's.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { runTrainOn } from "../../compiler/cli/train-command.js";
import { metricsOf, reportOf } from "../support/run-metrics.js";
import { SWEEP_SOURCE, setUpSweep } from "../support/sweep-source.js";
import { redisAvailable, startRedis, type RedisServer } from "../support/redis-server.js";

const NNC = resolve(import.meta.dirname, "../../bin/nnc.js");


/** A CLI process whose output is collected; `exited` resolves with its exit code. */
interface Proc {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  output(): string;
  /** Resolves when the output matches. */
  waitFor(pattern: RegExp, seconds?: number): Promise<RegExpMatchArray>;
}

const running = new Set<ChildProcess>();
const servers: RedisServer[] = [];
/** Every process the running test started, by its command line, for the message of a wait that never ends. */
const started: { readonly args: string; readonly proc: Proc }[] = [];

/** The promise's value, or an error holding every process's output if it has not come within `seconds`. */
async function within<T>(promise: Promise<T>, seconds: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, fail) => {
    timer = setTimeout(() => {
      const outputs = started.map(({ args, proc }) => `--- nnc ${args} (exit ${proc.child.exitCode ?? proc.child.signalCode ?? "running"}):\n${proc.output()}`);
      fail(new Error(`nothing within ${seconds} s; the processes said:\n${outputs.join("\n")}`));
    }, seconds * 1000);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

function nnc(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Proc {
  const child = spawn(process.execPath, [NNC, ...args], { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  let text = "";
  const listeners = new Set<() => void>();
  const take = (chunk: Buffer) => {
    text += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout!.on("data", take);
  child.stderr!.on("data", take);
  const exited = new Promise<number | null>((done) => child.on("exit", (code) => (running.delete(child), done(code))));
  const proc: Proc = {
    child,
    exited,
    output: () => text,
    waitFor: (pattern, seconds = 120) =>
      new Promise((done, fail) => {
        const check = () => {
          const found = text.match(pattern);
          if (found) {
            listeners.delete(check);
            clearTimeout(timer);
            done(found);
          }
        };
        const timer = setTimeout(() => (listeners.delete(check), fail(new Error(`no ${pattern} within ${seconds} s in:\n${text}`))), seconds * 1000);
        listeners.add(check);
        check();
        void exited.then(() => setTimeout(() => listeners.has(check) && (listeners.delete(check), clearTimeout(timer), fail(new Error(`exited without ${pattern}:\n${text}`))), 50));
      }),
  };
  started.push({ args: args.join(" "), proc });
  return proc;
}

const setUp = () => setUpSweep().dir;

/** The serial run, in this process. */
async function serial(dir: string, label: string, overrides: readonly string[]): Promise<ReturnType<typeof metricsOf>> {
  let stderr = "";
  const runDir = join(dir, `${label}-serial`);
  const code = await runTrainOn([join(dir, "sweep.nn"), "--train", label, ...overrides, "--run-dir", runDir], { stdout: () => {}, stderr: (t) => void (stderr += t), color: false }, { output: { write: () => true }, stdoutIsTTY: false });
  expect(code, stderr).toBe(0);
  return metricsOf(reportOf(runDir));
}

async function redis(options?: Parameters<typeof startRedis>[0]): Promise<RedisServer> {
  const server = await startRedis(options);
  servers.push(server);
  return server;
}

afterEach(async () => {
  for (const child of running) child.kill("SIGKILL");
  running.clear();
  started.length = 0;
  for (const server of servers.splice(0)) await server.stop();
});

describe.skipIf(!redisAvailable)("sweeps on a Redis queue", () => {
  it("two workers train a 4-trial grid and a 3-member ensemble with the serial run's results", async () => {
    const dir = setUp();
    const server = await redis();
    const workers = [1, 2].map(() => nnc(["worker", "--queue", server.url, "--threads", "1"], dir));
    for (const label of ["grid", "members"]) {
      const submit = nnc(["train", "sweep.nn", "--train", label, "--limit", "300", "--run-dir", `${label}-queue`, "--queue", server.url], dir);
      expect(await within(submit.exited, 150), submit.output()).toBe(0);
      expect(metricsOf(reportOf(join(dir, `${label}-queue`)))).toEqual(await serial(dir, label, ["--limit", "300"]));
      // The run's folder is the usual one, and the queue holds nothing of the run once it is written.
      expect(existsSync(join(dir, `${label}-queue`, "nnc-package.json"))).toBe(true);
      expect(existsSync(join(dir, `${label}-queue`, "queue.json"))).toBe(false);
    }
    const log = workers.map((w) => w.output()).join("\n");
    // Both workers trained parts.
    expect(workers.every((w) => /finished in/.test(w.output())), log).toBe(true);
    const client = new Redis(server.url);
    expect(await client.keys("nnc:nnc:files:*")).toEqual([]);
    client.disconnect();
  }, 240_000);

  // `long` is trained for more epochs than its source says, so that the part is still training when
  // the signal lands however slowly this process reads the worker's lines (an epoch takes ~0.1 s).
  const LONG = ["--limit", "6000", "--epochs", "20"];

  it("a worker killed in the middle of a job: another takes it over from its last checkpoint, and the result is the uninterrupted run's", async () => {
    const dir = setUp();
    const server = await redis();
    const first = nnc(["worker", "--queue", server.url, "--stall-seconds", "5"], dir);
    const submit = nnc(["train", "sweep.nn", "--train", "long", ...LONG, "--run-dir", "long-queue", "--queue", server.url], dir);
    await first.waitFor(/member 1\/2: epoch 3\/20/);
    first.child.kill("SIGKILL");
    await within(first.exited, 30);
    expect(first.output(), "the first worker finished the part before it was killed: this machine read its lines too slowly for the test").not.toMatch(/member 1\/2: finished/);
    const lastSeen = Math.max(...[...first.output().matchAll(/member 1\/2: epoch (\d+)\/20/g)].map((m) => Number(m[1])));
    const second = nnc(["worker", "--queue", server.url, "--stall-seconds", "5"], dir);
    expect(await within(submit.exited, 150), submit.output()).toBe(0);
    const resumed = Number(second.output().match(/member 1\/2: resuming after epoch (\d+)/)?.[1]);
    // At most the epoch that was running (and one whose checkpoint was being copied) is trained again.
    expect(resumed, second.output()).toBeGreaterThanOrEqual(lastSeen - 1);
    expect(second.output()).not.toMatch(/member 1\/2: epoch 1\/20/);
    expect(metricsOf(reportOf(join(dir, "long-queue")))).toEqual(await serial(dir, "long", LONG));
  }, 240_000);

  it("a worker killed while it compiles a job: another takes the job within --stall-seconds, not after a lock made long for compiling", async () => {
    const dir = setUp();
    const server = await redis();
    const first = nnc(["worker", "--queue", server.url, "--stall-seconds", "3"], dir);
    const submit = nnc(["train", "sweep.nn", "--train", "long", ...LONG, "--run-dir", "long-queue", "--queue", server.url], dir);
    // Member 1 done, the worker has just taken member 2 and is compiling it (the only job left).
    await first.waitFor(/member 2\/2 of sweep\.nn \(training long\): started/);
    first.child.kill("SIGKILL");
    const killed = performance.now();
    await within(first.exited, 30);
    const second = nnc(["worker", "--queue", server.url, "--stall-seconds", "3"], dir);
    await second.waitFor(/member 2\/2 of sweep\.nn \(training long\): started/, 200);
    // The lock lapses 3 s after the kill and the stalled-job check runs every 3 s; the rest is the
    // second worker's start. (A lock lengthened for compiling held the job for 300 s.)
    expect((performance.now() - killed) / 1000, second.output()).toBeLessThan(60);
    expect(await within(submit.exited, 150), submit.output()).toBe(0);
  }, 240_000);

  it("a worker too busy to renew its job's lock: another takes the job over and the first stops it, writing nothing more", async () => {
    const dir = setUp();
    const server = await redis();
    const busy = nnc(["worker", "--queue", server.url, "--stall-seconds", "3"], dir);
    const submit = nnc(["train", "sweep.nn", "--train", "long", ...LONG, "--run-dir", "long-queue", "--queue", server.url], dir);
    await busy.waitFor(/member 1\/2: epoch 2\/20/);
    // Stopped, its process renews no lock (its part's process trains on, then waits to hand off).
    busy.child.kill("SIGSTOP");
    const other = nnc(["worker", "--queue", server.url, "--stall-seconds", "3"], dir);
    await other.waitFor(/member 1\/2: resuming after epoch \d+/);
    busy.child.kill("SIGCONT");
    expect(await within(submit.exited, 150), submit.output()).toBe(0);
    await busy.waitFor(/member 1\/2: lost the job's lock \(not renewed within --stall-seconds 3\); stopping it here, for another worker to resume/);
    expect(metricsOf(reportOf(join(dir, "long-queue")))).toEqual(await serial(dir, "long", LONG));
    // The checkpoints written for a takeover are not kept in the run folder.
    expect(existsSync(join(dir, "long-queue", "member-1", "checkpoint", "state.json"))).toBe(false);
  }, 240_000);

  it("a submitter killed and run again attaches to its jobs: no part is trained twice", async () => {
    const dir = setUp();
    const server = await redis();
    const worker = nnc(["worker", "--queue", server.url], dir);
    const args = ["train", "sweep.nn", "--train", "grid", "--limit", "2000", "--run-dir", "grid-queue", "--queue", server.url];
    const first = nnc(args, dir);
    await first.waitFor(/trial 2\/4: taken by worker/);
    first.child.kill("SIGKILL");
    await within(first.exited, 150);
    const second = nnc(args, dir);
    expect(await within(second.exited, 150), second.output()).toBe(0);
    expect(second.output()).toMatch(/attached to [1-4] already queued|finished before/);
    for (const trial of [1, 2, 3, 4]) expect(worker.output().match(new RegExp(`trial ${trial}/4: finished in`, "g"))?.length, worker.output()).toBe(1);
    expect(metricsOf(reportOf(join(dir, "grid-queue")))).toEqual(await serial(dir, "grid", ["--limit", "2000"]));
  }, 240_000);

  it("Ctrl-C on the submitter stops watching; the jobs go on and the same command attaches", async () => {
    const dir = setUp();
    const server = await redis();
    const args = ["train", "sweep.nn", "--train", "members", "--limit", "300", "--run-dir", "members-queue", "--queue", server.url];
    const first = nnc(args, dir);
    await first.waitFor(/waiting for workers/);
    first.child.kill("SIGINT");
    expect(await within(first.exited, 150)).toBe(130);
    expect(first.output()).toContain("3 parts go on on the workers; run the same command again to attach to them");
    nnc(["worker", "--queue", server.url], dir);
    const second = nnc(args, dir);
    expect(await within(second.exited, 150), second.output()).toBe(0);
    expect(second.output()).toContain("attached to 3 already queued");
  }, 240_000);

  it("Ctrl-C on a submitter whose Redis server is gone: it stops watching at once", async () => {
    const dir = setUp();
    const server = await redis();
    const submit = nnc(["train", "sweep.nn", "--train", "members", "--limit", "300", "--run-dir", "members-queue", "--queue", server.url], dir);
    await submit.waitFor(/waiting for workers/);
    await server.stop();
    await submit.waitFor(/queue: lost redis:\/\/127\.0\.0\.1:\d+\/? \(.+\); reconnecting\n/);
    submit.child.kill("SIGINT");
    expect(await within(submit.exited, 30), submit.output()).toBe(130);
    expect(submit.output()).toContain("interrupted (Ctrl-C): stopping watching the queue (the jobs go on on the workers)\nstopped watching the queue; 3 parts go on on the workers; run the same command again to attach to them\n");
  }, 120_000);

  it("Redis restarted during a sweep (append-only file): nothing finished is lost", async () => {
    const dir = setUp();
    const server = await redis({ appendonly: true });
    const worker = nnc(["worker", "--queue", server.url], dir);
    const submit = nnc(["train", "sweep.nn", "--train", "grid", "--limit", "2000", "--run-dir", "grid-queue", "--queue", server.url], dir);
    await submit.waitFor(/trial 2\/4: done on worker/);
    await server.restart();
    expect(await within(submit.exited, 150), submit.output()).toBe(0);
    for (const trial of [1, 2]) expect(worker.output().match(new RegExp(`trial ${trial}/4: finished in`, "g"))?.length).toBe(1);
    expect(metricsOf(reportOf(join(dir, "grid-queue")))).toEqual(await serial(dir, "grid", ["--limit", "2000"]));
  }, 240_000);

  it("a worker whose Redis server goes away says so once and that it is back; stopped while the server is away, it ends", async () => {
    const dir = setUp();
    const server = await redis();
    const worker = nnc(["worker", "--queue", server.url], dir);
    await worker.waitFor(/serving queue "nnc"/);
    await server.stop();
    await worker.waitFor(/queue: lost redis:\/\/127\.0\.0\.1:\d+\/? \(.+\); reconnecting\n/);
    // Several attempts to reconnect fail meanwhile; none is said.
    await new Promise((done) => setTimeout(done, 3000));
    await server.restart();
    await worker.waitFor(/queue: reconnected to redis:\/\/127\.0\.0\.1:\d+/);
    await server.stop();
    await worker.waitFor(/reconnected[^]*queue: lost/);
    worker.child.kill("SIGTERM");
    expect(await within(worker.exited, 30), worker.output()).toBe(143);
    expect(worker.output().match(/^queue: .*$/gm), worker.output()).toEqual([expect.stringMatching(/^queue: lost/), expect.stringMatching(/^queue: reconnected/), expect.stringMatching(/^queue: lost/)]);
  }, 120_000);

  it("a job from another build of nnc and a malformed payload are refused with a message", async () => {
    const dir = setUp();
    const server = await redis();
    const worker = nnc(["worker", "--queue", server.url], dir);
    await worker.waitFor(/serving queue "nnc"/);
    const connection = new Redis(server.url, { maxRetriesPerRequest: null });
    const queue = new Queue("nnc", { connection, prefix: "nnc-queue" });
    const valid = {
      format: 1,
      nnc: { version: "0.0.1", build: "0".repeat(32) },
      queue: "nnc",
      run: "a".repeat(24),
      sources: { "sweep.nn": SWEEP_SOURCE },
      file: "sweep.nn",
      training: "members",
      overrides: { limit: 100 },
      part: { kind: "member", index: 0, count: 3, seed: 7 },
    };
    await queue.add("other-build", valid, { jobId: "other-build" });
    await queue.add("malformed", { format: 1, sources: "rm -rf /" }, { jobId: "malformed" });
    const reason = async (id: string) => {
      for (let i = 0; i < 200; i++) {
        if ((await queue.getJobState(id)) === "failed") return (await queue.getJob(id))!.failedReason;
        await new Promise((done) => setTimeout(done, 100));
      }
      throw new Error(`job ${id} was not refused:\n${worker.output()}`);
    };
    expect(await reason("other-build")).toMatch(/^refused: the job was submitted by nnc 0\.0\.1 \(build 000000000000\), this worker is nnc \S+ \(build [0-9a-f]{12}\); run workers of the same nnc build as the submitter$/);
    expect(await reason("malformed")).toMatch(/^refused: the job's payload is malformed \(nnc: .+\); it was not submitted by `nnc train --queue`$/);
    expect(worker.output()).toContain("job malformed: refused");
    // The worker goes on serving.
    expect(worker.child.exitCode).toBe(null);
    await queue.close();
    connection.disconnect();
  }, 120_000);

  it("a password and TLS (rediss://) work; a wrong password is said plainly", async () => {
    const dir = setUp();
    const made = spawnSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"), "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1"]);
    expect(made.status, made.stderr.toString()).toBe(0);
    const server = await redis({ password: "s3cret", tls: { cert: join(dir, "cert.pem"), key: join(dir, "key.pem") } });
    expect(server.url).toMatch(/^rediss:\/\/:s3cret@/);
    const env = { NODE_EXTRA_CA_CERTS: join(dir, "cert.pem") };
    nnc(["worker", "--queue", server.url], dir, env);
    const submit = nnc(["train", "sweep.nn", "--train", "members", "--limit", "300", "--epochs", "1", "--run-dir", "tls", "--queue", server.url], dir, env);
    expect(await within(submit.exited, 150), submit.output()).toBe(0);
    expect(submit.output()).not.toContain("s3cret");
    const wrong = nnc(["train", "sweep.nn", "--train", "members", "--queue", server.url.replace("s3cret", "nope")], dir, env);
    expect(await within(wrong.exited, 150)).toBe(1);
    expect(wrong.output()).toMatch(/cannot reach the queue at rediss:\/\/:\*\*\*@127\.0\.0\.1:\d+\/?: WRONGPASS .*; give the password as redis:\/\/:PASSWORD@HOST:PORT/);
  }, 120_000);
});
