/** The benches that drive the real app: start it on a throwaway data folder, wait for it, and sign in as its first admin through the setup link. */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createDb, type Db } from "@/lib/server/platform/db";
import { LocalBlobStore } from "@/lib/server/platform/storage";

const SETUP_TOKEN = "bench-setup-token-0123456789-abcdefghijkl";

export interface AppUnderTest {
  base: string;
  /** the app's data folder */
  work: string;
  /** the first admin's session cookies */
  cookies: Array<{ name: string; value: string }>;
  /** the app's own database and blob store: a bench seeds models by registering them here, as the app's registration would */
  db: Db;
  store: LocalBlobStore;
}

/**
 * `npm start` (workers/start.ts: migrations, the sample dataset, a web build when sources changed)
 * on a throwaway data folder and `port`, its first admin signed in; stopped and removed afterwards.
 */
export async function withAppUnderTest<T>(name: string, port: number, suite: (app: AppUnderTest) => Promise<T>): Promise<T> {
  const base = `http://127.0.0.1:${port}`;
  const work = await mkdtemp(path.join(os.tmpdir(), `masklab-bench-${name}-`));
  const app = spawn(process.execPath, ["--import", "tsx", "workers/start.ts"], {
    env: { ...process.env, DATA_DIR: work, PORT: String(port), HOST: "127.0.0.1", DATABASE_URL: "", MASKLAB_SETUP_TOKEN: SETUP_TOKEN },
    stdio: "ignore",
  });
  let db: Db | null = null;
  try {
    await waitForApp(base);
    const cookies = await signInAsFirstAdmin(base, SETUP_TOKEN);
    db = createDb(`file:${path.join(work, "masklab.db")}`);
    return await suite({ base, work, cookies, db, store: new LocalBlobStore(path.join(work, "blobs")) });
  } finally {
    await db?.$disconnect();
    app.kill("SIGTERM");
    await new Promise((resolve) => app.once("exit", resolve));
    await rm(work, { recursive: true, force: true });
  }
}

export async function waitForApp(base: string): Promise<void> {
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    if (await fetch(`${base}/api/health`).then((r) => r.ok, () => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error("the app did not start within 5 minutes");
}

/** The first-run flow, as an operator does it: the setup link creates the admin, whose session cookies come back. */
export async function signInAsFirstAdmin(base: string, setupToken: string): Promise<Array<{ name: string; value: string }>> {
  const response = await fetch(`${base}/api/auth/setup`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: base },
    body: JSON.stringify({ token: setupToken, email: "bench@masklab.test", name: "Bench", password: "bench password, long enough" }),
  });
  if (response.status !== 201) throw new Error(`setup failed: ${response.status} ${await response.text()}`);
  return response.headers.getSetCookie().map((c) => {
    const [name, ...value] = c.split(";")[0]!.split("=");
    return { name: name!, value: value.join("=") };
  });
}
