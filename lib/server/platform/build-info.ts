import { execFileSync } from "node:child_process";

let cached: string | null | undefined;

/**
 * The commit of the code that is running, recorded with every model version: MASKLAB_GIT_COMMIT
 * when a deployment sets it, else what git says of this checkout, else null (an installed copy
 * without .git). Asked once per process.
 */
export function gitCommit(): string | null {
  if (cached !== undefined) return cached;
  cached = process.env.MASKLAB_GIT_COMMIT ?? null;
  if (cached === null) {
    try {
      const head = execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8", timeout: 2_000, stdio: ["ignore", "pipe", "ignore"] }).trim();
      const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { encoding: "utf8", timeout: 2_000, stdio: ["ignore", "pipe", "ignore"] }).trim() !== "";
      cached = /^[0-9a-f]{40}$/.test(head) ? `${head}${dirty ? "+changes" : ""}` : null;
    } catch {
      cached = null;
    }
  }
  return cached;
}
