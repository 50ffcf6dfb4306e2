import { iou, type PixelBox } from "@/lib/domain/box";

/**
 * What one of the detector's finds on a training photo teaches the judge: the class of the
 * labelled face it overlaps (IoU at least `faceIou`), `background` (not a face) when it overlaps
 * none (IoU under `backgroundIou`), and nothing (null) in between, where it is part face.
 */
export function findLabel(find: PixelBox, labelled: readonly { box: PixelBox; classIndex: number }[], background: number, thresholds: { faceIou: number; backgroundIou: number }): number | null {
  let best = 0;
  let label = background;
  for (const face of labelled) {
    const overlap = iou(find, face.box);
    if (overlap > best) [best, label] = [overlap, face.classIndex];
  }
  if (best >= thresholds.faceIou) return label;
  return best < thresholds.backgroundIou ? background : null;
}
