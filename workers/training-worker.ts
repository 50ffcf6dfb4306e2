/**
 * The training worker: registers itself, keeps a heartbeat in the shared database, and (from the
 * training issue on) claims jobs. Any number can run, on any machine that reaches the database.
 */
import { db } from "@/lib/server/db";
import { HEARTBEAT_INTERVAL_MS, heartbeat, markWorkerStopped, registerWorker } from "@/lib/server/worker-registry";

const log = (line: string) => console.log(`${new Date().toISOString()} ${line}`);

const id = await registerWorker("training", { runtime: `node ${process.version}`, jobKinds: [] });
log(`training worker ${id} started; heartbeat every ${HEARTBEAT_INTERVAL_MS / 1000} s`);

const timer = setInterval(() => {
  heartbeat(id, "idle").catch((error: Error) => log(`heartbeat failed: ${error.message}`));
}, HEARTBEAT_INTERVAL_MS);

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  clearInterval(timer);
  log(`${signal}: stopping`);
  await markWorkerStopped(id).catch(() => undefined);
  await db().$disconnect();
  process.exit(0);
}
process.on("SIGINT", () => void stop("SIGINT"));
process.on("SIGTERM", () => void stop("SIGTERM"));
