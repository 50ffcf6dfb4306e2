import { meetsMinimumBoxSize, MIN_BOX_SIZE, type ImageSize, type PixelBox } from "./box";

/**
 * Geometry of the box editor, free of any UI framework. Two coordinate spaces never mix:
 * ImagePoint is in image pixels (what is stored), ScreenPoint in canvas pixels (what the mouse
 * reports). The brands make the compiler refuse one where the other is expected.
 */
export type ImagePoint = { readonly x: number; readonly y: number } & { readonly __space: "image" };
export type ScreenPoint = { readonly x: number; readonly y: number } & { readonly __space: "screen" };

export const imagePoint = (x: number, y: number) => ({ x, y }) as ImagePoint;
export const screenPoint = (x: number, y: number) => ({ x, y }) as ScreenPoint;

/** screen = image * scale + offset */
export interface Viewport {
  scale: number;
  offsetX: number;
  offsetY: number;
}

export const MIN_SCALE = 0.05;
export const MAX_SCALE = 40;

export function screenToImage(p: ScreenPoint, v: Viewport): ImagePoint {
  return imagePoint((p.x - v.offsetX) / v.scale, (p.y - v.offsetY) / v.scale);
}

export function imageToScreen(p: ImagePoint, v: Viewport): ScreenPoint {
  return screenPoint(p.x * v.scale + v.offsetX, p.y * v.scale + v.offsetY);
}

/** The largest scale that shows the whole image, centred, with a margin. */
export function fitToScreen(image: ImageSize, container: { width: number; height: number }, margin = 16): Viewport {
  const scale = clampScale(Math.min((container.width - 2 * margin) / image.width, (container.height - 2 * margin) / image.height));
  return { scale, offsetX: (container.width - image.width * scale) / 2, offsetY: (container.height - image.height * scale) / 2 };
}

/** Zooms by `factor` keeping the image point under the cursor where it is on screen. */
export function zoomAt(v: Viewport, cursor: ScreenPoint, factor: number): Viewport {
  const scale = clampScale(v.scale * factor);
  const anchor = screenToImage(cursor, v);
  return { scale, offsetX: cursor.x - anchor.x * scale, offsetY: cursor.y - anchor.y * scale };
}

export function pan(v: Viewport, dx: number, dy: number): Viewport {
  return { ...v, offsetX: v.offsetX + dx, offsetY: v.offsetY + dy };
}

function clampScale(scale: number): number {
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));
}

const clamp = (value: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, value));

/** The box spanned by two points (drag or two clicks), clamped to the image; null if too small. */
export function boxFromCorners(a: ImagePoint, b: ImagePoint, image: ImageSize): PixelBox | null {
  const box = {
    xmin: clamp(Math.min(a.x, b.x), 0, image.width),
    ymin: clamp(Math.min(a.y, b.y), 0, image.height),
    xmax: clamp(Math.max(a.x, b.x), 0, image.width),
    ymax: clamp(Math.max(a.y, b.y), 0, image.height),
  };
  return meetsMinimumBoxSize(box) ? box : null;
}

/** Moves a box by (dx, dy) image pixels, stopping at the image border without changing its size. */
export function moveBox(box: PixelBox, dx: number, dy: number, image: ImageSize): PixelBox {
  const w = box.xmax - box.xmin;
  const h = box.ymax - box.ymin;
  const xmin = clamp(box.xmin + dx, 0, image.width - w);
  const ymin = clamp(box.ymin + dy, 0, image.height - h);
  return { xmin, ymin, xmax: xmin + w, ymax: ymin + h };
}

export type Handle = "nw" | "n" | "ne" | "e" | "se" | "s" | "sw" | "w";
export const HANDLES: readonly Handle[] = ["nw", "n", "ne", "e", "se", "s", "sw", "w"];

/**
 * Drags one handle to `to`. Edges the handle does not own stay put; the dragged edges are
 * clamped to the image and never cross the opposite edge closer than MIN_BOX_SIZE.
 */
export function resizeBox(box: PixelBox, handle: Handle, to: ImagePoint, image: ImageSize): PixelBox {
  const next = { ...box };
  if (handle.includes("w")) next.xmin = clamp(to.x, 0, box.xmax - MIN_BOX_SIZE);
  if (handle.includes("e")) next.xmax = clamp(to.x, box.xmin + MIN_BOX_SIZE, image.width);
  if (handle.includes("n")) next.ymin = clamp(to.y, 0, box.ymax - MIN_BOX_SIZE);
  if (handle.includes("s")) next.ymax = clamp(to.y, box.ymin + MIN_BOX_SIZE, image.height);
  return next;
}

/** Where each handle sits on a box, in image pixels (the UI converts to screen space). */
export function handlePosition(box: PixelBox, handle: Handle): ImagePoint {
  const x = handle.includes("w") ? box.xmin : handle.includes("e") ? box.xmax : (box.xmin + box.xmax) / 2;
  const y = handle.includes("n") ? box.ymin : handle.includes("s") ? box.ymax : (box.ymin + box.ymax) / 2;
  return imagePoint(x, y);
}

/**
 * The box under an image point: the smallest one containing it, so a face drawn inside a
 * larger box (a crowd, a group) can still be pointed at. Null when the point is on no box.
 */
export function boxAt<B extends PixelBox>(p: ImagePoint, boxes: readonly B[]): B | null {
  let best: B | null = null;
  let bestArea = Infinity;
  for (const box of boxes) {
    if (p.x < box.xmin || p.x > box.xmax || p.y < box.ymin || p.y > box.ymax) continue;
    const area = (box.xmax - box.xmin) * (box.ymax - box.ymin);
    if (area < bestArea) {
      best = box;
      bestArea = area;
    }
  }
  return best;
}
