import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["lib/**/*.test.ts", "workers/**/*.test.ts", ".ci/**/*.test.ts"],
    globalSetup: ["lib/server/testing/global-setup.ts"],
    // Native modules (sharp, better-sqlite3) are happiest in forked processes.
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
