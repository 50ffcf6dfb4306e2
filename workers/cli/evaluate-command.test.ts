import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AnnotatedBox } from "@/lib/domain/annotation-set";
import { FACEMASK_CLASSES } from "@/lib/domain/classes";
import { buildCocoDataset } from "@/lib/domain/coco";
import { loadGroundTruth, parseEvaluateArgs, runEvaluate, UsageError } from "./evaluate-command";

let dir: string;

const vocXml = (filename: string, objects: Array<[name: string, xmin: number, ymin: number, xmax: number, ymax: number, difficult?: 1]>) => `
<annotation>
  <filename>${filename}</filename>
  <size><width>200</width><height>100</height><depth>3</depth></size>
  ${objects
    .map(
      ([name, xmin, ymin, xmax, ymax, difficult]) =>
        `<object><name>${name}</name><difficult>${difficult ?? 0}</difficult><bndbox><xmin>${xmin}</xmin><ymin>${ymin}</ymin><xmax>${xmax}</xmax><ymax>${ymax}</ymax></bndbox></object>`,
    )
    .join("\n  ")}
</annotation>`;

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runEvaluate(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

const file = (name: string) => path.join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "masklab-evaluate-"));
  // A standard VOC folder: the XML names .png files (like the Kaggle original) but the images are .jpg.
  await mkdir(file("voc/Annotations"), { recursive: true });
  await mkdir(file("voc/JPEGImages"), { recursive: true });
  await writeFile(file("voc/JPEGImages/face0.jpg"), "not decoded");
  await writeFile(file("voc/JPEGImages/face1.jpg"), "not decoded");
  await writeFile(file("voc/JPEGImages/unlabeled.jpg"), "not decoded");
  // VOC 1-based inclusive: xmin 11 … xmax 50 is pixels [10, 50) in Masklab's convention;
  // xmax 201 = width + 1 is clipped to 200 like the import does.
  await writeFile(file("voc/Annotations/face0.xml"), vocXml("face0.png", [["with_mask", 11, 11, 50, 50], ["without_mask", 101, 1, 201, 60]]));
  await writeFile(file("voc/Annotations/face1.xml"), vocXml("face1.png", [["mask_weared_incorrect", 1, 1, 40, 40], ["with_mask", 61, 1, 100, 40, 1]]));
  // Results naming the images three ways, category ids 1-based in catalogue order, or names.
  await writeFile(
    file("voc-results.json"),
    JSON.stringify([
      { image_id: "face0.jpg", category_id: 1, bbox: [10, 10, 40, 40], score: 0.9 },
      { image_id: "face0.png", category_id: "without_mask", bbox: [100, 0, 100, 60], score: 0.8 },
      { image_id: "face1", category_id: 3, bbox: [0, 0, 40, 40], score: 0.7 },
      { image_id: "face1", category_id: 2, bbox: [150, 50, 20, 20], score: 0.1 },
    ]),
  );
  // Our COCO export of the same boxes.
  const b = (className: string, xmin: number, ymin: number, xmax: number, ymax: number, difficult = false): AnnotatedBox => ({ className, xmin, ymin, xmax, ymax, difficult, truncated: false, occluded: false });
  const coco = buildCocoDataset({
    datasetName: "faces",
    classes: FACEMASK_CLASSES,
    exportedAt: new Date("2026-03-01T00:00:00Z"),
    images: [
      { fileName: "face0.jpg", width: 200, height: 100, boxes: [b("with_mask", 10, 10, 50, 50), b("without_mask", 100, 0, 200, 60)] },
      { fileName: "face1.jpg", width: 200, height: 100, boxes: [b("mask_weared_incorrect", 0, 0, 40, 40), b("with_mask", 60, 0, 100, 40, true)] },
    ],
  });
  await writeFile(file("coco.json"), JSON.stringify(coco));
  await writeFile(
    file("coco-results.json"),
    JSON.stringify([
      { image_id: 1, category_id: 1, bbox: [10, 10, 40, 40], score: 0.9 },
      { image_id: 1, category_id: 2, bbox: [100, 0, 100, 60], score: 0.8 },
      { image_id: 2, category_id: 3, bbox: [0, 0, 40, 40], score: 0.7 },
      { image_id: 2, category_id: 2, bbox: [150, 50, 20, 20], score: 0.1 },
    ]),
  );
  await writeFile(file("broken.json"), "{ not json");
  await writeFile(file("unknown-image.json"), JSON.stringify([{ image_id: "face9.jpg", category_id: 1, bbox: [0, 0, 1, 1], score: 1 }]));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("parseEvaluateArgs", () => {
  it("reads the options with their defaults", () => {
    expect(parseEvaluateArgs(["--gt", "a.json", "--dt", "b.json"])).toEqual({ gt: "a.json", dt: "b.json", confidence: 0.25, json: false });
    expect(parseEvaluateArgs(["--gt", "a", "--dt", "b", "--conf", "0.5", "--json", "--iou-type", "bbox"])).toEqual({ gt: "a", dt: "b", confidence: 0.5, json: true });
    expect(parseEvaluateArgs(["--help"])).toBe("help");
  });

  it("refuses what it cannot do", () => {
    expect(() => parseEvaluateArgs(["--dt", "b"])).toThrow(new UsageError("--gt is required"));
    expect(() => parseEvaluateArgs(["--gt", "a", "--dt", "b", "--iou-type", "segm"])).toThrow("only bbox is supported");
    expect(() => parseEvaluateArgs(["--gt", "a", "--dt", "b", "--conf", "high"])).toThrow("--conf high: expected a number from 0 to 1");
    expect(() => parseEvaluateArgs(["--gt", "a", "--dt", "b", "extra"])).toThrow(UsageError);
  });
});

describe("loadGroundTruth", () => {
  it("reads a VOC folder like the import: image ids are the image files, boxes in pixels, clipped", async () => {
    const gt = await loadGroundTruth(file("voc"));
    expect(gt.kind).toBe("voc");
    expect(gt.classes).toEqual([...FACEMASK_CLASSES]);
    expect(gt.images.map((i) => i.imageId)).toEqual(["face0.jpg", "face1.jpg"]); // unlabeled.jpg is not ground truth
    expect(gt.images[0]!.boxes).toEqual([
      { className: "with_mask", box: { xmin: 10, ymin: 10, xmax: 50, ymax: 50 }, difficult: false },
      { className: "without_mask", box: { xmin: 100, ymin: 0, xmax: 200, ymax: 60 }, difficult: false },
    ]);
    expect(gt.images[1]!.boxes[1]).toMatchObject({ className: "with_mask", difficult: true });
    expect(gt.categoryIds.get(3)).toBe("mask_weared_incorrect");
  });
});

describe("runEvaluate", () => {
  it("evaluates a VOC folder and prints one JSON object", async () => {
    const { code, out, err } = await run("--gt", file("voc"), "--dt", file("voc-results.json"), "--json");
    expect(err).toBe("");
    expect(code).toBe(0);
    const report = JSON.parse(out) as Record<string, unknown> & { perClass: Array<Record<string, number | string>> };
    for (const key of ["AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl", "vocMAP50", "perClass"]) {
      expect(report).toHaveProperty(key);
    }
    // Every gt found exactly except the difficult with_mask box on face1: COCO counts it (with_mask
    // recall 1/2 → AP ≈ 0.5), VOC ignores it (AP 1). The .1 without_mask FP ranks last: AP ≈ 1.
    expect(report.perClass.map((c) => c.className)).toEqual([...FACEMASK_CLASSES]);
    expect(report.perClass[0]!.AP).toBeCloseTo(51 / 101, 12);
    expect(report.perClass[0]!.vocAP50).toBe(1);
    expect(report.perClass[1]!.AP50).toBeCloseTo(1, 12);
    expect(report.vocMAP50).toBe(1);
  });

  it("prints pycocotools' 12 lines, VOC mAP and the per-class table for a COCO file, the same numbers as the VOC folder", async () => {
    const coco = await run("--gt", file("coco.json"), "--dt", file("coco-results.json"));
    const voc = await run("--gt", file("voc"), "--dt", file("voc-results.json"));
    expect(coco.code).toBe(0);
    const lines = coco.out.split("\n");
    expect(lines.filter((l) => l.startsWith(" Average Precision  (AP) @[ IoU=") || l.startsWith(" Average Recall     (AR) @["))).toHaveLength(12);
    expect(coco.out).toContain("VOC mAP@0.5 (all-point interpolation, difficult boxes ignored): 1.000");
    expect(coco.out).toMatch(/^with_mask\s+2\s+1\s+0\.505\s+0\.505\s+1\.000/m);
    expect(coco.out).toContain("truth \\ prediction");
    const metrics = (text: string) => text.split("\n").filter((l) => !l.startsWith("Ground truth:") && !l.startsWith("Detections:"));
    expect(metrics(coco.out)).toEqual(metrics(voc.out));
  });

  it("fails with one line and exit code 2 on bad input", async () => {
    const missing = await run("--gt", file("nope.json"), "--dt", file("coco-results.json"));
    expect(missing).toEqual({ code: 2, out: "", err: `evaluate: cannot read ground truth ${file("nope.json")}: no such file or folder` });
    const broken = await run("--gt", file("coco.json"), "--dt", file("broken.json"));
    expect(broken.code).toBe(2);
    expect(broken.err).toMatch(/^evaluate: .*broken\.json is not valid JSON: [^\n]+$/);
    const unknown = await run("--gt", file("voc"), "--dt", file("unknown-image.json"));
    expect(unknown).toMatchObject({ code: 2, err: 'evaluate: unknown-image.json: [0]: image_id "face9.jpg" is not an image of the ground truth' });
    const usage = await run("--gt", file("voc"));
    expect(usage.code).toBe(2);
    expect(usage.err.split("\n")[0]).toBe("evaluate: --dt is required");
  });
});
