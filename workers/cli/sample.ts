/**
 * npm run sample -- <out-dir> [--count N] [--seed S]
 * Writes the synthetic sample dataset as a Pascal VOC folder (what `npm start` imports on first start).
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { SAMPLE_DEFAULTS, writeSampleDataset } from "@/lib/server/datasets/sample-dataset";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { count: { type: "string", default: String(SAMPLE_DEFAULTS.count) }, seed: { type: "string", default: String(SAMPLE_DEFAULTS.seed) } },
});
const count = Number(values.count);
const seed = Number(values.seed);
if (positionals.length !== 1 || !Number.isInteger(count) || count < 1 || count > 100_000 || !Number.isInteger(seed)) {
  console.error("usage: npm run sample -- <out-dir> [--count 1..100000] [--seed integer]");
  process.exit(2);
}
const out = path.resolve(positionals[0]!);
const started = performance.now();
const { reused } = await writeSampleDataset(out, { count, seed });
console.log(`${reused ? "reused" : "wrote"} ${count} images in ${out} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
