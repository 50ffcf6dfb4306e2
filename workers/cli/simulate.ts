/**
 * npm run simulate -- --minutes N [--shift none|dark|crowd|nomask|camera] [--rate 2] [--url http://127.0.0.1:3000]
 *                     [--key API_KEY] [--dataset NAME] [--split train,val,test] [--source sim-cam] [--keep-images] [--retries 5]
 * Replays minutes × 60 × rate of a dataset's images through the prediction API at a steady rate
 * (requests per second), optionally with a distribution shift, so the drift dashboards have
 * something to show. It paces itself under the limit the server names (RateLimit-Policy) and
 * waits out a 429's Retry-After, retrying a request up to --retries times. The key comes from
 * --key or MASKLAB_API_KEY (create one under Settings → API keys).
 * Exit code 0 when every request succeeded, 1 when some failed, 2 on usage errors.
 */
import { parseArgs } from "node:util";
import { SAMPLE_DATASET_NAME } from "@/lib/server/datasets/sample-dataset";
import { replayOverHttp } from "@/lib/server/monitoring/http-replay";
import { replayImages, SHIFTS, shiftedStream, type Shift } from "@/lib/server/monitoring/simulate";
import { blobStore } from "@/lib/server/platform/storage";
import { runCommand } from "./run-command";

const USAGE = "usage: npm run simulate -- --minutes N [--shift none|dark|crowd|nomask|camera] [--rate 2] [--url URL] [--key KEY] [--dataset NAME] [--split train,val,test] [--source TAG] [--keep-images] [--retries N]";

runCommand("simulate", async () => {
  const { values } = parseArgs({
    options: {
      minutes: { type: "string" },
      shift: { type: "string", default: "none" },
      rate: { type: "string", default: "2" },
      url: { type: "string", default: process.env.MASKLAB_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}` },
      key: { type: "string", default: process.env.MASKLAB_API_KEY },
      dataset: { type: "string", default: SAMPLE_DATASET_NAME },
      split: { type: "string" },
      source: { type: "string", default: "sim-cam" },
      "keep-images": { type: "boolean", default: false },
      retries: { type: "string", default: "5" },
    },
  });
  const minutes = Number(values.minutes);
  const rate = Number(values.rate);
  const maxRetries = Number(values.retries);
  if (!(minutes > 0) || !(rate > 0)) return usage("--minutes and --rate must be positive numbers");
  if (!Number.isInteger(maxRetries) || maxRetries < 0) return usage("--retries must be a whole number, 0 or more");
  if (!(SHIFTS as readonly string[]).includes(values.shift!)) return usage(`--shift must be one of ${SHIFTS.join(", ")}`);
  if (!values.key) return usage("an API key is needed: --key or MASKLAB_API_KEY");
  const stream = shiftedStream(await replayImages(values.dataset!, { store: blobStore() }, 400, values.split?.split(",").map((x) => x.trim()).filter(Boolean)), values.shift as Shift);
  const total = Math.round(minutes * 60 * rate);
  const source = stream.source(values.source!);
  const endpoint = `${values.url!.replace(/\/$/, "")}/api/v1/predict?source=${encodeURIComponent(source)}${values["keep-images"] ? "&keep=1" : ""}`;
  console.log(`replaying ${total} images (${values.shift} shift) to ${endpoint} at up to ${rate}/s`);
  const started = Date.now();
  const outcome = await replayOverHttp({ endpoint, apiKey: values.key, total, rate, pick: (i) => stream.pick(i), maxRetries, log: console.log, warn: console.error });
  const retried = outcome.retried ? `, ${outcome.retried} rate-limited answers waited out` : "";
  console.log(`done: ${outcome.succeeded}/${total} predictions logged in ${((Date.now() - started) / 1000).toFixed(0)} s${retried}`);
  return outcome.failed ? 1 : 0;
});

function usage(message: string): number {
  console.error(`${message}\n${USAGE}`);
  return 2;
}
