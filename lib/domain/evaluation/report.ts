import { evaluateCoco, interpolatedPrCurve, type CocoClassResult, type CocoSummary } from "./coco-eval";
import { confusionMatrix, type ConfusionMatrix } from "./confusion";
import { imageAccuracy, type ImageAccuracy } from "./image-accuracy";
import { operatingPoints, type F1Curve, type OperatingPoint } from "./operating-point";
import { prepareEvaluation } from "./prepared";
import type { EvaluationInput } from "./types";
import { evaluateVoc } from "./voc-eval";

/** Every metric of one evaluation, as `npm run evaluate -- --json` prints it. -1 = undefined. */
export interface EvaluationReport extends CocoSummary {
  /** VOC all-point mAP at IoU 0.5, difficult boxes ignored */
  vocMAP50: number;
  classes: string[];
  images: number;
  detections: number;
  /** the confidence of the atConfidence operating points, the confusion matrix and image accuracy */
  confidence: number;
  perClass: ClassReport[];
  /** all classes pooled at one threshold (operating points at IoU 0.5, COCO matching) */
  micro: { numGt: number; atConfidence: OperatingPoint; bestF1: OperatingPoint | null };
  confusion: ConfusionMatrix;
  imageAccuracy: ImageAccuracy;
  curves: {
    perClass: Array<{ className: string; pr: { recall: number[]; precision: number[] }; f1: F1Curve }>;
    micro: { f1: F1Curve };
  };
}

/** A class's COCO results (as evaluateCoco gives them) with its VOC AP and operating points. */
export interface ClassReport extends CocoClassResult {
  /** VOC all-point AP@.50, and its non-difficult ground truths */
  vocAP50: number;
  vocNumGt: number;
  atConfidence: OperatingPoint;
  bestF1: OperatingPoint | null;
}

export function evaluateDetections(input: EvaluationInput, options: { confidence?: number; confusionIou?: number } = {}): EvaluationReport {
  const confidence = options.confidence ?? 0.25;
  const prepared = prepareEvaluation(input);
  const coco = evaluateCoco(prepared);
  const voc = evaluateVoc(prepared);
  const points = operatingPoints(coco.matches50, confidence);
  const perClass: ClassReport[] = coco.perClass.map((c, k) => ({
    className: c.className,
    numGt: c.numGt,
    numDetections: c.numDetections,
    AP: c.AP,
    AP50: c.AP50,
    AP75: c.AP75,
    AR100: c.AR100,
    vocAP50: voc.perClass[k]!.ap,
    vocNumGt: voc.perClass[k]!.numGt,
    atConfidence: points.perClass[k]!.atThreshold,
    bestF1: points.perClass[k]!.best,
  }));
  return {
    ...coco.summary,
    vocMAP50: voc.mAP50,
    classes: [...input.classes],
    images: input.images.length,
    detections: input.detections.length,
    confidence,
    perClass,
    micro: { numGt: points.micro.numGt, atConfidence: points.micro.atThreshold, bestF1: points.micro.best },
    confusion: confusionMatrix(prepared, { confidence, iouThreshold: options.confusionIou ?? 0.5 }),
    imageAccuracy: imageAccuracy(prepared, { threshold: confidence }),
    curves: {
      perClass: coco.perClass.map((c, k) => ({ className: c.className, pr: interpolatedPrCurve(coco, k), f1: points.perClass[k]!.f1Curve })),
      micro: { f1: points.micro.f1Curve },
    },
  };
}
