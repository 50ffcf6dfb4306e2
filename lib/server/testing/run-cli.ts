import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** `npm run <command>` as a real process against a test data directory: its exit code and output. */
export async function runCli(command: string, args: string[], dataDir: string, extraEnv: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", `workers/cli/${command}.ts`, ...args], {
      env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: "", ...extraEnv },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
