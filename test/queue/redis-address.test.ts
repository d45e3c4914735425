import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseRedisAddress } from "../../runtime/queue/redis-address.js";

describe("--queue's address", () => {
  it("redis:// with a password, a user, a database; rediss:// with TLS", () => {
    const plain = parseRedisAddress("redis://queue.lab:6380");
    expect(plain.options).toMatchObject({ host: "queue.lab", port: 6380, db: 0, password: undefined, tls: undefined });
    const secret = parseRedisAddress("redis://:p%40ss@10.0.0.5/3");
    expect(secret.options).toMatchObject({ host: "10.0.0.5", port: 6379, db: 3, password: "p@ss" });
    expect(secret.shown).toBe("redis://:***@10.0.0.5/3");
    expect(parseRedisAddress("redis://alice:pw@h:1").options).toMatchObject({ username: "alice", password: "pw" });
    expect(parseRedisAddress("rediss://h.example:6390").options.tls).toEqual({ servername: "h.example" });
    expect(parseRedisAddress("rediss://127.0.0.1:6390").options.tls).toEqual({});
  });

  it("anything else is a clear error", () => {
    expect(() => parseRedisAddress("localhost:6379")).toThrow(/a queue is a Redis server, redis:\/\/HOST:PORT or rediss:\/\/HOST:PORT, not localhost:\/\//);
    expect(() => parseRedisAddress("http://h:1")).toThrow(/not http:\/\//);
    expect(() => parseRedisAddress("not a url")).toThrow(/is not a URL; write redis:\/\/HOST:PORT/);
    expect(() => parseRedisAddress("redis://h:1/x")).toThrow(/the database after the port must be a number/);
  });

  it("the shown address never holds the password", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 30 }), (password) => {
        const address = parseRedisAddress(`redis://:${encodeURIComponent(password)}@host:1`);
        expect(address.options.password).toBe(password);
        expect(address.shown).toBe("redis://:***@host:1");
      }),
    );
  });
});
