import { createHash } from "node:crypto";
import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { runNodeScript } from "./run-process";

/** What the production build depends on; a change to any of these triggers a rebuild. */
const BUILD_INPUTS = ["app", "components", "lib", "public", "generated", "next.config.js", "tsconfig.json", "package-lock.json"];
const STAMP = ".next/masklab-build-fingerprint";

export const NEXT_BIN = path.resolve("node_modules/next/dist/bin/next");

/** A cheap fingerprint of the build inputs (paths, sizes, modification times). */
export async function buildFingerprint(root = process.cwd()): Promise<string> {
  const hash = createHash("sha256");
  for (const input of BUILD_INPUTS) {
    const full = path.join(root, input);
    const info = await stat(full).catch(() => null);
    if (!info) continue;
    const files = info.isDirectory()
      ? (await readdir(full, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name))
      : [full];
    for (const file of files.sort()) {
      const s = await stat(file);
      hash.update(`${path.relative(root, file)}\0${s.size}\0${s.mtimeMs}\n`);
    }
  }
  return hash.digest("hex");
}

/** Runs `next build` when the inputs changed since the last build; returns whether it built. */
export async function ensureWebBuild(log: (line: string) => void): Promise<boolean> {
  const fingerprint = await buildFingerprint();
  const previous = await readFile(STAMP, "utf8").catch(() => null);
  const hasBuild = await stat(".next/BUILD_ID").then(() => true, () => false);
  if (hasBuild && previous === fingerprint) return false;
  log(hasBuild ? "sources changed: rebuilding the web app …" : "building the web app (first start only, usually under a minute) …");
  await runNodeScript(NEXT_BIN, ["build"], { ...process.env, NEXT_TELEMETRY_DISABLED: "1" }, "next build");
  await writeFile(STAMP, fingerprint);
  return true;
}
