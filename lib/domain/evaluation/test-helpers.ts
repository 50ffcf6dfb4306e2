import type { PixelBox } from "../box";
import type { Detection, GroundTruthBox, GroundTruthImage } from "./types";

/** Test shorthands: boxes as COCO's x, y, width, height. */
export const xywh = (x: number, y: number, w: number, h: number): PixelBox => ({ xmin: x, ymin: y, xmax: x + w, ymax: y + h });

export const gt = (className: string, box: PixelBox, extra: Partial<GroundTruthBox> = {}): GroundTruthBox => ({ className, box, ...extra });

export const image = (imageId: string, ...boxes: GroundTruthBox[]): GroundTruthImage => ({ imageId, boxes });

export const det = (imageId: string, className: string, box: PixelBox, score: number): Detection => ({ imageId, className, box, score });

/**
 * pycocotools' precision for one TP out of one detection: 1 / (1 + np.spacing(1)), one ulp below 1.
 * (For 2 or more detections, tp + fp + 2^-52 rounds back to tp + fp.)
 */
export const ONE_TP = 1 / (1 + 2 ** -52);
