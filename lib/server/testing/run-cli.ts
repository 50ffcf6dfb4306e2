import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { testDatabaseUrl } from "./test-env";

const run = promisify(execFile);

/**
 * `npm run <command>` as a real process against a test data directory: its exit code and output.
 * Its database is the test env's of that directory (SQLite in it or PostgreSQL), never the shell's.
 */
export async function runCli(command: string, args: string[], dataDir: string, extraEnv: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", `workers/cli/${command}.ts`, ...args], {
      env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: testDatabaseUrl(dataDir) ?? "", ...extraEnv },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
