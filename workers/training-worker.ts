/**
 * The training worker: registers itself, keeps a heartbeat in the shared database, and runs the
 * job loop (re-queue jobs of dead workers, claim the next job it has a runner for, run it). Any
 * number can run, on any machine that reaches the database. SIGTERM/SIGINT stop it gracefully:
 * it claims nothing more and gives the job in hand back to the queue, to resume elsewhere.
 */
import { DETECTOR_FAMILY_IDS } from "@/lib/domain/detector-families";
import type { WorkerStatus } from "@/lib/domain/states";
import { db } from "@/lib/server/platform/db";
import { DEFAULT_LEASE_MS, runJobLoop, runnableKinds, WorkerShutdownError, type JobRunnerRegistry } from "@/lib/server/training/job-runner";
import { HEARTBEAT_INTERVAL_MS, heartbeat, markWorkerStopped, registerWorker } from "@/lib/server/training/worker-registry";
import { describeAdapter } from "@/lib/detection/tf/backend-selection";
import { useWorkerBackend } from "@/lib/detection/tf/node-backend";
import { blobStore } from "@/lib/server/platform/storage";
import { detectorRunner } from "@/lib/server/training/detector-runner";

/** How often an idle worker looks at the queue. */
const POLL_MS = 2_000;
/** start.ts sends SIGKILL after 10 s; exit before that even if a runner ignores its signal. */
const SHUTDOWN_GRACE_MS = 8_000;

const log = (line: string) => console.log(`${new Date().toISOString()} ${line}`);

// TF.js backend from MASKLAB_BACKEND (default auto: webgpu on a hardware GPU adapter, else wasm,
// one core per worker, else cpu). An explicit backend this machine lacks stops the worker here.
const selection = await useWorkerBackend().catch((error: Error) => {
  console.error(`training worker: ${error.message}`);
  process.exit(1);
});
const backend = selection.backend;
log(`TF.js backend: ${selection.description} (${selection.reason})`);

/** Job kind → trainer (every detector family); a worker claims only the kinds listed here. */
const runners: JobRunnerRegistry = Object.fromEntries(DETECTOR_FAMILY_IDS.map((kind) => [kind, detectorRunner(kind, { store: blobStore() })]));

const kinds = runnableKinds(runners);
const id = await registerWorker("training", {
  runtime: `node ${process.version}`,
  backend,
  backendReason: selection.reason,
  gpu: selection.adapter ? describeAdapter(selection.adapter) : null,
  jobKinds: kinds,
});
log(
  `training worker ${id} started; heartbeat every ${HEARTBEAT_INTERVAL_MS / 1000} s; ` +
    (kinds.length > 0 ? `runs ${kinds.join(", ")} jobs on ${backend}` : "no trainers registered yet, so it claims no jobs (it still re-queues jobs of workers that stopped answering)"),
);

let status: WorkerStatus = "idle";
let beating: Promise<void> = Promise.resolve();
const beat = () => (beating = heartbeat(id, status).catch((error: Error) => log(`heartbeat failed: ${error.message}`)));
const timer = setInterval(beat, HEARTBEAT_INTERVAL_MS);

const shutdown = new AbortController();
const loop = runJobLoop({
  workerId: id,
  runners,
  leaseMs: DEFAULT_LEASE_MS,
  heartbeatMs: HEARTBEAT_INTERVAL_MS,
  pollMs: POLL_MS,
  signal: shutdown.signal,
  report: log,
  onStatus: (next) => {
    status = next;
    void beat(); // show busy/idle at once rather than at the next beat
  },
});
loop.catch((error: Error) => {
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
  clearTimeout(forced);
  clearInterval(timer);
  await beating; // a late heartbeat must not mark the worker idle again after "stopped"
  await markWorkerStopped(id).catch(() => undefined);
  await db().$disconnect();
  log("stopped");
  process.exit(code);
}
process.on("SIGINT", () => void stop("SIGINT"));
process.on("SIGTERM", () => void stop("SIGTERM"));
