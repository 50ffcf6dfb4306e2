import { z } from "zod";
import { ARCHITECTURES, DETECTOR_FAMILY_CATALOGUE, familyOfArchitecture } from "@/lib/domain/detector-families";
import { firstIssue } from "@/lib/domain/validation-message";

/** The files of a model artifact: TF.js's own LayersModel format (model.json naming weights.bin) plus masklab.json. */
export const ARTIFACT_FILES = ["model.json", "weights.bin", "masklab.json"] as const;
export type ArtifactFileName = (typeof ARTIFACT_FILES)[number];
export type ArtifactFiles = Record<ArtifactFileName, Uint8Array>;

/** Serving's post-processing, recorded with every model (lib/detection/common/postprocess.ts). */
const postprocessingSchema = z.object({ scoreThreshold: z.number().min(0).max(1), iouThreshold: z.number().min(0).max(1), maxDetections: z.number().int().positive() });

/** How a judged face is scored (lib/detection/judge/rescore.ts). */
export const JUDGE_SCORINGS = ["product", "geometric-mean"] as const;
export type JudgeScoring = (typeof JUDGE_SCORINGS)[number];

/**
 * The mask judge (lib/detection/judge/mask-judge.ts): each found face is cropped from the
 * full-resolution photo, read by the model's own backbone at `cropSize` px, and classified by
 * this linear layer over the pooled features. Faces scoring under `minFaceScore` are dropped
 * unjudged (they would barely move a precision-recall curve, and judging costs a backbone pass).
 */
export const maskJudgeSchema = z.object({
  cropSize: z.number().int().min(32).max(512),
  margin: z.number().min(0).max(1),
  minFaceScore: z.number().min(0).max(1),
  /** features × columns (the classes, then not a face with `background`), row by row */
  weights: z.array(z.number()).min(1),
  bias: z.array(z.number()).min(1),
  /**
   * also reads each face mirrored and averages the two views' probabilities (judges trained from
   * this field on; a face and its mirror image wear the same mask). Absent in older models: one view.
   */
  mirrored: z.boolean().default(false),
  /**
   * how a judged face's score combines the face's and its class's: `product` face × p(class)
   * (older models), `geometric-mean` √(face × p(class)): the same ranking, so the same AP, on the
   * scale of a detector's own scores, which serving's threshold was chosen for.
   */
  scoring: z.enum(JUDGE_SCORINGS).default("product"),
  /**
   * the layer has one column more than the classes, last: not a face (trained on the detector's
   * false finds), so p(class) is also the chance that the find is a face. Absent in older models.
   */
  background: z.boolean().default(false),
  /**
   * the overlap (IoU) above which a fainter found face is dropped as the same face before judging,
   * in place of the detector's own NMS overlap: a duplicate box judged `mask_weared_incorrect`
   * counts as a false find of the rarest class. Absent in older models: the detector's.
   */
  faceIou: z.number().gt(0).max(1).optional(),
});
export type MaskJudge = z.infer<typeof maskJudgeSchema>;

/** The judge layer's columns: one per class, and one for not a face when it has `background`. */
export function judgeColumns(judge: Pick<MaskJudge, "background">, numClasses: number): number {
  return numClasses + (judge.background ? 1 : 0);
}

/**
 * masklab.json: what a model version carries besides its weights, everything inference needs, so
 * the worker, the server and the browser run it the same way without knowing how it was trained.
 * Training writes it; serving, the browser and `npm run predict` parse it before running a model.
 */
export const modelMetadataSchema = z
  .object({
    format: z.literal("masklab-detector/1"),
    architecture: z.enum(ARCHITECTURES),
    width: z.string(),
    backbone: z.string(),
    classes: z.array(z.string()).min(1),
    inputSize: z.number().int().positive(),
    strides: z.array(z.number().int().positive()),
    preprocessing: z.object({ letterboxFill: z.number(), normalize: z.literal("pixels/127.5-1") }),
    postprocessing: postprocessingSchema,
    /** two-stage models: the RPN's anchors per level (sizes in input pixels) and their height/width ratios */
    anchors: z.object({ levels: z.array(z.object({ stride: z.number().int().positive(), sizes: z.array(z.number().positive()).min(1) })).min(1), ratios: z.array(z.number().positive()).min(1) }).optional(),
    /** set when the model judges masks on full-resolution face crops: its detector then only finds faces */
    judge: maskJudgeSchema.optional(),
  })
  .refine((m) => !DETECTOR_FAMILY_CATALOGUE[familyOfArchitecture(m.architecture)].anchors || m.anchors !== undefined, {
    message: "an anchor-based model needs its anchors in masklab.json",
    path: ["anchors"],
  })
  .refine((m) => !m.judge || (m.judge.bias.length === judgeColumns(m.judge, m.classes.length) && m.judge.weights.length % m.judge.bias.length === 0), {
    message: "the mask judge needs one bias and one weight column per class (and one for not a face, with background)",
    path: ["judge"],
  });
export type ModelMetadata = z.infer<typeof modelMetadataSchema>;

/** A masklab.json this version cannot run a model by: not JSON, another format, or a field missing or out of range. */
export class ModelMetadataError extends Error {
  constructor(problem: string) {
    super(`masklab.json does not describe a model this version of Masklab can run (${problem})`);
    this.name = "ModelMetadataError";
  }
}

/** masklab.json's bytes, parsed and checked; anything else throws ModelMetadataError naming the first problem. */
export function parseModelMetadata(bytes: Uint8Array): ModelMetadata {
  return parseMetadataWith(modelMetadataSchema, bytes);
}

function parseMetadataWith<T>(schema: z.ZodType<T>, bytes: Uint8Array): T {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new ModelMetadataError(`not JSON: ${(error as Error).message}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ModelMetadataError(firstIssue(parsed.error));
  return parsed.data;
}

/**
 * ONNX detectors brought in from elsewhere (a model version's `kind` when its format is "onnx"):
 * - "yolo": an Ultralytics YOLOv5/v8/11 export (`yolo export format=onnx`), letterboxed input,
 *   one output of raw candidates that Masklab selects and suppresses itself;
 * - "torchvision-frcnn": a torchvision Faster R-CNN export, outputs boxes, labels, scores after
 *   the model's own NMS.
 */
export const ONNX_MODEL_KINDS = ["yolo", "torchvision-frcnn"] as const;
export type OnnxModelKind = (typeof ONNX_MODEL_KINDS)[number];

/** An ONNX model version's artifact: the graph as uploaded, and its masklab.json. */
export const ONNX_ARTIFACT_FILES = ["model.onnx", "masklab.json"] as const;
export type OnnxArtifactFileName = (typeof ONNX_ARTIFACT_FILES)[number];
export type OnnxArtifactFiles = Record<OnnxArtifactFileName, Uint8Array>;

/**
 * masklab.json of an ONNX model: what registration verified about the graph, so every runtime
 * (onnxruntime-node on the server, onnxruntime-web in the browser) feeds and decodes it alike.
 */
export const onnxModelMetadataSchema = z.object({
  format: z.literal("masklab-onnx/1"),
  kind: z.enum(ONNX_MODEL_KINDS),
  classes: z.array(z.string()).min(1),
  /** yolo: the square letterbox side; torchvision with a fixed input: its longer side; with any input size: the longest side images are scaled down to */
  inputSize: z.number().int().positive(),
  opset: z.number().int().nonnegative(),
  input: z.object({
    name: z.string(),
    /** "nchw": [1, 3, H, W]; "chw": [3, H, W] (torchvision's list-of-images export) */
    layout: z.enum(["nchw", "chw"]),
    /** fixed height and width, or null when the graph takes any size */
    height: z.number().int().positive().nullable(),
    width: z.number().int().positive().nullable(),
  }),
  /** yolo: the one output; torchvision: boxes, labels, scores, in that order */
  outputs: z.array(z.string()).min(1).max(3),
  preprocessing: z.object({
    /** letterbox: scaled into the square with padding (YOLO); stretch: to the fixed input size; fit: scaled down to inputSize on the longer side, no padding */
    resize: z.enum(["letterbox", "stretch", "fit"]),
    letterboxFill: z.number(),
    normalize: z.literal("pixels/255"),
  }),
  postprocessing: postprocessingSchema,
});
export type OnnxModelMetadata = z.infer<typeof onnxModelMetadataSchema>;

/** The metadata a loaded detector carries, whatever its format. */
export type DetectorMetadata = ModelMetadata | OnnxModelMetadata;

/** An ONNX model's masklab.json, parsed and checked; anything else throws ModelMetadataError. */
export function parseOnnxModelMetadata(bytes: Uint8Array): OnnxModelMetadata {
  return parseMetadataWith(onnxModelMetadataSchema, bytes);
}
