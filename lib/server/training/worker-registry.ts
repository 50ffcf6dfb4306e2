import { randomBytes } from "node:crypto";
import os from "node:os";
import type { WorkerView } from "@/lib/contracts/http/health";
import { parseStored, toStoredJson } from "@/lib/contracts/stored/parse";
import { workerCapabilitiesColumn, type WorkerCapabilities } from "@/lib/contracts/stored/training";
import type { WorkerKind, WorkerStatus } from "@/lib/domain/states";
import { db as defaultDb, type Db } from "../platform/db";

export const HEARTBEAT_INTERVAL_MS = 5_000;
/** A worker that missed this many milliseconds of heartbeats counts as gone. */
export const ALIVE_WINDOW_MS = 3 * HEARTBEAT_INTERVAL_MS;

export async function registerWorker(
  kind: WorkerKind,
  capabilities: WorkerCapabilities,
  database: Db = defaultDb(),
): Promise<string> {
  const id = `${kind}-${os.hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  await database.worker.create({
    data: { id, kind, hostname: os.hostname(), pid: process.pid, status: "idle", capabilities: toStoredJson(workerCapabilitiesColumn, capabilities) },
  });
  return id;
}

export async function heartbeat(id: string, status: WorkerStatus, database: Db = defaultDb()): Promise<void> {
  await database.worker.update({ where: { id }, data: { status, lastHeartbeatAt: new Date() } });
}

export async function markWorkerStopped(id: string, database: Db = defaultDb()): Promise<void> {
  await database.worker.update({ where: { id }, data: { status: "stopped", lastHeartbeatAt: new Date() } });
}

/**
 * Workers seen in the last day (alive or not), newest heartbeat first; stopped ones are left out.
 * Each comes with the worker token it signed in with (remote workers) and the job it holds.
 */
export async function listWorkers(now: Date = new Date(), database: Db = defaultDb()): Promise<WorkerView[]> {
  const since = new Date(now.getTime() - 24 * 60 * 60_000);
  const rows = await database.worker.findMany({
    where: { lastHeartbeatAt: { gte: since }, status: { not: "stopped" } },
    orderBy: { lastHeartbeatAt: "desc" },
    include: {
      token: { select: { id: true, name: true, prefix: true, revokedAt: true } },
      jobs: { where: { status: "running" }, orderBy: { startedAt: "desc" }, take: 1, select: { id: true, kind: true, progress: true, dataset: { select: { name: true } } } },
    },
  });
  return rows.map((w) => {
    const job = w.jobs[0];
    return {
      id: w.id,
      kind: w.kind,
      hostname: w.hostname,
      pid: w.pid,
      status: w.status,
      startedAt: w.startedAt.toISOString(),
      lastHeartbeatAt: w.lastHeartbeatAt.toISOString(),
      alive: isAlive(w.lastHeartbeatAt, now),
      capabilities: parseStored(workerCapabilitiesColumn, w.capabilities, w.id) ?? {},
      token: w.token ? { id: w.token.id, name: w.token.name, prefix: w.token.prefix, revoked: w.token.revokedAt !== null } : null,
      currentJob: job ? { id: job.id, kind: job.kind, progress: job.progress, datasetName: job.dataset.name } : null,
    };
  });
}

/** Alive: a heartbeat within ALIVE_WINDOW_MS of now. */
export function isAlive(lastHeartbeatAt: Date, now: Date = new Date()): boolean {
  return now.getTime() - lastHeartbeatAt.getTime() <= ALIVE_WINDOW_MS;
}

/**
 * Live training workers that claim queued jobs of this kind. A `npm run train` process registers
 * too (so the UI sees it), but it runs only its own job: it does not count.
 */
export async function queueWorkersFor(jobKind: string, now: Date = new Date(), database: Db = defaultDb()) {
  const rows = await database.worker.findMany({ where: { kind: "training", status: { not: "stopped" }, lastHeartbeatAt: { gte: new Date(now.getTime() - ALIVE_WINDOW_MS) } } });
  return rows.filter((w) => {
    const capabilities = parseStored(workerCapabilitiesColumn, w.capabilities, w.id) ?? {};
    return capabilities.via === undefined && (capabilities.jobKinds ?? []).includes(jobKind);
  });
}
