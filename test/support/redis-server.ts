/**
 * A real Redis server for the queue tests: Debian's `redis-server` on loopback, on a free port and
 * in a folder of its own, started and stopped by the test. Without redis-server the queue tests
 * skip with a message, unless NNC_REQUIRE_REDIS=1 (CI sets it: .ci/run installs the package).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const redisRequired = process.env.NNC_REQUIRE_REDIS === "1";
export const redisAvailable = spawnSync("redis-server", ["--version"]).status === 0;
if (!redisAvailable) {
  if (redisRequired) throw new Error("NNC_REQUIRE_REDIS=1 but redis-server is not installed (Debian: apt-get install redis-server)");
  console.warn("queue tests skipped: no redis-server (Debian: apt-get install redis-server; NNC_REQUIRE_REDIS=1 makes this a failure)");
}

export interface RedisOptions {
  readonly password?: string;
  /** Keep every write in an append-only file, so a restart loses nothing. */
  readonly appendonly?: boolean;
  /** TLS on the port with this certificate and key (files). */
  readonly tls?: { readonly cert: string; readonly key: string };
}

export interface RedisServer {
  readonly port: number;
  /** redis://[:password@]127.0.0.1:port (rediss:// with TLS). */
  readonly url: string;
  stop(): Promise<void>;
  /** Stops the server and starts it again on the same port and folder. */
  restart(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

function launch(args: readonly string[]): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
    let log = "";
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${log}`)), 15_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}:\n${log}`));
    });
  });
}

function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.removeAllListeners("exit");
    child.on("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

export async function startRedis(options: RedisOptions = {}): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "nnc-redis-"));
  const args = ["--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", options.appendonly ? "yes" : "no", "--appendfsync", "always"];
  if (options.password) args.push("--requirepass", options.password);
  if (options.tls) args.push("--port", "0", "--tls-port", String(port), "--tls-cert-file", options.tls.cert, "--tls-key-file", options.tls.key, "--tls-auth-clients", "no");
  else args.push("--port", String(port));
  let child = await launch(args);
  const auth = options.password ? `:${options.password}@` : "";
  return {
    port,
    url: `${options.tls ? "rediss" : "redis"}://${auth}127.0.0.1:${port}`,
    stop: () => stopped(child),
    restart: async () => {
      await stopped(child);
      child = await launch(args);
    },
  };
}
