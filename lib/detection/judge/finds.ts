import { iou, type PixelBox } from "@/lib/domain/box";

/** The labelled box a box overlaps most (the first of equals), with that IoU; null when it overlaps none. */
export function mostOverlapped<T extends { box: PixelBox }>(box: PixelBox, labelled: readonly T[]): { label: T; overlap: number } | null {
  let best: { label: T; overlap: number } | null = null;
  for (const label of labelled) {
    const overlap = iou(box, label.box);
    if (overlap > (best?.overlap ?? 0)) best = { label, overlap };
  }
  return best;
}

/**
 * What one of the detector's finds on a training photo teaches the judge: the class of the
 * labelled face it overlaps (IoU at least `faceIou`), `background` (not a face) when it overlaps
 * none (IoU under `backgroundIou`), and nothing (null) in between, where it is part face.
 */
export function findLabel(find: PixelBox, labelled: readonly { box: PixelBox; classIndex: number }[], background: number, thresholds: { faceIou: number; backgroundIou: number }): number | null {
  const best = mostOverlapped(find, labelled);
  const overlap = best?.overlap ?? 0;
  if (best && overlap >= thresholds.faceIou) return best.label.classIndex;
  return overlap < thresholds.backgroundIou ? background : null;
}
