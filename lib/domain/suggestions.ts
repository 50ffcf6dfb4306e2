import { clipBox, iou, meetsMinimumBoxSize, type ImageSize, type PixelBox } from "./box";

/** A model's detection shown over the image: preview only, or a suggestion waiting for the annotator. */
export interface ModelBox {
  className: string;
  score: number;
  box: PixelBox;
}

export interface Suggestion extends ModelBox {
  id: string;
}

/** A suggestion that overlaps a label of the same class this much is already labelled, and is not offered. */
export const COVERED_IOU = 0.5;

/**
 * The suggestions pre-labelling offers: the detections at or above the threshold, clipped to the
 * image and at least MIN_BOX_SIZE on each side (an accepted one is saved as a new box), minus
 * those an existing label of the same class already covers (IoU ≥ 0.5), highest score first so Y
 * accepts the surest one next.
 */
export function suggestionsFrom(
  detections: readonly ModelBox[],
  labels: ReadonlyArray<{ className: string } & PixelBox>,
  threshold: number,
  image: ImageSize,
  newId: () => string,
): Suggestion[] {
  return detections
    .filter((d) => d.score >= threshold)
    .map((d) => ({ ...d, box: clipBox(d.box, image) }))
    .filter((d) => meetsMinimumBoxSize(d.box))
    .filter((d) => !labels.some((l) => l.className === d.className && iou(l, d.box) >= COVERED_IOU))
    .sort((a, b) => b.score - a.score)
    .map((d) => ({ ...d, id: newId() }));
}
