import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Tests assert behaviour, not speed (speed is bench/'s): the limit only catches a hang, and a
    // property test on a busy machine may take well over vitest's default 5 s.
    testTimeout: 60_000,
    // The leak tests collect garbage before measuring process memory, so growth means a leak.
    poolOptions: { forks: { execArgv: ["--expose-gc"] } },
  },
});
