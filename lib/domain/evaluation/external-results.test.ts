import { describe, expect, it } from "vitest";
import { FACEMASK_CLASSES } from "../classes";
import { categoryMapping, describeProblems, resolveResults, type CocoResultEntry, type ResultsImage } from "./external-results";

// A dataset of four images: two in test, one in train, one in val, exported in file-name order.
const whole: ResultsImage[] = [
  { id: "a", cocoId: 1, fileName: "faces/0007.jpg", exportedName: "0007.jpg", split: "test" },
  { id: "b", cocoId: 2, fileName: "mask1.png", exportedName: "mask1.png", split: "train" },
  { id: "c", cocoId: 3, fileName: "mask2.png", exportedName: "mask2.png", split: "test" },
  { id: "d", cocoId: 4, fileName: "mask3.png", exportedName: "mask3.png", split: "val" },
];
// The test split's own export numbers its images 1, 2.
const testExport: ResultsImage[] = [
  { ...whole[0]!, cocoId: 1 },
  { ...whole[2]!, cocoId: 2 },
];

const entry = (image_id: number | string, category_id: number | string, extra: Partial<CocoResultEntry> = {}): CocoResultEntry => ({ image_id, category_id, bbox: [10, 20, 30, 40], score: 0.9, ...extra });
const exportCategories = () => {
  const mapping = categoryMapping(FACEMASK_CLASSES);
  if (!mapping.ok) throw new Error(mapping.error);
  return mapping.mapping;
};
const resolve = (entries: CocoResultEntry[], options: { scheme?: "split-export" | "dataset-export" | "file-name"; classMap?: string } = {}) => {
  const scheme = options.scheme ?? "split-export";
  const mapping = categoryMapping(FACEMASK_CLASSES, options.classMap);
  if (!mapping.ok) throw new Error(mapping.error);
  return resolveResults(
    entries.map((e, index) => ({ index, entry: e })),
    { split: "test", scheme, numbering: scheme === "dataset-export" ? whole : testExport, named: [...testExport, ...whole], categories: mapping.mapping },
  );
};

describe("categoryMapping", () => {
  it("reads category ids as the COCO export's (1-based in class order) and class names as themselves", () => {
    const mapping = exportCategories();
    expect([1, 2, 3, 0, 4].map((id) => mapping.resolve(id))).toEqual(["with_mask", "without_mask", "mask_weared_incorrect", undefined, undefined]);
    expect(mapping.resolve("without_mask")).toBe("without_mask");
    expect(mapping.description).toBe("1 with_mask, 2 without_mask, 3 mask_weared_incorrect");
  });

  it("reads an explicit mapping of ids or labels, and refuses one onto a class the dataset lacks", () => {
    const mapping = categoryMapping(FACEMASK_CLASSES, "0=with_mask, 1=without_mask\nincorrect=mask_weared_incorrect");
    expect(mapping.ok && [0, 1, 2, "incorrect", "with_mask"].map((id) => mapping.mapping.resolve(id))).toEqual(["with_mask", "without_mask", undefined, "mask_weared_incorrect", "with_mask"]);
    expect(categoryMapping(FACEMASK_CLASSES, "0=helmet")).toEqual({ ok: false, error: 'class mapping: "helmet" is not a class of the dataset (with_mask, without_mask, mask_weared_incorrect)' });
    expect(categoryMapping(FACEMASK_CLASSES, "0 with_mask").ok).toBe(false);
  });
});

describe("resolveResults", () => {
  it("reads numeric ids as the split export's COCO ids and converts [x, y, w, h] to corners", () => {
    const { detections, problems } = resolve([entry(1, 1), entry(2, 3, { score: 0.5 })]);
    expect(problems).toEqual([]);
    expect(detections).toEqual([
      { imageId: "a", className: "with_mask", box: { xmin: 10, ymin: 20, xmax: 40, ymax: 60 }, score: 0.9 },
      { imageId: "c", className: "mask_weared_incorrect", box: { xmin: 10, ymin: 20, xmax: 40, ymax: 60 }, score: 0.5 },
    ]);
  });

  it("reads the whole dataset's ids when asked, and names an image of another split", () => {
    const { detections, problems } = resolve([entry(3, 1), entry(2, 1)], { scheme: "dataset-export" });
    expect(detections.map((d) => d.imageId)).toEqual(["c"]);
    expect(problems).toEqual([{ index: 1, message: 'image "mask1.png" (image_id 2) is in the train split, not test' }]);
  });

  it("reads text ids and file_name as file names: exact, base name or stem (Ultralytics writes the stem)", () => {
    const { detections, problems } = resolve([entry("mask2", 1), entry("mask2.jpg", 1), entry("faces/0007.jpg", 2), entry(99, 1, { file_name: "0007.jpg" })]);
    expect(problems).toEqual([]);
    expect(detections.map((d) => d.imageId)).toEqual(["c", "c", "a", "a"]);
  });

  it("reads numeric ids as numeric file stems when asked (Ultralytics turns 0007.jpg into 7)", () => {
    const { detections, problems } = resolve([entry(7, 1), entry(1, 1)], { scheme: "file-name" });
    expect(detections.map((d) => d.imageId)).toEqual(["a"]);
    expect(problems).toEqual([{ index: 1, message: "image_id 1 is not the numeric file stem of an image of the dataset" }]);
  });

  it("reports every result it cannot place, with its index: unknown images, unknown categories, other splits", () => {
    const { detections, problems } = resolve([entry(1, 1), entry(3, 1), entry("nowhere.png", 1), entry(2, 7), entry("mask3", 1)]);
    expect(detections).toHaveLength(1);
    expect(problems).toEqual([
      { index: 1, message: "image_id 3 is not a COCO image id of the test split's COCO export (ids 1–2)" },
      { index: 2, message: 'image_id "nowhere.png" is not the file name of an image of the dataset' },
      { index: 3, message: "category_id 7 is not in the export's categories (1 with_mask, 2 without_mask, 3 mask_weared_incorrect)" },
      { index: 4, message: 'image "mask3.png" (image_id "mask3") is in the val split, not test' },
    ]);
  });

  it("with an explicit mapping, names the mapping when a category is not in it", () => {
    const { detections, problems } = resolve([entry(1, 0), entry(1, 3)], { classMap: "0=with_mask,1=without_mask,2=mask_weared_incorrect" });
    expect(detections.map((d) => d.className)).toEqual(["with_mask"]);
    expect(problems[0]!.message).toBe("category_id 3 is not in the class mapping (0 → with_mask, 1 → without_mask, 2 → mask_weared_incorrect)");
  });
});

describe("describeProblems", () => {
  it("lists the first five with their index and counts the rest", () => {
    const problems = Array.from({ length: 7 }, (_, i) => ({ index: i * 10, message: `bad ${i}` }));
    expect(describeProblems(problems, 100)).toBe("7 of 100 results cannot be scored: [0] bad 0; [10] bad 1; [20] bad 2; [30] bad 3; [40] bad 4; and 2 more");
  });
});
