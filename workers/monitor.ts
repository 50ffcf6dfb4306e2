/**
 * The monitor: every MONITOR_INTERVAL_SECONDS (default 60) it judges the production model's
 * rolling window (MONITOR_WINDOW_MINUTES, default 60) against its baseline, building the baseline
 * first when a newly promoted model has none, raises alerts, and applies the retention period.
 * A thin loop over lib/server/monitoring/monitor.ts.
 */
import { useWorkerBackend } from "@/lib/detection/tf/node-backend";
import { monitorSettings, monitorTick } from "@/lib/server/monitoring/monitor";
import { ModelServer } from "@/lib/server/serving/model-server";
import { blobStore } from "@/lib/server/platform/storage";
import { holdLease, leaseHolder, releaseLease } from "@/lib/server/platform/leases";
import os from "node:os";

const log = (line: string) => console.log(`${new Date().toISOString()} [monitor] ${line}`);
const intervalSeconds = Number(process.env.MONITOR_INTERVAL_SECONDS ?? 60);
if (!(intervalSeconds > 0)) throw new Error(`MONITOR_INTERVAL_SECONDS must be a positive number, got "${process.env.MONITOR_INTERVAL_SECONDS}"`);
const settings = monitorSettings();
const selection = await useWorkerBackend();
log(`TF.js backend ${selection.backend}; window ${settings.windowMinutes} min, every ${intervalSeconds} s; predictions kept ${settings.retentionDays} days`);

const store = blobStore();
// Baselines observe one image at a time, so one inference thread of its own is enough (the web server has SERVE_THREADS).
const server = new ModelServer({ store }, { threads: 1 });
let stopping = false;
/** The last "nothing to do" message: repeated every tick, it is logged once until it changes. */
let lastMessage: string | undefined;
const stop = () => {
  stopping = true;
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

async function tick(): Promise<void> {
  const result = await monitorTick({ server, store }, settings);
  if (result.baselineBuilt) log(`built a baseline for model version ${result.modelVersionId}`);
  if (result.report) {
    const r = result.report;
    log(`window of ${r.evaluation.predictionCount} predictions: ${r.evaluation.status} (${r.computeMs.toFixed(0)} ms)${r.alertsRaised ? `, ${r.alertsRaised} alert(s) raised` : ""}`);
  } else if (result.message && result.message !== lastMessage) log(result.message);
  lastMessage = result.message;
  if (result.deletedPredictions) log(`retention: deleted ${result.deletedPredictions} predictions`);
}

// One monitor judges the deployment: a second one (another machine, a second npm start) waits
// for the lease instead of writing every report and retention pass twice.
const holder = `monitor-${os.hostname()}-${process.pid}`;
const leaseMs = Math.max(60_000, 3 * intervalSeconds * 1000);
let waitingFor: string | null = null;

/** Whether this monitor holds the deployment's monitor lease now (taking or renewing it); says so when that changes. */
async function myTurn(): Promise<boolean> {
  if (await holdLease("monitor", holder, leaseMs)) {
    if (waitingFor !== null) log("took over as this deployment's monitor");
    waitingFor = null;
    return true;
  }
  const other = await leaseHolder("monitor");
  if (other !== waitingFor) log(`another monitor (${other ?? "just stopped"}) judges this deployment; this one waits and takes over if it stops`);
  waitingFor = other;
  return false;
}

while (!stopping) {
  const started = Date.now();
  try {
    if (await myTurn()) await tick();
  } catch (error) {
    log(`tick failed: ${(error as Error).stack ?? error}`);
  }
  const wait = Math.max(0, intervalSeconds * 1000 - (Date.now() - started));
  for (let waited = 0; waited < wait && !stopping; waited += 500) await new Promise((resolve) => setTimeout(resolve, Math.min(500, wait - waited)));
}
await releaseLease("monitor", holder).catch(() => undefined);
await server.dispose();
process.exit(0);
