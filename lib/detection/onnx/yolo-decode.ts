import type { PixelBox } from "@/lib/domain/box";
import type { Detection } from "../common/nms";
import { selectDetections, type PostprocessOptions } from "../common/postprocess";

/**
 * How an Ultralytics export lays out its one output, for `nc` classes and N candidate boxes:
 * - "v8" (YOLOv8, YOLO11): [1, 4+nc, N], rows cx, cy, w, h, then one score per class (no objectness);
 * - "v5" (YOLOv5): [1, N, 5+nc], per box cx, cy, w, h, objectness, then class probabilities.
 * Centres and sizes are in model-input pixels.
 */
export type YoloLayout = "v8" | "v5";

/** The layout an output of these dims has for `numClasses` classes, or null when it is neither. */
export function yoloLayoutOf(dims: readonly (number | string | null)[], numClasses: number): YoloLayout | null {
  if (dims.length !== 3) return null;
  if (dims[1] === 4 + numClasses) return "v8";
  if (dims[2] === 5 + numClasses) return "v5";
  return null;
}

/** What a YOLO output of `numClasses` classes must look like, for error messages. */
export const expectedYoloOutput = (numClasses: number) => `[1, ${4 + numClasses}, N] (YOLOv8/11: 4 box values + ${numClasses} class scores) or [1, N, ${5 + numClasses}] (YOLOv5)`;

/** The output does not have the shape the declared format and classes call for. */
export class OnnxOutputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OnnxOutputError";
  }
}

/**
 * One image's YOLO output → detections in model-input pixels: every candidate's box from its
 * centre and size, its class scores (times objectness for v5), then Masklab's own selection and
 * NMS (selectDetections: the same rules as Masklab's detectors, so every model is judged alike).
 */
export function decodeYoloOutput(output: { data: ArrayLike<number>; dims: readonly number[] }, numClasses: number, options: PostprocessOptions): Detection[] {
  const layout = yoloLayoutOf(output.dims, numClasses);
  if (!layout || output.dims[0] !== 1) throw new OnnxOutputError(`the YOLO output is [${output.dims.join(", ")}]; for ${numClasses} classes it must be ${expectedYoloOutput(numClasses)}`);
  const { data } = output;
  const count = layout === "v8" ? output.dims[2]! : output.dims[1]!;
  // v8: value k of candidate a at k·N + a (channels first); v5: at a·(5+nc) + k (one row per candidate).
  const at = layout === "v8" ? (a: number, k: number) => data[k * count + a]! : (a: number, k: number) => data[a * (5 + numClasses) + k]!;
  const scoreOf = layout === "v8" ? (a: number, c: number) => at(a, 4 + c) : (a: number, c: number) => at(a, 4) * at(a, 5 + c);
  const boxOf = (a: number): PixelBox => {
    const cx = at(a, 0);
    const cy = at(a, 1);
    const halfW = at(a, 2) / 2;
    const halfH = at(a, 3) / 2;
    return { xmin: cx - halfW, ymin: cy - halfH, xmax: cx + halfW, ymax: cy + halfH };
  };
  return selectDetections(count, numClasses, scoreOf, boxOf, options);
}
