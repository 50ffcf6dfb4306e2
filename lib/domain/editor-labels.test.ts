import { describe, expect, it } from "vitest";
import { boxSizeText, DEFAULT_LABEL_MODE, isLabelMode, LABEL_MIN_SCREEN_WIDTH, nextLabelMode, showsBoxLabel, type BoxLabelContext } from "./editor-labels";

const box = (over: Partial<BoxLabelContext> = {}): BoxLabelContext => ({ screenWidth: 60, screenHeight: 60, hovered: false, selected: false, mode: "hover", ...over });

describe("box label text on the canvas", () => {
  it("shows text only on the hovered and the selected box by default", () => {
    expect(DEFAULT_LABEL_MODE).toBe("hover");
    expect(showsBoxLabel(box())).toBe(false);
    expect(showsBoxLabel(box({ hovered: true }))).toBe(true);
    expect(showsBoxLabel(box({ selected: true }))).toBe(true);
  });

  it("shows text on every box large enough on screen when labels are all on", () => {
    expect(showsBoxLabel(box({ mode: "all" }))).toBe(true);
    expect(showsBoxLabel(box({ mode: "all", screenWidth: LABEL_MIN_SCREEN_WIDTH }))).toBe(true);
    expect(showsBoxLabel(box({ mode: "all", screenWidth: LABEL_MIN_SCREEN_WIDTH - 1 }))).toBe(false);
    expect(showsBoxLabel(box({ mode: "all", screenHeight: 6 }))).toBe(false);
  });

  it("still names a small box that is pointed at or selected", () => {
    expect(showsBoxLabel(box({ mode: "all", screenWidth: 8, screenHeight: 8, hovered: true }))).toBe(true);
    expect(showsBoxLabel(box({ mode: "hover", screenWidth: 8, screenHeight: 8, selected: true }))).toBe(true);
  });

  it("toggles between the two modes and recognises stored values", () => {
    expect(nextLabelMode("hover")).toBe("all");
    expect(nextLabelMode("all")).toBe("hover");
    expect(isLabelMode("all")).toBe(true);
    expect(isLabelMode("everything")).toBe(false);
    expect(isLabelMode(null)).toBe(false);
  });

  it("writes a box's size in whole pixels", () => {
    expect(boxSizeText({ xmin: 10, ymin: 20, xmax: 58, ymax: 72 })).toBe("48×52 px");
    expect(boxSizeText({ xmin: 0.4, ymin: 0, xmax: 10.2, ymax: 3.6 })).toBe("10×4 px");
  });
});
