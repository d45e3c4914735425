import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // The leak tests collect garbage before measuring process memory, so growth means a leak.
    poolOptions: { forks: { execArgv: ["--expose-gc"] } },
  },
});
