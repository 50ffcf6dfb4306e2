import { describe, expect, it } from "vitest";
import { FACEMASK_CLASSES } from "./classes";
import type { VocObject } from "./voc";
import { matchClassName, vocObjectsToBoxes, vocObjectToBox } from "./voc-boxes";

const image = { width: 100, height: 80 };
const object = (name: string, box: VocObject["box"]): VocObject => ({ name, box, difficult: false, truncated: false, occluded: false, extra: {} });
const convert = (o: VocObject) => vocObjectToBox(o, image, FACEMASK_CLASSES, "object 1");

describe("matchClassName", () => {
  it("accepts exact names and case, space and hyphen variants only", () => {
    expect(matchClassName("with_mask", FACEMASK_CLASSES)).toBe("with_mask");
    expect(matchClassName("With Mask", FACEMASK_CLASSES)).toBe("with_mask");
    expect(matchClassName(" mask-weared-incorrect", FACEMASK_CLASSES)).toBe("mask_weared_incorrect");
    expect(matchClassName("mask", FACEMASK_CLASSES)).toBeNull();
  });

  it("applies the user's mapping, but only onto known classes", () => {
    expect(matchClassName("mask", FACEMASK_CLASSES, { mask: "with_mask" })).toBe("with_mask");
    expect(matchClassName("mask", FACEMASK_CLASSES, { mask: "helmet" })).toBeNull();
    expect(matchClassName("toString", FACEMASK_CLASSES, {})).toBeNull();
  });
});

describe("vocObjectToBox", () => {
  it("keeps a clean box without findings, in pixel convention", () => {
    const { box, findings } = convert(object("with_mask", { xmin: 11, ymin: 21, xmax: 30, ymax: 40 }));
    expect(findings).toEqual([]);
    expect(box).toMatchObject({ className: "with_mask", xmin: 10, ymin: 20, xmax: 30, ymax: 40 });
  });

  it("clips the 1-pixel VOC overshoot quietly and larger overshoots loudly", () => {
    const small = convert(object("with_mask", { xmin: 90, ymin: 1, xmax: 101, ymax: 10 }));
    expect(small.box).toMatchObject({ xmax: 100 });
    expect(small.findings).toEqual([expect.objectContaining({ code: "box-clipped", severity: "info" })]);
    const large = convert(object("with_mask", { xmin: -5, ymin: 1, xmax: 50, ymax: 95 }));
    expect(large.box).toMatchObject({ xmin: 0, ymax: 80 });
    expect(large.findings).toEqual([expect.objectContaining({ code: "box-clipped", severity: "warning" })]);
  });

  it("skips unknown classes, inverted boxes and boxes outside the image", () => {
    expect(convert(object("helmet", { xmin: 1, ymin: 1, xmax: 9, ymax: 9 }))).toMatchObject({ box: null, findings: [{ code: "unknown-class", severity: "error" }] });
    expect(convert(object("with_mask", { xmin: 20, ymin: 1, xmax: 10, ymax: 9 }))).toMatchObject({ box: null, findings: [{ code: "box-inverted" }] });
    expect(convert(object("with_mask", { xmin: 150, ymin: 1, xmax: 160, ymax: 9 })).box).toBeNull();
  });

  it("reports a box entirely outside the image once, as outside (not clipped and empty)", () => {
    const { box, findings } = convert(object("with_mask", { xmin: 150, ymin: 1, xmax: 160, ymax: 9 }));
    expect(box).toBeNull();
    expect(findings).toEqual([
      { severity: "error", code: "box-outside", message: "object 1: box (150, 1)–(160, 9) lies entirely outside the 100x80 image; box skipped" },
    ]);
  });

  it("flags tiny boxes, renamed classes and fractional coordinates but keeps them", () => {
    const tiny = convert(object("With Mask", { xmin: 5, ymin: 5, xmax: 6.5, ymax: 20 }));
    expect(tiny.box).toMatchObject({ className: "with_mask", xmin: 4, xmax: 6.5 });
    expect(tiny.findings.map((f) => f.code)).toEqual(["class-renamed", "box-float", "box-tiny"]);
  });

  it("carries flags, pose and extra tags onto the box", () => {
    const { box } = convert({ ...object("without_mask", { xmin: 1, ymin: 1, xmax: 9, ymax: 9 }), difficult: true, occluded: true, pose: "Left", extra: { custom: "x" } });
    expect(box).toMatchObject({ difficult: true, occluded: true, truncated: false, pose: "Left", attributes: { custom: "x" } });
  });
});

describe("vocObjectsToBoxes", () => {
  it("names objects by their position in the file and flags exact repeats, keeping both", () => {
    const objects = [
      { ...object("with_mask", { xmin: 1, ymin: 1, xmax: 20, ymax: 20 }), position: 2 },
      { ...object("helmet", { xmin: 1, ymin: 1, xmax: 20, ymax: 20 }), position: 4 },
      { ...object("With Mask", { xmin: 1, ymin: 1, xmax: 20, ymax: 20 }), position: 7 },
      { ...object("with_mask", { xmin: 2, ymin: 1, xmax: 20, ymax: 20 }), position: 8 },
    ];
    const { boxes, findings, unknownClasses } = vocObjectsToBoxes(objects, image, FACEMASK_CLASSES);
    expect(boxes).toHaveLength(3);
    expect(unknownClasses).toEqual({ helmet: 1 });
    expect(findings.map((f) => `${f.code}: ${f.message.split(":")[0]}`)).toEqual(["unknown-class: object 4", "class-renamed: object 7", "box-repeated: object 7 repeats object 2 exactly (same class and coordinates); both kept"]);
  });
});
