import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "@/lib/server/testing/run-cli";
import { createSampleTestEnv, type SampleTestEnv } from "@/lib/server/testing/test-env";

let env: SampleTestEnv;
beforeAll(async () => {
  env = await createSampleTestEnv({ count: 30, seed: 9 });
});
afterAll(async () => env.cleanup());

const cli = (command: string, args: string[]) => runCli(command, args, env.dir);

describe("npm run train and npm run predict", () => {
  it("train queues a job, runs it here when no worker is up, follows its log and prints the model; predict writes COCO results", async () => {
    // The commands are the subject here; the mask judge has its own tests (a one-epoch model's judge crops every weak face twice).
    const trained = await cli("train", ["--dataset", "sample", "--kind", "one-stage", "--epochs", "1", "--input-size", "128", "--no-mask-judge", "--no-larger-sizes"]);
    expect(trained.code, trained.stderr).toBe(0);
    expect(trained.stdout).toContain("no training worker is running: training in this process");
    expect(trained.stdout).toMatch(/metric +epoch 1\/1: loss [\d.]+, val mAP50 [\d.]+/);
    expect(trained.stdout).toMatch(/model version: sample-mld1s-n v1/);
    expect(trained.stdout).not.toMatch(/mask judge/);
    // --no-larger-sizes: val is measured at the training size alone, and the model detects at it.
    expect(trained.stdout).toMatch(/detects at 128 px \(trained at 128\); val mAP50 128 px [\d.]+\n/);

    // The training job scored the model on the test split; evaluate-model scores it again on demand.
    expect(trained.stdout).toMatch(/test split \(\d+ images\): mAP50 [\d.]+, mAP50-95 [\d.]+/);
    const evaluated = await cli("evaluate-model", ["--model", "sample-mld1s-n"]);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    expect(evaluated.stdout).toMatch(/sample-mld1s-n v1 on the test split \(\d+ images\): mAP50 [\d.]+, mAP50-95 [\d.]+/);

    const out = path.join(env.dir, "results.json");
    const predicted = await cli("predict", ["--model", "sample-mld1s-n@1", "--out", out, "--score", "0.01", path.join(env.folder, "JPEGImages")]);
    expect(predicted.code, predicted.stderr).toBe(0);
    const results = JSON.parse(await readFile(out, "utf8")) as Array<{ image_id: string; category_id: number; bbox: number[]; score: number }>;
    for (const r of results) {
      expect(r.image_id).toMatch(/\.(png|jpe?g)$/);
      expect([1, 2, 3]).toContain(r.category_id);
      expect(r.bbox).toHaveLength(4);
      expect(r.score).toBeGreaterThanOrEqual(0.01);
    }
  }, 120_000);

  it("usage errors exit 2", async () => {
    expect((await cli("train", ["--dataset", "sample", "--kind", "three-stage"])).code).toBe(2);
    expect((await cli("train", ["--dataset", "sample", "--kind", "one-stage", "--input-size", "100"])).code).toBe(2);
    expect((await cli("predict", ["--model", "x"])).code).toBe(2);
    expect((await cli("evaluate-model", [])).code).toBe(2);
  }, 60_000);
});
