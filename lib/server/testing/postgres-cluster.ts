import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, chown, mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Where Debian (and most Linux packages) put the server binaries when they are not on PATH. */
const DEBIAN_ROOT = "/usr/lib/postgresql";

/** The folder holding initdb, pg_ctl and postgres, newest Debian version first; null when absent. */
export async function findPostgresBinaries(): Promise<string | null> {
  const versions = existsSync(DEBIAN_ROOT) ? (await readdir(DEBIAN_ROOT)).sort((a, b) => Number(b) - Number(a)) : [];
  const candidates = [...versions.map((v) => path.join(DEBIAN_ROOT, v, "bin")), ...(process.env.PATH ?? "").split(path.delimiter)];
  return candidates.find((dir) => dir && ["initdb", "pg_ctl", "postgres"].every((bin) => existsSync(path.join(dir, bin)))) ?? null;
}

export interface PostgresCluster {
  /** a superuser URL of the `postgres` database, over a unix socket in the cluster's folder */
  url: string;
  stop: () => Promise<void>;
}

/**
 * A throwaway PostgreSQL cluster in a temp folder: trust auth, no TCP (a unix socket in the
 * folder, so parallel runs never fight over a port), fsync off. initdb refuses to run as root,
 * so as root the server runs as `nobody`, which then owns the folder.
 */
export async function startPostgresCluster(binaries: string): Promise<PostgresCluster> {
  const asRoot = process.getuid?.() === 0;
  // As root, /tmp: `nobody` must be able to reach the folder, and TMPDIR may sit under /root.
  const dir = await mkdtemp(path.join(asRoot ? "/tmp" : os.tmpdir(), "masklab-pg-"));
  const data = path.join(dir, "data");
  if (asRoot) {
    const { stdout } = await run("id", ["-u", "nobody"]);
    const uid = Number(stdout.trim());
    await chown(dir, uid, uid);
    await chmod(dir, 0o700);
  }
  const command = (bin: string, args: string[]) => (asRoot ? ["runuser", "-u", "nobody", "--", path.join(binaries, bin), ...args] : [path.join(binaries, bin), ...args]);
  const exec = (bin: string, args: string[]) => {
    const [file, ...rest] = command(bin, args);
    return run(file!, rest);
  };
  try {
    await exec("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"]);
    const options = `-c listen_addresses= -c unix_socket_directories=${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
    await exec("pg_ctl", ["-D", data, "-o", options, "-l", path.join(dir, "server.log"), "-w", "-t", "60", "start"]);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`could not start a PostgreSQL test cluster with ${binaries}: ${(error as Error).message}`);
  }
  // A test run killed before its teardown must not leave a server behind: a detached watchdog
  // stops it once this process is gone.
  const stop = command("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
  const watchdog = 'while kill -0 "$1" 2>/dev/null; do sleep 2; done; shift; "$@" >/dev/null 2>&1; rm -rf "$MASKLAB_PG_DIR"';
  spawn("sh", ["-c", watchdog, "masklab-pg-watchdog", String(process.pid), ...stop], { detached: true, stdio: "ignore", env: { ...process.env, MASKLAB_PG_DIR: dir } }).unref();
  return {
    url: `postgresql://postgres@localhost/postgres?host=${encodeURIComponent(dir)}`,
    stop: async () => {
      await exec("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The same server, another database. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Runs SQL statements as separate commands (CREATE/DROP DATABASE cannot share a transaction). */
export async function runSql(url: string, statements: string[]): Promise<void> {
  const { Client } = (await import("pg")).default;
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    for (const sql of statements) await client.query(sql);
  } finally {
    await client.end();
  }
}
