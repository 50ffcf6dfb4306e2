import type { Detection } from "../common/nms";
import { nonMaxSuppression } from "../common/nms";
import type { PostprocessOptions } from "../common/postprocess";
import { OnnxOutputError } from "./yolo-decode";

/** A torchvision detection model's three outputs for one image, after its own NMS. */
export interface TorchvisionOutputs {
  /** [N, 4]: x1, y1, x2, y2 in the pixels of the image the model was given */
  boxes: { data: ArrayLike<number>; dims: readonly number[] };
  /** [N]: class ids, 1-based (0 is torchvision's background); int64 arrives as bigint */
  labels: { data: ArrayLike<number | bigint>; dims: readonly number[] };
  /** [N] */
  scores: { data: ArrayLike<number>; dims: readonly number[] };
}

/**
 * torchvision Faster R-CNN outputs → detections in model-input pixels, class index = label − 1.
 * The model already suppressed overlaps within each class; Masklab then applies its own
 * threshold, its NMS (across classes when serving, one face one box; within a class when
 * evaluating multi-label, as for its own detectors) and its detection cap, so the rules match
 * every other model's. A label outside 1..nc means the model has other classes than declared.
 */
export function decodeTorchvisionOutputs(outputs: TorchvisionOutputs, numClasses: number, options: PostprocessOptions): Detection[] {
  const count = outputs.scores.dims[0] ?? 0;
  if (outputs.boxes.dims.length !== 2 || outputs.boxes.dims[1] !== 4 || outputs.boxes.dims[0] !== count || outputs.labels.dims[0] !== count || outputs.scores.dims.length !== 1) {
    throw new OnnxOutputError(`torchvision outputs must be boxes [N, 4], labels [N], scores [N]; got boxes [${outputs.boxes.dims.join(", ")}], labels [${outputs.labels.dims.join(", ")}], scores [${outputs.scores.dims.join(", ")}]`);
  }
  const candidates: Detection[] = [];
  for (let i = 0; i < count; i++) {
    const label = Number(outputs.labels.data[i]!);
    if (!Number.isInteger(label) || label < 1 || label > numClasses) {
      throw new OnnxOutputError(`the model output class id ${label}; with ${numClasses} classes (plus background 0) ids must be 1..${numClasses}: was it trained on other classes?`);
    }
    const score = outputs.scores.data[i]!;
    if (score < options.scoreThreshold) continue;
    const b = (k: number) => outputs.boxes.data[i * 4 + k]!;
    candidates.push({ box: { xmin: b(0), ymin: b(1), xmax: b(2), ymax: b(3) }, score, classIndex: label - 1 });
  }
  return nonMaxSuppression(candidates, { ...options, perClass: options.multiLabel === true });
}
