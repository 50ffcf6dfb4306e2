import { describe, expect, it } from "vitest";
import type { AnnotatedBox } from "./annotation-set";
import { buildCocoDataset, classIndexOf, UnknownClassError } from "./coco";
import { FACEMASK_CLASSES } from "./classes";

const box = (className: string, xmin: number, ymin: number, xmax: number, ymax: number, extra: Partial<AnnotatedBox> = {}): AnnotatedBox => ({
  className,
  xmin,
  ymin,
  xmax,
  ymax,
  difficult: false,
  truncated: false,
  occluded: false,
  pose: null,
  attributes: null,
  ...extra,
});

const exportedAt = new Date("2026-03-01T12:00:00.000Z");

describe("buildCocoDataset", () => {
  it("writes boxes exactly as [x, y, width, height] with their area, and flags as attributes", () => {
    const coco = buildCocoDataset({
      datasetName: "faces",
      classes: FACEMASK_CLASSES,
      exportedAt,
      images: [
        {
          fileName: "a.jpg",
          width: 640,
          height: 480,
          boxes: [
            box("without_mask", 0, 0, 10, 20),
            box("with_mask", 9.5, 20.25, 110.25, 60.75, { difficult: true, occluded: true, pose: "Frontal", attributes: { attributes: { attribute: { name: "glasses", value: "yes" } } } }),
          ],
        },
      ],
    });
    expect(coco.annotations).toEqual([
      {
        id: 1,
        image_id: 1,
        category_id: 2,
        bbox: [0, 0, 10, 20],
        area: 200,
        iscrowd: 0,
        attributes: { difficult: false, truncated: false, occluded: false, pose: null },
      },
      {
        id: 2,
        image_id: 1,
        category_id: 1,
        bbox: [9.5, 20.25, 100.75, 40.5],
        area: 100.75 * 40.5,
        iscrowd: 0,
        attributes: { difficult: true, truncated: false, occluded: true, pose: "Frontal", extra: { attributes: { attribute: { name: "glasses", value: "yes" } } } },
      },
    ]);
    expect(coco.images).toEqual([{ id: 1, file_name: "a.jpg", width: 640, height: 480 }]);
  });

  it("numbers categories from 1 in class order, images and annotations from 1 in export order", () => {
    const coco = buildCocoDataset({
      datasetName: "faces",
      classes: ["b_class", "a_class"],
      exportedAt,
      images: [
        { fileName: "one.png", width: 100, height: 100, boxes: [box("a_class", 1, 1, 9, 9)] },
        { fileName: "unlabeled.png", width: 50, height: 40, boxes: [] },
        { fileName: "two.png", width: 100, height: 100, boxes: [box("b_class", 1, 1, 9, 9), box("a_class", 2, 2, 8, 8)] },
      ],
    });
    expect(coco.categories).toEqual([
      { id: 1, name: "b_class", supercategory: "face" },
      { id: 2, name: "a_class", supercategory: "face" },
    ]);
    expect(coco.images.map((i) => [i.id, i.file_name])).toEqual([
      [1, "one.png"],
      [2, "unlabeled.png"],
      [3, "two.png"],
    ]);
    expect(coco.annotations.map((a) => [a.id, a.image_id, a.category_id])).toEqual([
      [1, 1, 2],
      [2, 3, 1],
      [3, 3, 2],
    ]);
    expect(coco.licenses).toEqual([]);
  });

  it("names Masklab and the dataset in the info block", () => {
    const coco = buildCocoDataset({ datasetName: "faces", classes: FACEMASK_CLASSES, exportedAt, images: [] });
    expect(coco.info).toEqual({ description: 'Masklab export of dataset "faces"', contributor: "Masklab", year: 2026, date_created: "2026-03-01T12:00:00.000Z" });
  });

  it("refuses a box whose class is not in the dataset's list", () => {
    const build = () =>
      buildCocoDataset({ datasetName: "faces", classes: FACEMASK_CLASSES, exportedAt, images: [{ fileName: "a.jpg", width: 9, height: 9, boxes: [box("helmet", 1, 1, 5, 5)] }] });
    expect(build).toThrow(UnknownClassError);
    expect(build).toThrow(/"helmet" is not one of the dataset's classes/);
    expect(classIndexOf(FACEMASK_CLASSES, "mask_weared_incorrect")).toBe(2);
  });
});
