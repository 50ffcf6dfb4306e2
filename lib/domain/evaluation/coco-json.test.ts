import { describe, expect, it } from "vitest";
import type { AnnotatedBox } from "../annotation-set";
import { FACEMASK_CLASSES } from "../classes";
import { buildCocoDataset } from "../coco";
import { evaluateCoco } from "./coco-eval";
import { CocoJsonError, exportCategoryIds, imageResolver, parseCocoGroundTruth, parseCocoResults } from "./coco-json";

const box = (className: string, xmin: number, ymin: number, xmax: number, ymax: number, difficult = false): AnnotatedBox => ({
  className,
  xmin,
  ymin,
  xmax,
  ymax,
  difficult,
  truncated: false,
  occluded: false,
});

const exported = () =>
  JSON.parse(
    JSON.stringify(
      buildCocoDataset({
        datasetName: "faces",
        classes: FACEMASK_CLASSES,
        exportedAt: new Date("2026-03-01T00:00:00Z"),
        images: [
          { fileName: "maksssksksss0.jpg", width: 512, height: 366, boxes: [box("without_mask", 78, 104, 109, 142), box("with_mask", 184.5, 99, 226, 144, true)] },
          { fileName: "maksssksksss1.jpg", width: 400, height: 300, boxes: [box("mask_weared_incorrect", 10, 10, 60, 70)] },
          { fileName: "empty.jpg", width: 100, height: 100, boxes: [] },
        ],
      }),
    ),
  ) as Record<string, unknown>;

describe("parseCocoGroundTruth", () => {
  it("reads our own export back: classes by category id, boxes exactly, difficult from attributes", () => {
    const gt = parseCocoGroundTruth(exported());
    expect(gt.classes).toEqual([...FACEMASK_CLASSES]);
    expect(gt.categoryIds).toEqual(exportCategoryIds(FACEMASK_CLASSES));
    expect(gt.categoryIds.get(2)).toBe("without_mask");
    expect(gt.images.map((i) => [i.imageId, i.fileName, i.boxes.length])).toEqual([
      ["1", "maksssksksss0.jpg", 2],
      ["2", "maksssksksss1.jpg", 1],
      ["3", "empty.jpg", 0],
    ]);
    expect(gt.images[0]!.boxes[1]).toEqual({
      className: "with_mask",
      box: { xmin: 184.5, ymin: 99, xmax: 226, ymax: 144 },
      area: 41.5 * 45,
      iscrowd: false,
      difficult: true,
    });
  });

  it("sorts images and categories by id (pycocotools' order), defaults area, reads iscrowd but not ignore", () => {
    const gt = parseCocoGroundTruth({
      images: [{ id: 9 }, { id: 2 }],
      categories: [
        { id: 5, name: "b" },
        { id: 1, name: "a" },
      ],
      annotations: [
        { id: 1, image_id: 9, category_id: 5, bbox: [0, 0, 4, 5], iscrowd: 1 },
        { id: 2, image_id: 2, category_id: 1, bbox: [0, 0, 4, 5], ignore: 1 },
      ],
    });
    expect(gt.classes).toEqual(["a", "b"]);
    expect(gt.images.map((i) => i.imageId)).toEqual(["2", "9"]);
    expect(gt.images[1]!.boxes[0]).toMatchObject({ className: "b", area: 20, iscrowd: true });
    expect(gt.images[0]!.boxes[0]).not.toHaveProperty("ignore");
  });

  it("names the offending entry in one line", () => {
    const bad = exported();
    (bad.annotations as Array<Record<string, unknown>>)[1]!.bbox = [1, 2, "3", 4];
    expect(() => parseCocoGroundTruth(bad, "gt.json")).toThrow(/^gt\.json: annotations\[1\] \(id 2\)\.bbox\[2\]: .*expected number/);
    const orphan = exported();
    (orphan.annotations as Array<Record<string, unknown>>)[2]!.image_id = 77;
    expect(() => parseCocoGroundTruth(orphan)).toThrow(new CocoJsonError("ground truth: annotations[2] (id 3): image_id 77 is not in images"));
    const unknownCategory = exported();
    (unknownCategory.annotations as Array<Record<string, unknown>>)[0]!.category_id = 4;
    expect(() => parseCocoGroundTruth(unknownCategory)).toThrow("annotations[0] (id 1): category_id 4 is not in categories");
    const twice = exported();
    (twice.images as Array<Record<string, unknown>>)[1]!.id = 1;
    expect(() => parseCocoGroundTruth(twice)).toThrow("images[1]: image id 1 is used twice");
    expect(() => parseCocoGroundTruth([])).toThrow(/^ground truth: Invalid input: expected object, received array$/);
    const negative = exported();
    (negative.annotations as Array<Record<string, unknown>>)[0]!.bbox = [0, 0, -3, 4];
    expect(() => parseCocoGroundTruth(negative)).toThrow("annotations[0] (id 1).bbox[2]");
  });
});

describe("parseCocoResults", () => {
  const gt = parseCocoGroundTruth(exported());

  it("accepts category ids or names and image ids, file names, other extensions or stems", () => {
    const detections = parseCocoResults(
      [
        { image_id: 1, category_id: 2, bbox: [78, 104, 31, 38], score: 0.9 },
        { image_id: "maksssksksss1.jpg", category_id: "mask_weared_incorrect", bbox: [10, 10, 50, 60], score: 0.8 },
        { image_id: "maksssksksss0.png", category_id: 1, bbox: [184.5, 99, 41.5, 45], score: 0.7 },
        { image_id: "empty", category_id: 1, bbox: [0, 0, 1, 1], score: 0.1 },
      ],
      gt,
    );
    expect(detections.map((d) => [d.imageId, d.className])).toEqual([
      ["1", "without_mask"],
      ["2", "mask_weared_incorrect"],
      ["1", "with_mask"],
      ["3", "with_mask"],
    ]);
    expect(detections[2]!.box).toEqual({ xmin: 184.5, ymin: 99, xmax: 226, ymax: 144 });
    // exact boxes for every gt: AP ≈ 1 on each class
    const r = evaluateCoco({ classes: gt.classes, images: gt.images, detections: detections.slice(0, 3) });
    expect(r.perClass.map((c) => c.AP50)).toEqual([expect.closeTo(1, 12), expect.closeTo(1, 12), expect.closeTo(1, 12)]);
  });

  it("refuses unknown images and categories, naming the result", () => {
    expect(() => parseCocoResults([{ image_id: 1, category_id: 1, bbox: [0, 0, 1, 1], score: 1 }, { image_id: 4, category_id: 1, bbox: [0, 0, 1, 1], score: 1 }], gt)).toThrow(
      new CocoJsonError("results: [1]: image_id 4 is not an image of the ground truth"),
    );
    expect(() => parseCocoResults([{ image_id: 1, category_id: 0, bbox: [0, 0, 1, 1], score: 1 }], gt, "dt.json")).toThrow(
      "dt.json: [0] (image_id 1): category_id 0 is not a category of the ground truth (1 with_mask, 2 without_mask, 3 mask_weared_incorrect)",
    );
    expect(() => parseCocoResults([{ image_id: 1, category_id: "mask", bbox: [0, 0, 1, 1], score: 1 }], gt)).toThrow('category_id "mask" is not a category');
    expect(() => parseCocoResults([{ image_id: 1, category_id: 1, bbox: [0, 0, 1, 1] }], gt)).toThrow(/^results: \[0\]\.score: /);
    expect(() => parseCocoResults({ annotations: [] }, gt)).toThrow("a results file is a JSON array");
  });

  it("refuses a stem that names two images", () => {
    const resolve = imageResolver([
      { imageId: "a.jpg", boxes: [] },
      { imageId: "a.png", boxes: [] },
    ]);
    expect(resolve("a.png")).toBe("a.png");
    expect(resolve("a")).toEqual({ error: 'image_id "a" is ambiguous: it could be any of images "a.jpg", "a.png"' });
  });
});
