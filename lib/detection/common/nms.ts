import type { PixelBox } from "@/lib/domain/box";

export interface Detection {
  box: PixelBox;
  score: number;
  classIndex: number;
}

export interface NmsOptions {
  /** a box overlapping a kept one of the same class by more than this is dropped */
  iouThreshold: number;
  /** detections scoring below this are dropped first */
  scoreThreshold: number;
  maxDetections: number;
  /** true: suppress within a class only (faces of different mask states may overlap in crowds) */
  perClass?: boolean;
}

/**
 * Greedy non-maximum suppression, the final step of every detector here, in plain TypeScript so
 * the worker, the server and the browser give identical detections. Equal scores keep input order.
 * IoU uses areas without +1 (Masklab's continuous box convention).
 */
export function nonMaxSuppression(detections: readonly Detection[], options: NmsOptions): Detection[] {
  const perClass = options.perClass ?? true;
  const candidates = detections
    .map((detection, index) => ({ detection, index }))
    .filter(({ detection }) => detection.score >= options.scoreThreshold && detection.box.xmax > detection.box.xmin && detection.box.ymax > detection.box.ymin)
    .sort((a, b) => b.detection.score - a.detection.score || a.index - b.index)
    .map(({ detection }) => detection);
  const count = candidates.length;
  const x1 = new Float64Array(count);
  const y1 = new Float64Array(count);
  const x2 = new Float64Array(count);
  const y2 = new Float64Array(count);
  const area = new Float64Array(count);
  candidates.forEach(({ box }, i) => {
    x1[i] = box.xmin;
    y1[i] = box.ymin;
    x2[i] = box.xmax;
    y2[i] = box.ymax;
    area[i] = (box.xmax - box.xmin) * (box.ymax - box.ymin);
  });
  const suppressed = new Uint8Array(count);
  const kept: Detection[] = [];
  for (let i = 0; i < count && kept.length < options.maxDetections; i++) {
    if (suppressed[i]) continue;
    kept.push(candidates[i]!);
    for (let j = i + 1; j < count; j++) {
      if (suppressed[j] || (perClass && candidates[j]!.classIndex !== candidates[i]!.classIndex)) continue;
      const w = Math.min(x2[i]!, x2[j]!) - Math.max(x1[i]!, x1[j]!);
      const h = Math.min(y2[i]!, y2[j]!) - Math.max(y1[i]!, y1[j]!);
      if (w <= 0 || h <= 0) continue;
      const intersection = w * h;
      if (intersection / (area[i]! + area[j]! - intersection) > options.iouThreshold) suppressed[j] = 1;
    }
  }
  return kept;
}
