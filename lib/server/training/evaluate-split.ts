import type { Detection as ModelDetection } from "@/lib/detection/common/nms";
import { DEFAULT_POSTPROCESS, type PostprocessOptions } from "@/lib/detection/common/postprocess";
import { evaluateCoco } from "@/lib/domain/evaluation/coco-eval";
import type { Detection, EvaluationInput } from "@/lib/domain/evaluation/types";
import type { Detector } from "@/lib/detection/detector";
import type { BlobStore } from "../platform/storage";
import { decodeImageRgb } from "../images/decode";
import type { TrainingImage } from "./training-data";
import type { z } from "zod";
import type { splitMetricsSchema } from "@/lib/contracts/stored/models";

/**
 * Post-processing used while evaluating: a low score floor, 100 detections and multi-label
 * (every class above the floor, NMS per class), as COCO evaluation and YOLOv8's validation expect.
 */
export const EVALUATION_POSTPROCESS = { ...DEFAULT_POSTPROCESS, scoreThreshold: 0.001, multiLabel: true };

/** A split's figures while training: the stored contract's type, so the two cannot drift apart. */
export type SplitMetrics = z.infer<typeof splitMetricsSchema>;

/** Labelled images and a model's detections on them (image pixels) as the evaluation engine reads them: classes by name. */
export function evaluationInputOf(
  classes: readonly string[],
  images: readonly TrainingImage[],
  outputs: ReadonlyArray<{ image: TrainingImage; detections: readonly ModelDetection[] }>,
): EvaluationInput {
  return {
    classes: [...classes],
    images: images.map((image) => ({ imageId: image.imageId, fileName: image.fileName, width: image.width, height: image.height, boxes: image.boxes.map((b) => ({ className: classes[b.classIndex]!, box: b.box, difficult: b.difficult })) })),
    detections: outputs.flatMap(({ image, detections }): Detection[] => detections.map((d) => ({ imageId: image.imageId, className: classes[d.classIndex]!, box: d.box, score: d.score }))),
  };
}

/** A model's detections (image pixels) on a split's images → COCO metrics against their labels (difficult boxes count, as in COCO). */
export function metricsOfDetections(outputs: Array<{ image: TrainingImage; detections: readonly ModelDetection[] }>, classes: readonly string[]): SplitMetrics {
  const result = evaluateCoco(evaluationInputOf(classes, outputs.map((o) => o.image), outputs));
  return {
    mAP50: Math.max(0, result.summary.AP50),
    mAP50to95: Math.max(0, result.summary.AP),
    perClassAP50: Object.fromEntries(result.perClass.map((c) => [c.className, c.AP50])),
  };
}

/** What a detector's `faces` pass is scored with: every class merged into one, as a mask judge that gives each face its class sees them. */
export const FACES_POSTPROCESS = { ...EVALUATION_POSTPROCESS, faces: true };

/**
 * Faces-only AP50 of a `faces` pass (FACES_POSTPROCESS): every label and detection counted as one
 * class, face. How well a detector finds faces, whatever it calls their masks.
 */
export function facesAP50OfDetections(outputs: ReadonlyArray<{ image: TrainingImage; detections: readonly ModelDetection[] }>): number {
  const asFace = (image: TrainingImage): TrainingImage => ({ ...image, boxes: image.boxes.map((b) => ({ ...b, classIndex: 0 })) });
  const faces = outputs.map((o) => ({ image: asFace(o.image), detections: o.detections.map((d) => ({ ...d, classIndex: 0 })) }));
  return Math.max(0, evaluateCoco(evaluationInputOf(["face"], faces.map((o) => o.image), faces)).summary.AP50);
}

/** Lets lease renewals, cancel checks and HTTP requests run between batches. */
export const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** One way's detections of stored images, in the images' order. */
export type ImageDetections = Array<{ image: TrainingImage; detections: ModelDetection[] }>;

/** A detector's detections (image pixels) on stored images as they are, in batches of 8. */
export async function detectImages(detector: Detector, store: BlobStore, images: readonly TrainingImage[], postprocess: Partial<PostprocessOptions> = EVALUATION_POSTPROCESS): Promise<ImageDetections> {
  return (await detectImagesEachWay(detector, store, images, [postprocess]))[0]!;
}

/** detectImages post-processed each way asked for (one list per way), from one forward pass per batch. */
export async function detectImagesEachWay(detector: Detector, store: BlobStore, images: readonly TrainingImage[], ways: ReadonlyArray<Partial<PostprocessOptions>>): Promise<ImageDetections[]> {
  const outputs: ImageDetections[] = ways.map(() => []);
  for (let i = 0; i < images.length; i += 8) {
    const chunk = images.slice(i, i + 8);
    const pixels = await Promise.all(chunk.map(async (image) => decodeImageRgb(await store.get(image.contentHash))));
    const perWay = await detector.detectEachWay(pixels, ways);
    perWay.forEach((detections, way) => chunk.forEach((image, k) => outputs[way]!.push({ image, detections: detections[k]! })));
    await yieldToEventLoop();
  }
  return outputs;
}
