import type { PixelBox } from "@/lib/domain/box";

/**
 * How detectors here express boxes relative to where they look. Plain numbers, used to build
 * training targets and to decode outputs; the tensor versions in the models mirror these and are
 * tested against them.
 */

/** Anchor-free (one-stage): distances from a grid point to the four sides, in units of its stride. */
export interface SideDistances {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export function encodeSideDistances(point: { x: number; y: number }, stride: number, box: PixelBox): SideDistances {
  return {
    left: (point.x - box.xmin) / stride,
    top: (point.y - box.ymin) / stride,
    right: (box.xmax - point.x) / stride,
    bottom: (box.ymax - point.y) / stride,
  };
}

export function decodeSideDistances(point: { x: number; y: number }, stride: number, d: SideDistances): PixelBox {
  return { xmin: point.x - d.left * stride, ymin: point.y - d.top * stride, xmax: point.x + d.right * stride, ymax: point.y + d.bottom * stride };
}

/** Centres of the cells of a feature map with this stride over a square input: row-major. */
export function gridPoints(inputSize: number, stride: number): Array<{ x: number; y: number }> {
  const cells = Math.ceil(inputSize / stride);
  const points: Array<{ x: number; y: number }> = [];
  for (let row = 0; row < cells; row++) for (let col = 0; col < cells; col++) points.push({ x: (col + 0.5) * stride, y: (row + 0.5) * stride });
  return points;
}

/** Two-stage (Faster R-CNN): the classic centre/size deltas of a box against an anchor or proposal. */
export interface BoxDeltas {
  dx: number;
  dy: number;
  dw: number;
  dh: number;
}

/** Faster R-CNN's clamp on dw/dh before exp(), so one bad prediction cannot explode a box. */
export const MAX_LOG_SCALE = Math.log(1000 / 16);

export function encodeDeltas(anchor: PixelBox, box: PixelBox, weights: BoxDeltas = { dx: 1, dy: 1, dw: 1, dh: 1 }): BoxDeltas {
  const aw = anchor.xmax - anchor.xmin;
  const ah = anchor.ymax - anchor.ymin;
  const bw = box.xmax - box.xmin;
  const bh = box.ymax - box.ymin;
  if (aw <= 0 || ah <= 0 || bw <= 0 || bh <= 0) throw new RangeError("boxes must have positive width and height");
  return {
    dx: (weights.dx * (box.xmin + bw / 2 - (anchor.xmin + aw / 2))) / aw,
    dy: (weights.dy * (box.ymin + bh / 2 - (anchor.ymin + ah / 2))) / ah,
    dw: weights.dw * Math.log(bw / aw),
    dh: weights.dh * Math.log(bh / ah),
  };
}

export function decodeDeltas(anchor: PixelBox, deltas: BoxDeltas, weights: BoxDeltas = { dx: 1, dy: 1, dw: 1, dh: 1 }): PixelBox {
  const aw = anchor.xmax - anchor.xmin;
  const ah = anchor.ymax - anchor.ymin;
  const cx = anchor.xmin + aw / 2 + (deltas.dx / weights.dx) * aw;
  const cy = anchor.ymin + ah / 2 + (deltas.dy / weights.dy) * ah;
  const w = aw * Math.exp(Math.min(deltas.dw / weights.dw, MAX_LOG_SCALE));
  const h = ah * Math.exp(Math.min(deltas.dh / weights.dh, MAX_LOG_SCALE));
  return { xmin: cx - w / 2, ymin: cy - h / 2, xmax: cx + w / 2, ymax: cy + h / 2 };
}

/**
 * Anchors of one feature map: for each cell (row-major), one box per size × aspect ratio
 * (ratio = height / width), centred on the cell, with the area of size².
 */
export function anchorsFor(inputSize: number, stride: number, sizes: readonly number[], ratios: readonly number[]): PixelBox[] {
  const anchors: PixelBox[] = [];
  for (const point of gridPoints(inputSize, stride)) {
    for (const size of sizes) {
      for (const ratio of ratios) {
        const w = size / Math.sqrt(ratio);
        const h = size * Math.sqrt(ratio);
        anchors.push({ xmin: point.x - w / 2, ymin: point.y - h / 2, xmax: point.x + w / 2, ymax: point.y + h / 2 });
      }
    }
  }
  return anchors;
}
