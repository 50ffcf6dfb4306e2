import { DEFAULT_POSTPROCESS } from "../common/postprocess";
import { LETTERBOX_FILL } from "../common/preprocess";
import type { OnnxModelKind, OnnxModelMetadata } from "@/lib/contracts/artifact";
import { describeDims, type OnnxDimension, type OnnxGraphSummary, type OnnxValueInfo } from "./onnx-graph";
import { ONNX_ELEMENT_TYPES } from "./onnx-proto";
import { expectedYoloOutput, yoloLayoutOf } from "./yolo-decode";

/** What the uploader says the model is. */
export interface DeclaredOnnxModel {
  kind: OnnxModelKind;
  /** class names in the order of the model's class ids */
  classes: readonly string[];
  /** the input side; needed only when the graph takes any size (else read from the graph, and checked when given) */
  inputSize?: number;
}

/** Oldest opset accepted: torchvision's detection exports need 11, Ultralytics' default is newer. */
export const MIN_ONNX_OPSET = 11;
/** YOLO exported with a dynamic input size (`dynamic=True`): Ultralytics' default image size. */
export const DEFAULT_YOLO_INPUT_SIZE = 640;
/** torchvision with any input size: its transform's own max_size, so typical photos reach the model as torchvision would resize them. */
export const DEFAULT_TORCHVISION_MAX_SIDE = 1333;

/** The graph does not match what was declared; the message names what was expected and what the graph has. */
export class OnnxSignatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OnnxSignatureError";
  }
}

const fail = (message: string): never => {
  throw new OnnxSignatureError(message);
};
const known = (d: OnnxDimension): d is number => typeof d === "number";

/**
 * Checks an ONNX graph's signature against the declared kind and classes and returns the
 * masklab.json that runs it. Everything checkable without running the model is checked here:
 * opset, one float image input of the kind's layout, the outputs' count and shapes, and the
 * class count where the graph reveals it (YOLO's output width, torchvision's box predictor).
 */
export function onnxMetadataFor(graph: OnnxGraphSummary, declared: DeclaredOnnxModel): OnnxModelMetadata {
  const classes = [...declared.classes];
  if (classes.length === 0) fail("declare the model's classes, in the order of its class ids");
  if (graph.opset < MIN_ONNX_OPSET) fail(`the graph uses opset ${graph.opset}; Masklab needs opset ${MIN_ONNX_OPSET} or newer (export with opset=17)`);
  if (graph.inputs.length !== 1) fail(`a ${declared.kind} model has one image input; the graph has ${graph.inputs.length} (${graph.inputs.map((i) => `${i.name} ${describeDims(i.dims)}`).join(", ")})`);
  const input = graph.inputs[0]!;
  if (input.elementType !== ONNX_ELEMENT_TYPES.float) fail(`the input "${input.name}" must be float32 (element type 1); it is element type ${input.elementType}${input.elementType === ONNX_ELEMENT_TYPES.float16 ? " (float16: export without half=True)" : ""}`);
  const common = { format: "masklab-onnx/1" as const, kind: declared.kind, classes, opset: graph.opset, postprocessing: DEFAULT_POSTPROCESS };
  return declared.kind === "yolo" ? { ...common, ...yoloSignature(graph, input, declared) } : { ...common, ...torchvisionSignature(graph, input, declared) };
}

function yoloSignature(graph: OnnxGraphSummary, input: OnnxValueInfo, declared: DeclaredOnnxModel): Pick<OnnxModelMetadata, "inputSize" | "input" | "outputs" | "preprocessing"> {
  const dims = input.dims ?? fail(`the input "${input.name}" declares no shape; a YOLO export's is [1, 3, H, W]`);
  if (dims.length !== 4 || (known(dims[1]!) && dims[1] !== 3) || (known(dims[0]!) && dims[0] !== 1)) fail(`a YOLO export's input is [1, 3, H, W] (RGB); "${input.name}" is ${describeDims(dims)}`);
  const inputSize = squareSide(dims[2]!, dims[3]!, input, declared.inputSize, DEFAULT_YOLO_INPUT_SIZE);
  const numClasses = declared.classes.length;
  if (graph.outputs.length !== 1) fail(`a YOLO detection export has one output ${expectedYoloOutput(numClasses)}; the graph has ${graph.outputs.length}: ${graph.outputs.map((o) => `${o.name} ${describeDims(o.dims)}`).join(", ")} (a segmentation or pose model?)`);
  const output = graph.outputs[0]!;
  const outDims = output.dims;
  if (outDims && outDims.length !== 3) fail(`the output "${output.name}" is ${describeDims(outDims)}${outDims.length === 2 ? " (a classification model?)" : ""}; a YOLO detector of ${numClasses} classes outputs ${expectedYoloOutput(numClasses)}`);
  if (outDims && outDims.slice(1).every(known) && !yoloLayoutOf(outDims, numClasses)) {
    const [, a, b] = outDims as number[];
    const guess = a! > 4 && a! < b! ? `a YOLOv8/11 detector of ${a! - 4} classes` : b! > 5 ? `a YOLOv5 detector of ${b! - 5} classes, or something else` : "not a YOLO detector";
    fail(`the output "${output.name}" is ${describeDims(outDims)} (${guess}); for the ${numClasses} declared classes (${declared.classes.join(", ")}) it must be ${expectedYoloOutput(numClasses)}`);
  }
  return {
    inputSize,
    input: { name: input.name, layout: "nchw", height: known(dims[2]!) ? dims[2] : null, width: known(dims[3]!) ? dims[3] : null },
    outputs: [output.name],
    preprocessing: { resize: "letterbox", letterboxFill: LETTERBOX_FILL, normalize: "pixels/255" },
  };
}

/** torchvision's box predictor: cls_score [K, C] and bbox_pred [4K, C] (Gemm weights; transposed for MatMul), K = classes + background. */
export function torchvisionClassCount(graph: OnnxGraphSummary): number | null {
  const matrices = graph.initializerShapes.filter((d) => d.length === 2);
  for (const [k, c] of matrices) {
    if (matrices.some(([rows, cols]) => rows === 4 * k! && cols === c)) return k! - 1;
  }
  for (const [c, k] of matrices) {
    if (matrices.some(([rows, cols]) => rows === c && cols === 4 * k!)) return k! - 1;
  }
  return null;
}

function torchvisionSignature(graph: OnnxGraphSummary, input: OnnxValueInfo, declared: DeclaredOnnxModel): Pick<OnnxModelMetadata, "inputSize" | "input" | "outputs" | "preprocessing"> {
  const dims = input.dims ?? fail(`the input "${input.name}" declares no shape; a torchvision export's is [3, H, W] or [1, 3, H, W]`);
  const layout = dims.length === 3 ? "chw" : dims.length === 4 && (!known(dims[0]!) || dims[0] === 1) ? "nchw" : fail(`a torchvision export's input is [3, H, W] or [1, 3, H, W]; "${input.name}" is ${describeDims(dims)}`);
  const [channels, height, width] = dims.slice(-3) as OnnxDimension[];
  if (known(channels!) && channels !== 3) fail(`the input "${input.name}" is ${describeDims(dims)}: 3 channels (RGB) expected`);
  const fixed = known(height!) && known(width!);
  const inputSize = fixed ? Math.max(height, width) : (declared.inputSize ?? DEFAULT_TORCHVISION_MAX_SIDE);
  if (fixed && declared.inputSize !== undefined && declared.inputSize !== inputSize) fail(`the graph's input is fixed at ${width}×${height}, but an input size of ${declared.inputSize} was declared`);

  const expected = "boxes [N, 4], labels [N], scores [N]";
  if (graph.outputs.length !== 3) fail(`a torchvision Faster R-CNN export has three outputs, ${expected}; the graph has ${graph.outputs.length}: ${graph.outputs.map((o) => `${o.name} ${describeDims(o.dims)}`).join(", ")}${graph.outputs.length === 1 && graph.outputs[0]!.dims?.length === 2 ? " (a classification model?)" : ""}`);
  const byName = ["boxes", "labels", "scores"].map((name) => graph.outputs.find((o) => o.name === name));
  const [boxes, labels, scores] = byName.every(Boolean) ? (byName as OnnxValueInfo[]) : graph.outputs;
  const rankIs = (o: OnnxValueInfo, rank: number) => !o.dims || o.dims.length === rank;
  if (!rankIs(boxes!, 2) || (boxes!.dims && known(boxes!.dims[1]!) && boxes!.dims[1] !== 4) || !rankIs(labels!, 1) || !rankIs(scores!, 1) || labels!.elementType !== ONNX_ELEMENT_TYPES.int64) {
    fail(`the outputs must be ${expected} (labels int64), named so or in that order; the graph has ${graph.outputs.map((o) => `${o.name} ${describeDims(o.dims)}`).join(", ")}`);
  }
  const graphClasses = torchvisionClassCount(graph);
  if (graphClasses !== null && graphClasses !== declared.classes.length) {
    fail(`the model's box predictor has ${graphClasses + 1} outputs (${graphClasses} classes + background); ${declared.classes.length} classes were declared (${declared.classes.join(", ")})`);
  }
  return {
    inputSize,
    input: { name: input.name, layout, height: fixed ? height : null, width: fixed ? width : null },
    outputs: [boxes!.name, labels!.name, scores!.name],
    preprocessing: { resize: fixed ? "stretch" : "fit", letterboxFill: LETTERBOX_FILL, normalize: "pixels/255" },
  };
}

/** The square side of a letterboxed input: the graph's when fixed (and checked against the declared one), else the declared one or `fallback`. */
function squareSide(height: OnnxDimension, width: OnnxDimension, input: OnnxValueInfo, declaredSize: number | undefined, fallback: number): number {
  if (known(height) && known(width)) {
    if (height !== width) fail(`the input "${input.name}" is ${width}×${height}; Masklab letterboxes into a square: export with a square imgsz (e.g. imgsz=640)`);
    if (declaredSize !== undefined && declaredSize !== height) fail(`the graph's input is ${height}×${width}, but an input size of ${declaredSize} was declared`);
    return height;
  }
  return declaredSize ?? fallback;
}
