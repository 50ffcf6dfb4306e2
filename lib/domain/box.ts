/**
 * Box convention inside Masklab (database, models, UI): image pixels, 0-based, continuous,
 * max exclusive. A box covering pixel columns 0..9 is {xmin: 0, xmax: 10}; width = xmax - xmin.
 * Pascal VOC's 1-based inclusive integers exist only at the VOC boundary (voc.ts converts).
 */
export interface PixelBox {
  xmin: number;
  ymin: number;
  xmax: number;
  ymax: number;
}

export interface ImageSize {
  width: number;
  height: number;
}

/**
 * The shortest side (image pixels) a person may draw or resize a box to. The editor will not make
 * a smaller one and the server refuses one in a save; imports keep smaller boxes, with a warning.
 */
export const MIN_BOX_SIZE = 2;

/** Whether both sides of a box reach MIN_BOX_SIZE. */
export function meetsMinimumBoxSize(box: PixelBox): boolean {
  return box.xmax - box.xmin >= MIN_BOX_SIZE && box.ymax - box.ymin >= MIN_BOX_SIZE;
}

export function boxWidth(box: PixelBox): number {
  return Math.max(0, box.xmax - box.xmin);
}

export function boxHeight(box: PixelBox): number {
  return Math.max(0, box.ymax - box.ymin);
}

export function boxArea(box: PixelBox): number {
  return boxWidth(box) * boxHeight(box);
}

export function intersectionArea(a: PixelBox, b: PixelBox): number {
  const w = Math.min(a.xmax, b.xmax) - Math.max(a.xmin, b.xmin);
  const h = Math.min(a.ymax, b.ymax) - Math.max(a.ymin, b.ymin);
  return w > 0 && h > 0 ? w * h : 0;
}

/** Intersection over union; 0 when both boxes are empty. */
export function iou(a: PixelBox, b: PixelBox): number {
  const inter = intersectionArea(a, b);
  const union = boxArea(a) + boxArea(b) - inter;
  return union > 0 ? inter / union : 0;
}

export function clipBox(box: PixelBox, size: ImageSize): PixelBox {
  const clamp = (v: number, hi: number) => Math.min(Math.max(v, 0), hi);
  return {
    xmin: clamp(box.xmin, size.width),
    ymin: clamp(box.ymin, size.height),
    xmax: clamp(box.xmax, size.width),
    ymax: clamp(box.ymax, size.height),
  };
}

export function isInside(box: PixelBox, size: ImageSize): boolean {
  return box.xmin >= 0 && box.ymin >= 0 && box.xmax <= size.width && box.ymax <= size.height;
}

/** Snaps a box to whole pixel edges (never collapsing it below one pixel). */
export function roundBox(box: PixelBox): PixelBox {
  const xmin = Math.round(box.xmin);
  const ymin = Math.round(box.ymin);
  return { xmin, ymin, xmax: Math.max(xmin + 1, Math.round(box.xmax)), ymax: Math.max(ymin + 1, Math.round(box.ymax)) };
}
