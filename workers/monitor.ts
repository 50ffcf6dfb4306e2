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

const log = (line: string) => console.log(`${new Date().toISOString()} [monitor] ${line}`);
const intervalSeconds = Number(process.env.MONITOR_INTERVAL_SECONDS ?? 60);
if (!(intervalSeconds > 0)) throw new Error(`MONITOR_INTERVAL_SECONDS must be a positive number, got "${process.env.MONITOR_INTERVAL_SECONDS}"`);
const settings = monitorSettings();
const selection = await useWorkerBackend();
log(`TF.js backend ${selection.backend}; window ${settings.windowMinutes} min, every ${intervalSeconds} s; predictions kept ${settings.retentionDays} days`);

const store = blobStore();
const server = new ModelServer({ store });
let stopping = false;
/** The last "nothing to do" message: repeated every tick, it is logged once until it changes. */
let lastMessage: string | undefined;
const stop = () => {
  stopping = true;
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

while (!stopping) {
  const started = Date.now();
  try {
    const result = await monitorTick({ server, store }, settings);
    if (result.baselineBuilt) log(`built a baseline for model version ${result.modelVersionId}`);
    if (result.report) {
      const r = result.report;
      log(`window of ${r.evaluation.predictionCount} predictions: ${r.evaluation.status} (${r.computeMs.toFixed(0)} ms)${r.alertsRaised ? `, ${r.alertsRaised} alert(s) raised` : ""}`);
    } else if (result.message && result.message !== lastMessage) log(result.message);
    lastMessage = result.message;
    if (result.deletedPredictions) log(`retention: deleted ${result.deletedPredictions} predictions`);
  } catch (error) {
    log(`tick failed: ${(error as Error).stack ?? error}`);
  }
  const wait = Math.max(0, intervalSeconds * 1000 - (Date.now() - started));
  for (let waited = 0; waited < wait && !stopping; waited += 500) await new Promise((resolve) => setTimeout(resolve, Math.min(500, wait - waited)));
}
await server.dispose();
process.exit(0);
