/**
 * The training worker: registers itself, keeps a heartbeat, and runs the job loop (re-queue jobs
 * of dead workers, claim the next job it has a runner for, run it). Two ways to reach Masklab,
 * one job-state machine behind both:
 *   npm run worker                                        beside the database (DATABASE_URL, DATA_DIR)
 *   npm run worker -- --server https://… --token mk_…     on any machine that reaches the server
 *                                                         over HTTPS: no database, no shared disk
 * SIGTERM/SIGINT stop it gracefully: it claims nothing more and gives the job in hand back to the
 * queue, to resume elsewhere from its last checkpoint. A revoked worker token stops it.
 */
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { registerWorkerAnswerSchema } from "@/lib/contracts/http/worker-protocol";
import type { WorkerCapabilities } from "@/lib/contracts/stored/training";
import { DETECTOR_FAMILY_IDS } from "@/lib/domain/detector-families";
import type { WorkerStatus } from "@/lib/domain/states";
import { describeAdapter } from "@/lib/detection/tf/backend-selection";
import { useWorkerBackend } from "@/lib/detection/tf/node-backend";
import { db } from "@/lib/server/platform/db";
import { directTransport } from "@/lib/server/training/direct-transport";
import { detectorRunner } from "@/lib/server/training/detector-runner";
import { DEFAULT_LEASE_MS, RefusedForGoodError, runJobLoop, runnableKinds, WorkerShutdownError, type JobRunnerRegistry } from "@/lib/server/training/job-runner";
import type { JobTransport } from "@/lib/server/training/job-transport";
import { httpTransport } from "@/lib/server/training/remote/http-transport";
import { WorkerClient } from "@/lib/server/training/remote/worker-client";
import { HEARTBEAT_INTERVAL_MS, heartbeat, markWorkerStopped, registerWorker } from "@/lib/server/training/worker-registry";

/** How often an idle worker looks at the queue. */
const POLL_MS = 2_000;
/** start.ts sends SIGKILL after 10 s; exit before that even if a runner ignores its signal. */
const SHUTDOWN_GRACE_MS = 8_000;

const log = (line: string) => console.log(`${new Date().toISOString()} ${line}`);

const { values: args } = parseArgs({
  options: {
    server: { type: "string" },
    token: { type: "string" },
    cache: { type: "string" },
  },
  strict: true,
});
const token = args.token ?? process.env.MASKLAB_WORKER_TOKEN;
if (args.server && !token) {
  console.error("training worker: --server needs --token <worker token> (or MASKLAB_WORKER_TOKEN); an ML lead creates one on the Workers page");
  process.exit(2);
}

// TF.js backend from MASKLAB_BACKEND (default auto: webgpu on a hardware GPU adapter, else wasm,
// one core per worker, else cpu). An explicit backend this machine lacks stops the worker here.
const selection = await useWorkerBackend().catch((error: Error) => {
  console.error(`training worker: ${error.message}`);
  process.exit(1);
});
const backend = selection.backend;
log(`TF.js backend: ${selection.description} (${selection.reason})`);

/** Job kind → trainer (every detector family); a worker claims only the kinds listed here. */
const runners: JobRunnerRegistry = Object.fromEntries(DETECTOR_FAMILY_IDS.map((kind) => [kind, detectorRunner(kind)]));
const kinds = runnableKinds(runners);
const capabilities: WorkerCapabilities = {
  runtime: `node ${process.version}`,
  backend,
  backendReason: selection.reason,
  gpu: selection.adapter ? describeAdapter(selection.adapter) : null,
  jobKinds: kinds,
};

/** Where this worker is registered and how it reports itself: the database, or the server over HTTP. */
interface WorkerLink {
  id: string;
  transport: JobTransport;
  leaseMs: number;
  heartbeatMs: number;
  beat(status: WorkerStatus): Promise<void>;
  close(): Promise<void>;
}

async function linkToServer(server: string, workerToken: string): Promise<WorkerLink> {
  const client = new WorkerClient({ server, token: workerToken });
  const answer = (await client.json("POST", "api/worker/register", registerWorkerAnswerSchema, { hostname: os.hostname(), pid: process.pid, capabilities }))!;
  client.workerId = answer.workerId;
  const cacheDir = path.resolve(args.cache ?? process.env.MASKLAB_WORKER_CACHE ?? "masklab-worker-cache");
  log(`connected to ${client.origin}; images are cached in ${cacheDir}`);
  return {
    id: answer.workerId,
    transport: httpTransport(client, cacheDir),
    leaseMs: answer.leaseMs,
    heartbeatMs: answer.heartbeatMs,
    beat: (status) => client.send("POST", "api/worker/heartbeat", { status: status === "starting" ? "idle" : status }),
    close: async () => undefined,
  };
}

async function linkToDatabase(): Promise<WorkerLink> {
  const id = await registerWorker("training", capabilities);
  return {
    id,
    transport: directTransport(id),
    leaseMs: DEFAULT_LEASE_MS,
    heartbeatMs: HEARTBEAT_INTERVAL_MS,
    beat: (status) => (status === "stopped" ? markWorkerStopped(id) : heartbeat(id, status)),
    close: () => db().$disconnect(),
  };
}

const link = await (args.server ? linkToServer(args.server, token!) : linkToDatabase()).catch((error: Error) => {
  console.error(`training worker: cannot register: ${error.message}`);
  process.exit(error instanceof RefusedForGoodError ? 3 : 1);
});
log(
  `training worker ${link.id} started; heartbeat every ${link.heartbeatMs / 1000} s; ` +
    (kinds.length > 0 ? `runs ${kinds.join(", ")} jobs on ${backend}` : "no trainers registered yet, so it claims no jobs (it still re-queues jobs of workers that stopped answering)"),
);

let status: WorkerStatus = "idle";
let beating: Promise<void> = Promise.resolve();
const beat = () =>
  (beating = link.beat(status).catch((error: Error) => {
    log(`heartbeat failed: ${error.message}`);
    if (error instanceof RefusedForGoodError) void stop("the server refused this worker's token (revoked?)", 3);
  }));
const timer = setInterval(beat, link.heartbeatMs);

const shutdown = new AbortController();
const loop = runJobLoop({
  workerId: link.id,
  transport: link.transport,
  runners,
  leaseMs: link.leaseMs,
  heartbeatMs: link.heartbeatMs,
  pollMs: POLL_MS,
  signal: shutdown.signal,
  report: log,
  onStatus: (next) => {
    status = next;
    void beat(); // show busy/idle at once rather than at the next beat
  },
});
loop.catch((error: Error) => {
  if (error instanceof RefusedForGoodError) return void stop(`the server refused this worker's token (revoked?): ${error.message}`, 3);
  log(`job loop stopped unexpectedly: ${error.stack ?? error.message}`);
  void stop("job loop failure", 1);
});

let stopping = false;
async function stop(reason: string, code = 0): Promise<void> {
  if (stopping) return;
  stopping = true;
  log(`${reason}: stopping (a running job goes back to the queue)`);
  shutdown.abort(new WorkerShutdownError());
  const forced = setTimeout(() => {
    log(`a job did not stop within ${SHUTDOWN_GRACE_MS / 1000} s; exiting anyway (its lease will expire and it will be re-queued)`);
    process.exit(1);
  }, SHUTDOWN_GRACE_MS);
  await loop.catch(() => undefined);
  clearInterval(timer);
  await beating; // a late heartbeat must not mark the worker idle again after "stopped"
  status = "stopped";
  await link.beat("stopped").catch(() => undefined);
  await link.close().catch(() => undefined);
  clearTimeout(forced);
  log("stopped");
  process.exit(code);
}
process.on("SIGINT", () => void stop("SIGINT"));
process.on("SIGTERM", () => void stop("SIGTERM"));
