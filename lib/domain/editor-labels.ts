import type { PixelBox } from "./box";

/**
 * When the box editor writes a box's class as text on the canvas. On a crowded photo (80+
 * faces) every box's text overlaps into an unreadable mass, so by default only the box under
 * the pointer and the selected one carry text; the others are class-coloured outlines. `L`
 * switches to text on every box large enough on screen to hold it.
 */
export const LABEL_MODES = ["hover", "all"] as const;
export type LabelMode = (typeof LABEL_MODES)[number];

export const DEFAULT_LABEL_MODE: LabelMode = "hover";

/** Boxes narrower or shorter than this on screen (CSS pixels) never carry text in "all" mode. */
export const LABEL_MIN_SCREEN_WIDTH = 24;
export const LABEL_MIN_SCREEN_HEIGHT = 12;

export interface BoxLabelContext {
  /** the box's size on screen: image pixels times the viewport's scale */
  screenWidth: number;
  screenHeight: number;
  hovered: boolean;
  selected: boolean;
  mode: LabelMode;
}

/** Whether the box's class is written beside it. The box being pointed at or edited always says what it is, whatever its size. */
export function showsBoxLabel({ screenWidth, screenHeight, hovered, selected, mode }: BoxLabelContext): boolean {
  if (hovered || selected) return true;
  return mode === "all" && screenWidth >= LABEL_MIN_SCREEN_WIDTH && screenHeight >= LABEL_MIN_SCREEN_HEIGHT;
}

export function nextLabelMode(mode: LabelMode): LabelMode {
  return mode === "all" ? "hover" : "all";
}

export function isLabelMode(value: unknown): value is LabelMode {
  return (LABEL_MODES as readonly unknown[]).includes(value);
}

/** What the toolbar says about the mode. */
export const LABEL_MODE_TEXT: Record<LabelMode, string> = {
  hover: "Labels: hover",
  all: "Labels: all",
};

/** A box's size in whole image pixels, as the box list shows it: "48×52 px". */
export function boxSizeText(box: PixelBox): string {
  return `${Math.round(box.xmax - box.xmin)}×${Math.round(box.ymax - box.ymin)} px`;
}
