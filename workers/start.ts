/**
 * `npm start`: prepares the data directory and database, imports the sample dataset on first
 * start, builds the web app when its sources changed, then runs the web server, the training
 * worker and the drift monitor side by side until Ctrl+C stops them all. `npm start --
 * --no-worker` leaves training to workers elsewhere; `--no-monitor` leaves the monitor to another
 * instance.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { databaseUrl, dataDir, describeDatabase, port } from "@/lib/server/platform/config";
import { blobStoreSettings } from "@/lib/server/platform/storage";
import { db } from "@/lib/server/platform/db";
import { migrateDatabase } from "@/lib/server/platform/migrate";
import { issueSetupToken } from "@/lib/server/auth/setup";
import { ensureSampleDataset } from "@/lib/server/datasets/sample-bootstrap";
import { ensureWebBuild, NEXT_BIN } from "@/lib/server/platform/web-build";

const dev = process.argv.includes("--dev");
const log = (line: string) => console.log(`[masklab] ${line}`);

async function main(): Promise<void> {
  const listenPort = port();
  // Loopback by default: nothing is exposed to the network unless asked (HOST=0.0.0.0).
  const host = process.env.HOST ?? "127.0.0.1";
  const url = databaseUrl();
  log(`data directory: ${dataDir()}`);
  log(`database: ${describeDatabase(url)}`);
  // A malformed BLOB_STORE stops the start here, not at the first request that stores a file.
  const blobs = blobStoreSettings();
  log(`blob store: ${blobs.kind === "s3" ? `s3://${blobs.bucket}/${blobs.prefix}` : blobs.root}`);

  const t0 = performance.now();
  await migrateDatabase(url);
  log(`database ready (${ms(t0)})`);

  const t1 = performance.now();
  let lastShown = 0;
  const sample = await ensureSampleDataset({
    log,
    onProgress: (done, total) => {
      if (done === total || done - lastShown >= 100) {
        lastShown = done;
        log(`  ${done}/${total}`);
      }
    },
  });
  if (sample.imported) {
    const s = sample.summary;
    log(`sample dataset imported: ${s.imagesAdded} images, ${s.boxesAdded} boxes (${ms(t1)})`);
  } else {
    log("sample dataset already imported");
  }
  // First run: no account exists, so a one-time link (never a default password) creates the admin.
  const setupToken = await issueSetupToken();
  await db().$disconnect();

  if (!dev) {
    const t2 = performance.now();
    if (await ensureWebBuild(log)) log(`web app built (${ms(t2)})`);
  }

  const env = { ...process.env, DATABASE_URL: url, DATA_DIR: dataDir(), NEXT_TELEMETRY_DISABLED: "1" };
  const web = run("web", process.execPath, [NEXT_BIN, dev ? "dev" : "start", "-p", String(listenPort), "-H", host], env);
  // --no-worker: training happens on workers elsewhere (remote GPU boxes); --no-monitor: another
  // instance runs it (only one judges a deployment anyway: it holds the monitor lease).
  const worker = process.argv.includes("--no-worker") ? null : run("worker", process.execPath, ["--import", "tsx", "workers/training-worker.ts"], env);
  const monitor = process.argv.includes("--no-monitor") ? null : run("monitor", process.execPath, ["--import", "tsx", "workers/monitor.ts"], env);
  const children = [web, worker, monitor].filter((child): child is ChildProcess => child !== null);

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log("stopping …");
    await Promise.all(children.map((child) => terminate(child)));
    log("stopped");
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
  for (const child of children) {
    child.on("exit", (code, signal) => {
      if (stopping) return;
      log(`${child === web ? "web server" : child === worker ? "worker" : "monitor"} exited unexpectedly (${signal ?? `code ${code}`}); stopping the rest`);
      void stop(1);
    });
  }

  const shownHost = host === "0.0.0.0" || host === "::" ? "localhost" : host;
  const appUrl = `http://${shownHost}:${listenPort}`;
  await waitForHealth(`${appUrl}/api/health`);
  log(`Masklab is running at ${appUrl}  (Ctrl+C to stop)`);
  if (setupToken) {
    log("No account exists yet. Create the admin account with this one-time link (valid 24 h; restarting prints a new one):");
    log(`  ${appUrl}/setup?token=${setupToken}`);
  }
}

function run(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  const prefix = (chunk: Buffer) =>
    chunk
      .toString()
      .split("\n")
      .filter((line) => line.length > 0)
      .map((line) => `[${name}] ${line}\n`)
      .join("");
  child.stdout?.on("data", (chunk: Buffer) => process.stdout.write(prefix(chunk)));
  child.stderr?.on("data", (chunk: Buffer) => process.stderr.write(prefix(chunk)));
  return child;
}

/** SIGTERM, then SIGKILL after a grace period; resolves once the process is gone. */
function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.once("exit", () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

async function waitForHealth(healthUrl: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    // Any HTTP answer means the server is up; health details are for /api/health's readers.
    if (await fetch(healthUrl).then(() => true, () => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the web server did not answer ${healthUrl} within 2 minutes`);
}

function ms(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(1)} s`;
}

main().catch((error: Error) => {
  console.error(`[masklab] start failed: ${error.message}`);
  process.exit(1);
});
