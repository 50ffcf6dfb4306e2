import { describe, expect, it } from "vitest";
import { CLASS_COLORS, CLASS_LABELS, classColor, classLabel, FACEMASK_CLASSES, OTHER_CLASS_COLOR, type ClassCatalogue } from "./classes";
import { DEFAULT_ALERT_CLASSES } from "./evaluation/image-accuracy";

/** A catalogue with a fourth class: everything drawn per class must follow it without another edit. */
const FOUR = ["with_mask", "without_mask", "mask_weared_incorrect", "face_shield"] as const;
const fourth: ClassCatalogue<(typeof FOUR)[number]> = {
  labels: { with_mask: "With mask", without_mask: "Without mask", mask_weared_incorrect: "Mask worn incorrectly", face_shield: "Face shield" },
  colors: { with_mask: "#1b9e77", without_mask: "#d95f02", mask_weared_incorrect: "#7570b3", face_shield: "#e7298a" },
};

describe("the class catalogue", () => {
  it("gives every class its own colour and label", () => {
    expect(new Set(FACEMASK_CLASSES.map((c) => CLASS_COLORS[c])).size).toBe(FACEMASK_CLASSES.length);
    expect(FACEMASK_CLASSES.map((c) => classColor(c))).toEqual(FACEMASK_CLASSES.map((c) => CLASS_COLORS[c]));
    expect(FACEMASK_CLASSES.map((c) => classLabel(c))).toEqual(FACEMASK_CLASSES.map((c) => CLASS_LABELS[c]));
  });

  it("draws a class it does not know in one grey, under its own name", () => {
    expect(classColor("bicycle")).toBe(OTHER_CLASS_COLOR);
    expect(classLabel("bicycle")).toBe("bicycle");
    // names that are properties of every object are classes like any other
    expect(classColor("constructor")).toBe(OTHER_CLASS_COLOR);
    expect(classLabel("toString")).toBe("toString");
  });

  it("derives colours and labels from any catalogue, a fourth class included", () => {
    expect(FOUR.map((c) => classColor(c, fourth))).toEqual(["#1b9e77", "#d95f02", "#7570b3", "#e7298a"]);
    expect(classLabel("face_shield", fourth)).toBe("Face shield");
    expect(classColor("face_shield")).toBe(OTHER_CLASS_COLOR); // not in today's catalogue
  });

  it("asks about the faces that need attention by default", () => {
    expect(DEFAULT_ALERT_CLASSES).toEqual(["without_mask", "mask_weared_incorrect"]);
  });
});
