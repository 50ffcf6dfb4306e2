/**
 * npm run simulate -- --minutes N [--shift none|dark|crowd|nomask|camera] [--rate 2] [--url http://127.0.0.1:3000]
 *                     [--key API_KEY] [--dataset NAME] [--split train,val,test] [--source sim-cam] [--keep-images]
 * Replays a dataset's images through the prediction API at a steady rate (requests per second)
 * for N minutes, optionally with a distribution shift, so the drift dashboards have something to
 * show. The key comes from --key or MASKLAB_API_KEY (create one under Settings → API keys).
 * Exit code 0 when every request succeeded, 1 when some failed, 2 on usage errors.
 */
import { parseArgs } from "node:util";
import { SAMPLE_DATASET_NAME } from "@/lib/server/sample-dataset";
import { replayImages, SHIFTS, shiftedStream, type Shift } from "@/lib/server/monitoring/simulate";
import { blobStore } from "@/lib/server/storage";
import { runCommand } from "./run-command";

const USAGE = "usage: npm run simulate -- --minutes N [--shift none|dark|crowd|nomask|camera] [--rate 2] [--url URL] [--key KEY] [--dataset NAME] [--split train,val,test] [--source TAG] [--keep-images]";

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
    },
  });
  const minutes = Number(values.minutes);
  const rate = Number(values.rate);
  if (!(minutes > 0) || !(rate > 0)) return usage("--minutes and --rate must be positive numbers");
  if (!(SHIFTS as readonly string[]).includes(values.shift!)) return usage(`--shift must be one of ${SHIFTS.join(", ")}`);
  if (!values.key) return usage("an API key is needed: --key or MASKLAB_API_KEY");
  const stream = shiftedStream(await replayImages(values.dataset!, { store: blobStore() }, 400, values.split?.split(",").map((x) => x.trim()).filter(Boolean)), values.shift as Shift);
  const total = Math.round(minutes * 60 * rate);
  const source = stream.source(values.source!);
  const endpoint = `${values.url!.replace(/\/$/, "")}/api/v1/predict?source=${encodeURIComponent(source)}${values["keep-images"] ? "&keep=1" : ""}`;
  console.log(`replaying ${total} images (${values.shift} shift) to ${endpoint} at ${rate}/s`);
  const started = Date.now();
  let failed = 0;
  const inFlight = new Set<Promise<void>>();
  for (let i = 0; i < total; i++) {
    const due = started + (i / rate) * 1000;
    if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    const request = (async () => {
      const response = await fetch(endpoint, { method: "POST", headers: { authorization: `Bearer ${values.key}`, "content-type": "image/jpeg" }, body: new Uint8Array(await stream.pick(i)) }).catch((error: Error) => ({ ok: false, status: 0, text: async () => error.message }));
      if (!response.ok) {
        failed++;
        if (failed <= 5) console.error(`request ${i + 1}: ${response.status} ${(await response.text()).slice(0, 200)}`);
      }
    })();
    inFlight.add(request);
    void request.finally(() => inFlight.delete(request));
    if ((i + 1) % Math.max(1, Math.round(rate * 30)) === 0) console.log(`  ${i + 1}/${total} sent, ${failed} failed`);
  }
  await Promise.all(inFlight);
  console.log(`done: ${total - failed}/${total} predictions logged in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return failed ? 1 : 0;
});

function usage(message: string): number {
  console.error(`${message}\n${USAGE}`);
  return 2;
}
