/**
 * `--queue redis://[:password@]host[:port][/db]` or `rediss://…` (TLS): the Redis server a sweep's
 * jobs go through. Parsed once here, so the submitter and the worker connect alike and messages
 * never print the password.
 */
import { isIP } from "node:net";
import { Redis, type RedisOptions } from "ioredis";

/** A queue's Redis server, parsed. */
export interface RedisAddress {
  readonly options: RedisOptions;
  /** The address as messages show it: the password replaced by `***`. */
  readonly shown: string;
}

export class QueueAddressError extends Error {
  override name = "QueueAddressError";
}

/** Parses `--queue`'s value; a clear error for anything that is not a Redis URL. */
export function parseRedisAddress(text: string): RedisAddress {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new QueueAddressError(`--queue ${JSON.stringify(text)} is not a URL; write redis://HOST:PORT (or rediss://HOST:PORT for TLS, redis://:PASSWORD@HOST:PORT with a password)`);
  }
  if (url.protocol !== "redis:" && url.protocol !== "rediss:") {
    throw new QueueAddressError(`--queue ${JSON.stringify(text)}: a queue is a Redis server, redis://HOST:PORT or rediss://HOST:PORT, not ${url.protocol}//`);
  }
  if (!url.hostname) throw new QueueAddressError(`--queue ${JSON.stringify(text)} names no host; write redis://HOST:PORT`);
  const port = url.port ? Number(url.port) : 6379;
  const db = url.pathname && url.pathname !== "/" ? Number(url.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new QueueAddressError(`--queue ${JSON.stringify(text)}: the database after the port must be a number (redis://HOST:PORT/0)`);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const hidden = new URL(url.href);
  if (hidden.password) hidden.password = "***";
  const options: RedisOptions = {
    host,
    port,
    db,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    // Node checks the certificate against the host; a name (not an address) also goes in the TLS hello.
    tls: url.protocol === "rediss:" ? (isIP(host) ? {} : { servername: host }) : undefined,
    // BullMQ's workers wait on blocking commands; they must not give up on a slow reply.
    maxRetriesPerRequest: null,
    // A restarted server is reconnected to, every second at most.
    retryStrategy: (times) => Math.min(times * 200, 1000),
  };
  return { options, shown: hidden.href };
}

/** A new connection to the address (BullMQ takes one per queue, worker and events reader). */
export function connect(address: RedisAddress): Redis {
  return new Redis({ ...address.options, lazyConnect: false });
}

/**
 * Waits until the server answers, or fails with what went wrong (refused, unknown host, wrong
 * password, TLS) after `seconds` — rather than retrying silently for ever.
 */
export async function reachable(address: RedisAddress, seconds = 10): Promise<void> {
  const client = new Redis({ ...address.options, lazyConnect: true, retryStrategy: () => null, connectTimeout: seconds * 1000 });
  let last = "";
  client.on("error", (error: Error) => (last = error.message));
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    // The client's own error (refused, wrong password, certificate) says more than "Connection is closed".
    const message = (last || (error as Error).message).replace(/\.$/, "");
    const hint = /NOAUTH|WRONGPASS|invalid password|AUTH/i.test(message)
      ? "; give the password as redis://:PASSWORD@HOST:PORT"
      : /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH/.test(message)
        ? "; is redis-server running there?"
        : /certificate|SSL|TLS/i.test(message)
          ? "; for a certificate of a private authority, set NODE_EXTRA_CA_CERTS to its file"
          : "";
    throw new QueueAddressError(`cannot reach the queue at ${address.shown}: ${message}${hint}`);
  } finally {
    client.disconnect();
  }
}
