import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST } from "@/app/api/datasets/[id]/coco-results/route";
import { externalEvaluationSchema } from "@/lib/contracts/http/coco-results";
import type { CocoDataset } from "@/lib/domain/coco";
import type { CocoResultEntry } from "@/lib/domain/evaluation/external-results";
import { findLabelIssues } from "@/lib/domain/evaluation/label-issues";
import { evaluateModelCommand } from "@/workers/cli/evaluate-model-command";
import { runCli } from "../testing/run-cli";
import { createSession, csrfTokenFor, SESSION_COOKIE } from "../auth/sessions";
import { createUser } from "../auth/users";
import { exportDataset } from "../datasets/dataset-export";
import { evaluationView } from "../evaluation/evaluation-views";
import { evaluateOnTestSplit } from "../evaluation/model-evaluation";
import { createSampleTestEnv, type SampleTestEnv } from "../testing/test-env";
import { benchmarkRows } from "./benchmarks";
import { evaluateCocoResults, evaluateUploadedCocoResults, ResultsRejectedError, type CocoResultsInput } from "./external-results";
import { modelChoices, promoteModelVersion, readModelFile, ResultsOnlyModelError } from "./model-registry";

/**
 * Predictions made elsewhere, on a real database and blob store: the results files are built
 * from the sample's real COCO export (its ids, categories and boxes), so a perfect file must score
 * 1.0 and every planted flaw has a figure that follows from what was planted.
 */
let env: SampleTestEnv;
let datasetId: string;
let leadId: string;
let testExport: CocoDataset;
let wholeExport: CocoDataset;
/** The test split's boxes as a perfect results file, by the split export's COCO ids. */
let perfect: CocoResultEntry[];

const encode = (json: unknown) => new TextEncoder().encode(JSON.stringify(json));
const input = (results: unknown, extra: Partial<CocoResultsInput> = {}): CocoResultsInput => ({
  datasetId,
  name: "yolo11s-gpu-run7",
  split: "test",
  imageIds: "split-export",
  results: encode(results),
  fileName: "predictions.json",
  ...extra,
});
const score = (results: unknown, extra: Partial<CocoResultsInput> = {}) => evaluateCocoResults(input(results, extra), { store: env.store, db: env.db });

async function cocoExport(split?: "test"): Promise<CocoDataset> {
  const file = path.join(env.dir, `export-${split ?? "all"}.json`);
  await exportDataset({ datasetId, format: "coco", filter: split ? { split } : {}, output: file, db: env.db, store: env.store });
  return JSON.parse(await readFile(file, "utf8")) as CocoDataset;
}

beforeAll(async () => {
  env = await createSampleTestEnv({ count: 30, seed: 9 });
  datasetId = env.summary.datasetId;
  leadId = (await createUser({ email: "lead@example.com", name: "Lena Lead", role: "ml_lead", password: "a long enough password" }, env.db)).id;
  testExport = await cocoExport("test");
  wholeExport = await cocoExport();
  perfect = testExport.annotations.map((a) => ({ image_id: a.image_id, category_id: a.category_id, bbox: a.bbox, score: 0.9 }));
  expect(perfect.length).toBeGreaterThan(3);
}, 60_000);
afterAll(async () => env?.cleanup());

describe("a COCO results file made elsewhere", () => {
  it("scores perfect predictions 1.0 and stores an external, results-only version with its uploader, source and file", async () => {
    const { version, evaluation } = await score(perfect, { source: "Ultralytics 8.3, GPU box", createdById: leadId });
    expect(evaluation.metrics.AP50).toBe(1);
    expect(evaluation.metrics.AP).toBe(1);
    expect(evaluation.imageCount).toBe(testExport.images.length);
    expect(version).toMatchObject({ name: "yolo11s-gpu-run7", version: 1, kind: "external", stage: "external", format: "results", inputSize: 0, source: "Ultralytics 8.3, GPU box", createdById: leadId });
    // the uploaded file is kept byte for byte, so the figures can be reproduced
    expect((await env.store.get(version.artifactKey)).toString("utf8")).toBe(JSON.stringify(perfect));

    // the evaluation page's data: the snapshot with every detection, and the label-issue finder runs on it
    const view = await evaluationView(evaluation.id, { store: env.store, db: env.db });
    expect(view.model).toMatchObject({ id: version.id, kind: "external", stage: "external" });
    expect(view.snapshot!.detections).toHaveLength(perfect.length);
    expect(findLabelIssues(view.snapshot!, {})).toEqual([]);
  });

  it("reads file names (Ultralytics writes stems) and an explicit 0-based class mapping the same way", async () => {
    const fileOf = new Map(testExport.images.map((i) => [i.id, i.file_name]));
    const byStem = perfect.map((r) => ({ ...r, image_id: fileOf.get(r.image_id as number)!.replace(/\.[^.]+$/, ""), category_id: (r.category_id as number) - 1 }));
    const { evaluation, version } = await score(byStem, { name: "by-stem", classMap: "0=with_mask,1=without_mask,2=mask_weared_incorrect" });
    expect(evaluation.metrics.AP50).toBe(1);
    expect(version.source).toBe("predictions.json"); // no source given: the file's name
  });

  it("reads ids of the whole dataset's export when asked", async () => {
    const wholeIdOf = new Map(wholeExport.images.map((i) => [i.file_name, i.id]));
    const fileOf = new Map(testExport.images.map((i) => [i.id, i.file_name]));
    const byWholeIds = perfect.map((r) => ({ ...r, image_id: wholeIdOf.get(fileOf.get(r.image_id as number)!)! }));
    expect((await score(byWholeIds, { name: "whole-ids", imageIds: "dataset-export" })).evaluation.metrics.AP50).toBe(1);
  });

  it("scores flaws as planted: a class shifted off its faces has AP50 0, an image without detections lowers its class's recall", async () => {
    const present = [...new Set(testExport.annotations.map((a) => a.category_id))];
    const shiftedClass = present[0]!;
    const shifted = perfect.map((r) => (r.category_id === shiftedClass ? { ...r, bbox: [r.bbox[0] + 5_000, r.bbox[1], r.bbox[2], r.bbox[3]] as CocoResultEntry["bbox"] } : r));
    const { evaluation } = await score(shifted, { name: "shifted" });
    const shiftedName = testExport.categories.find((c) => c.id === shiftedClass)!.name;
    expect(evaluation.perClass.find((c) => c.className === shiftedName)!.AP50).toBe(0);
    expect(evaluation.metrics.AP50).toBeCloseTo((present.length - 1) / present.length, 12);

    // drop every detection of one image: each of its classes finds n - m of its n boxes (m of them in that image)
    const dropped = testExport.annotations[0]!.image_id;
    const missing = await score(perfect.filter((r) => r.image_id !== dropped), { name: "missing" });
    for (const category of testExport.categories) {
      const n = testExport.annotations.filter((a) => a.category_id === category.id).length;
      const m = testExport.annotations.filter((a) => a.category_id === category.id && a.image_id === dropped).length;
      if (n > 0) expect(missing.evaluation.perClass.find((c) => c.className === category.name)!.AR100).toBeCloseTo((n - m) / n, 12);
    }
    expect(missing.evaluation.metrics.AP50).toBeLessThan(1);
    expect(missing.evaluation.imageCount).toBe(testExport.images.length); // the image still counts, as a miss
  });

  it("joins the benchmark table as an external row with its source and uploader, which is never promoted or run", async () => {
    const { version } = await score(perfect, { name: "benchmarked", source: "run 7", createdById: leadId });
    const row = (await benchmarkRows({ datasetId }, env.db)).find((r) => r.modelVersionId === version.id)!;
    expect(row).toMatchObject({ model: "benchmarked v1", kind: "external", stage: "external", split: "test", mAP50: 1, source: "run 7", broughtInBy: "Lena Lead", sizeBytes: null, inputSize: null });

    await expect(promoteModelVersion(version.id, { db: env.db })).rejects.toThrow(ResultsOnlyModelError);
    await expect(promoteModelVersion(version.id, { db: env.db })).rejects.toMatchObject({ status: 409, message: expect.stringContaining("there is no model to promote") });
    expect((await env.db.modelVersion.findUniqueOrThrow({ where: { id: version.id } })).stage).toBe("external");
    expect(await env.db.modelPromotion.count()).toBe(0);
    expect((await modelChoices(env.db)).map((c) => c.id)).not.toContain(version.id);
    expect(await readModelFile(version.id, "model.json", env.store, env.db)).toBeNull();
    await expect(evaluateOnTestSplit(version.id, { store: env.store, db: env.db })).rejects.toThrow(ResultsOnlyModelError);
  });
});

describe("results that cannot be scored", () => {
  const refusals: Array<[string, () => unknown, Partial<CocoResultsInput>, number, RegExp]> = [
    ["an unknown COCO image id", () => [...perfect, { ...perfect[0]!, image_id: 9_999 }], {}, 422, /image_id 9999 is not a COCO image id of the test split's COCO export \(ids 1–\d+\)/],
    ["an unknown category id", () => [{ ...perfect[0]!, category_id: 7 }, ...perfect], {}, 422, /\[0\] category_id 7 is not in the export's categories \(1 with_mask, 2 without_mask, 3 mask_weared_incorrect\)/],
    ["a negative width", () => [{ ...perfect[0]!, bbox: [1, 2, -3, 4] }], {}, 422, /\[0\] bbox\.2: width must not be negative/],
    ["a score above 1", () => [{ ...perfect[0]!, score: 1.5 }], {}, 422, /score must be between 0 and 1/],
    ["an image of another split", () => [{ ...perfect[0]!, image_id: wholeExport.images.find((i) => !testExport.images.some((t) => t.file_name === i.file_name))!.file_name }], {}, 422, /is in the (train|val|unassigned) split, not test/],
    ["a file that is not JSON", () => "not json", {}, 400, /not valid JSON/],
    ["a JSON object instead of an array", () => ({ annotations: [] }), {}, 400, /a results file is a JSON array/],
    ["an empty file", () => [], {}, 422, /holds no detections/],
    ["a mapping onto an unknown class", () => perfect, { classMap: "0=helmet" }, 400, /"helmet" is not a class of the dataset/],
  ];

  it.each(refusals)("%s is refused, naming the offenders, and nothing is stored", async (_case, results, extra, status, message) => {
    const before = { versions: await env.db.modelVersion.count(), evaluations: await env.db.evaluation.count() };
    const body = results();
    const raw = typeof body === "string" ? { results: new TextEncoder().encode(body) } : {};
    const error = await evaluateCocoResults({ ...input(body, extra), ...raw }, { store: env.store, db: env.db }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResultsRejectedError);
    expect((error as ResultsRejectedError).status).toBe(status);
    expect((error as Error).message).toMatch(message);
    expect({ versions: await env.db.modelVersion.count(), evaluations: await env.db.evaluation.count() }).toEqual(before);
  });

  it("lists the first five offenders and counts all of them", async () => {
    const bad = perfect.map((r) => ({ ...r, category_id: 42 }));
    const error = (await score(bad).catch((e: unknown) => e)) as ResultsRejectedError;
    expect(error.message).toMatch(new RegExp(`^${bad.length} of ${bad.length} results cannot be scored: \\[0\\] category_id 42`));
    expect(error.details).toMatchObject({ problemCount: bad.length });
    expect((error.details.problems as string[]).length).toBe(Math.min(5, bad.length));
  });

  it("an upload over the size limit is a 413, and an unknown dataset a 404 before a byte is read", async () => {
    const form = new FormData();
    form.append("name", "too-big");
    form.append("split", "test");
    form.append("results", new Blob([JSON.stringify(perfect)]), "predictions.json");
    const request = new Request("http://localhost/x", { method: "POST", body: form });
    const upload = { body: request.body, contentType: request.headers.get("content-type")!, contentLength: null };
    await expect(evaluateUploadedCocoResults(datasetId, upload, { store: env.store, db: env.db, maxBytes: 100 })).rejects.toMatchObject({ status: 413 });
    await expect(evaluateUploadedCocoResults("missing-dataset", { body: null, contentType: "application/json", contentLength: null }, { store: env.store, db: env.db })).rejects.toMatchObject({ status: 404 });
  });
});

describe("POST /api/datasets/:id/coco-results", () => {
  const post = async (body: BodyInit, contentType?: string) => {
    const token = (await createSession(leadId, env.db)).token;
    const headers = new Headers({ Cookie: `${SESSION_COOKIE}=${token}`, Origin: "http://localhost", "X-CSRF-Token": csrfTokenFor(token) });
    if (contentType) headers.set("Content-Type", contentType);
    return POST(new Request(`http://localhost/api/datasets/${datasetId}/coco-results`, { method: "POST", headers, body }), { params: Promise.resolve({ id: datasetId }) });
  };

  it("scores a multipart upload (201), records who brought it in and audits it", async () => {
    const form = new FormData();
    form.append("name", "uploaded-run");
    form.append("source", "GPU box, run 7");
    form.append("split", "test");
    form.append("classMap", "");
    form.append("imageIds", "split-export");
    form.append("results", new Blob([JSON.stringify(perfect)], { type: "application/json" }), "predictions.json");
    const response = await post(form);
    expect(response.status).toBe(201);
    const answer = externalEvaluationSchema.parse(await response.json());
    expect(answer).toMatchObject({ model: "uploaded-run v1", split: "test", mAP50: 1, detections: perfect.length });
    expect((await env.db.modelVersion.findUniqueOrThrow({ where: { id: answer.modelVersionId } })).createdById).toBe(leadId);
    expect(await env.db.auditLog.count({ where: { action: "model.results_evaluated", target: "uploaded-run v1" } })).toBe(1);
  });

  it("refuses JSON (415) and lists the offenders of a 422 in its answer", async () => {
    expect((await post(JSON.stringify(perfect), "application/json")).status).toBe(415);
    const form = new FormData();
    form.append("name", "bad-run");
    form.append("split", "test");
    form.append("results", new Blob([JSON.stringify([{ ...perfect[0]!, image_id: 9_999 }])]), "predictions.json");
    const response = await post(form);
    expect(response.status).toBe(422);
    const body = (await response.json()) as { error: string; problems: string[]; problemCount: number };
    expect(body.problemCount).toBe(1);
    expect(body.problems[0]).toMatch(/^\[0\] image_id 9999 is not a COCO image id/);
  });
});

describe("npm run evaluate-model -- --results", () => {
  it("scores a results file on a split and prints the headline figures", async () => {
    const file = path.join(env.dir, "cli-results.json");
    await writeFile(file, JSON.stringify(perfect));
    const run = await runCli("evaluate-model", ["--results", file, "--dataset", "sample", "--split", "test", "--name", "cli-run", "--source", "from the CLI"], env.dir);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/cli-run v1 \(external, from from the CLI\) on the test split \(\d+ images, \d+ detections\): mAP50 1\.000, mAP50-95 1\.000, VOC mAP50 1\.000; AP50 with_mask/);
  }, 120_000);

  it("refusals are one line and exit 1; usage errors exit 2", async () => {
    const file = path.join(env.dir, "cli-results.json");
    await writeFile(file, JSON.stringify(perfect));
    const run = async (...argv: string[]) => {
      const err: string[] = [];
      const code = await evaluateModelCommand(argv, { out: () => undefined, err: (text) => err.push(text) }, { store: env.store, db: env.db });
      return { code, err: err.join("\n") };
    };
    const badMap = await run("--results", file, "--dataset", "sample", "--split", "test", "--name", "cli-bad", "--class-map", "0=helmet");
    expect(badMap).toEqual({ code: 1, err: 'class mapping: "helmet" is not a class of the dataset (with_mask, without_mask, mask_weared_incorrect)' });
    expect((await run("--results", file, "--name", "x")).code).toBe(2);
    expect((await run("--results", file, "--dataset", "sample", "--name", "a@b")).code).toBe(2);
    expect((await run("--model", "benchmarked")).err).toContain("there is no model to run on the test split");
  });
});
