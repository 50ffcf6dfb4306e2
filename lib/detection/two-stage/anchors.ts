import { anchorsFor } from "../common/box-coding";

/**
 * MLD-2S's anchors, sized for faces: many faces in crowd photos are 8–30 px at a 416–640 px input,
 * so the stride-8 level carries three small sizes. One aspect ratio (height / width 1.25): faces
 * are a little taller than wide, and the box head corrects the rest.
 */
export const TWO_STAGE_LEVELS = [
  { stride: 8, sizes: [10, 20, 40] },
  { stride: 16, sizes: [80, 160] },
  { stride: 32, sizes: [320] },
] as const;
export const ANCHOR_RATIOS = [1.25] as const;

export const anchorsPerCell = (level: number) => TWO_STAGE_LEVELS[level]!.sizes.length * ANCHOR_RATIOS.length;

/** The anchor layout a model is built with; masklab.json records it, so inference never depends on these constants. */
export interface AnchorLayout {
  levels: ReadonlyArray<{ stride: number; sizes: readonly number[] }>;
  ratios: readonly number[];
}
export const DEFAULT_ANCHOR_LAYOUT: AnchorLayout = { levels: TWO_STAGE_LEVELS, ratios: ANCHOR_RATIOS };

/** All anchors of an input size, level by level and cell by cell (the order of the RPN's outputs): [A·4] as xmin, ymin, xmax, ymax. */
export function twoStageAnchors(inputSize: number, layout: AnchorLayout = DEFAULT_ANCHOR_LAYOUT): Float32Array {
  const boxes = layout.levels.flatMap((level) => anchorsFor(inputSize, level.stride, level.sizes, layout.ratios));
  const flat = new Float32Array(boxes.length * 4);
  boxes.forEach((b, i) => flat.set([b.xmin, b.ymin, b.xmax, b.ymax], i * 4));
  return flat;
}
