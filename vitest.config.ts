import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { defineConfig } from "vitest/config";

/**
 * The suites whose logic is about the database run a second time on PostgreSQL (their
 * createTestEnv() defaults to it in that project); about 3.5 min of test time on 2 cores. Left
 * out, because model training, inference timing or file parsing dominates them and their
 * database use is plain inserts the others cover: detector-runner, job-runner, training-worker,
 * train-predict, model-server, latency-benchmark, webgpu-training, sample-dataset,
 * voc-import-hostile, and the workers/cli suites (import, users, simulate). Suites that loop over
 * testEngines() themselves (schema-drift, rate-limit, data-migration, the remote worker's
 * two-machine rehearsal) run once, here in "sqlite".
 */
const POSTGRES_SUITES = [
  "lib/server/auth/auth.test.ts",
  "lib/server/auth/password-change.test.ts",
  "lib/server/auth/route-access.test.ts",
  "lib/server/datasets/dataset-export.test.ts",
  "lib/server/datasets/dataset-upload.test.ts",
  "lib/server/datasets/image-browser.test.ts",
  "lib/server/datasets/import-answer.test.ts",
  "lib/server/datasets/voc-import-integrity.test.ts",
  "lib/server/datasets/voc-import.test.ts",
  "lib/server/evaluation/evaluation-routes.test.ts",
  "lib/server/labels/annotations.test.ts",
  "lib/server/labels/prelabel-route.test.ts",
  "lib/server/labels/review-comments.test.ts",
  "lib/server/labels/review-rules-route.test.ts",
  "lib/server/models/benchmarks.test.ts",
  "lib/server/models/external-results.test.ts",
  "lib/server/models/onnx-registration.test.ts",
  "lib/server/monitoring/alerts.test.ts",
  "lib/server/monitoring/monitoring-routes.test.ts",
  "lib/server/monitoring/monitoring.test.ts",
  "lib/server/platform/api-conventions.test.ts",
  "lib/server/serving/predict-multipart.test.ts",
  "lib/server/serving/predict.test.ts",
  "lib/server/training/job-queue.test.ts",
  "lib/server/training/remote/worker-protocol.test.ts",
  "lib/server/training/worker-registry.test.ts",
  "lib/server/training/worker-tokens.test.ts",
];

// A PostgreSQL server for the tests: MASKLAB_TEST_POSTGRES_URL, or a throwaway cluster that
// global-setup starts from the installed binaries (the search findPostgresBinaries makes);
// without either the project is left out and global-setup says how to get one.
const debianVersions = existsSync("/usr/lib/postgresql") ? readdirSync("/usr/lib/postgresql") : [];
const binaryDirs = [...debianVersions.map((v) => `/usr/lib/postgresql/${v}/bin`), ...(process.env.PATH ?? "").split(path.delimiter)];
const postgres = Boolean(process.env.MASKLAB_TEST_POSTGRES_URL) || binaryDirs.some((dir) => ["initdb", "pg_ctl", "postgres"].every((bin) => existsSync(path.join(dir, bin))));

const shared = {
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    // Native modules (sharp, better-sqlite3) are happiest in forked processes.
    pool: "forks" as const,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
};

export default defineConfig({
  ...shared,
  test: {
    // The root's global setup runs once and what it provides reaches every project.
    globalSetup: ["lib/server/testing/global-setup.ts"],
    projects: [
      { ...shared, test: { ...shared.test, name: "sqlite", include: ["lib/**/*.test.ts", "workers/**/*.test.ts", ".ci/**/*.test.ts"] } },
      ...(postgres
        ? [{ ...shared, test: { ...shared.test, name: "postgresql", include: POSTGRES_SUITES, env: { MASKLAB_TEST_ENGINE: "postgresql" } } }]
        : []),
    ],
  },
});
