import { describe, expect, it } from "vitest";
import { letterboxFor, toImageSpace, fitWithin, stretchFor } from "../common/letterbox";
import { DEFAULT_POSTPROCESS } from "../common/postprocess";
import { describeDims, readOnnxGraph, parameterCountOf } from "./onnx-graph";
import { onnxMetadataFor, OnnxSignatureError } from "./onnx-signature";
import { classifierGraph, torchvisionGraph, unknownOpGraph, yoloGraph } from "./test-graphs";
import { decodeTorchvisionOutputs } from "./torchvision-decode";
import { decodeYoloOutput, OnnxOutputError } from "./yolo-decode";

const CLASSES = ["with_mask", "without_mask", "mask_weared_incorrect"];
const SERVE = { ...DEFAULT_POSTPROCESS };
const EVALUATE = { ...DEFAULT_POSTPROCESS, scoreThreshold: 0.001, multiLabel: true };

/** YOLOv8's [1, 4+nc, N]: value k of candidate a at k·N + a. */
function v8Output(candidates: number[][]) {
  const n = candidates.length;
  const width = candidates[0]!.length;
  return { data: Float32Array.from({ length: width * n }, (_, i) => candidates[i % n]![Math.floor(i / n)]!), dims: [1, width, n] };
}

describe("decodeYoloOutput", () => {
  it("turns centre/size candidates (input pixels) into boxes, best class, thresholded", () => {
    const out = v8Output([
      [32, 32, 20, 10, 0.9, 0.1, 0.05],
      [10, 10, 4, 4, 0.1, 0.2, 0.1], // best score 0.2 < 0.25: dropped when serving
    ]);
    expect(decodeYoloOutput(out, 3, SERVE)).toEqual([{ box: { xmin: 22, ymin: 27, xmax: 42, ymax: 37 }, score: expect.closeTo(0.9, 6), classIndex: 0 }]);
  });

  it("maps boxes back through the letterbox of a non-square image (128×64 into 64: scale 0.5, 16 px of padding above and below)", () => {
    const letterbox = letterboxFor({ width: 128, height: 64 }, 64);
    expect(letterbox).toMatchObject({ scaledWidth: 64, scaledHeight: 32, padX: 0, padY: 16 });
    const [d] = decodeYoloOutput(v8Output([[32, 32, 20, 10, 0.9, 0.1, 0.05]]), 3, SERVE);
    // x: 22/0.5 = 44, 42/0.5 = 84; y: (27−16)/0.5 = 22, (37−16)/0.5 = 42
    expect(toImageSpace(d!.box, letterbox)).toEqual({ xmin: 44, ymin: 22, xmax: 84, ymax: 42 });
    // a tall image (64×128): padding left and right instead
    const tall = letterboxFor({ width: 64, height: 128 }, 64);
    expect(toImageSpace({ xmin: 22, ymin: 27, xmax: 42, ymax: 37 }, tall)).toEqual({ xmin: 12, ymin: 54, xmax: 52, ymax: 74 });
  });

  it("class-wise NMS: overlapping boxes of one class keep the best; another class at the same place survives when evaluating (multi-label), not when serving (one face, one box)", () => {
    const out = v8Output([
      [50, 50, 20, 20, 0.9, 0.0, 0.0],
      [51, 50, 20, 20, 0.8, 0.0, 0.0], // IoU 0.905 with the first, same class: suppressed
      [50, 51, 20, 20, 0.0, 0.7, 0.0], // same place, class 1
      [10, 10, 8, 8, 0.6, 0.0, 0.0], // elsewhere
    ]);
    const evaluated = decodeYoloOutput(out, 3, EVALUATE).filter((d) => d.score > 0.5);
    expect(evaluated.map((d) => [d.classIndex, Number(d.score.toFixed(2))])).toEqual([[0, 0.9], [1, 0.7], [0, 0.6]]);
    const served = decodeYoloOutput(out, 3, SERVE);
    expect(served.map((d) => [d.classIndex, Number(d.score.toFixed(2))])).toEqual([[0, 0.9], [0, 0.6]]);
  });

  it("reads YOLOv5's [1, N, 5+nc] with objectness × class probability", () => {
    const out = { data: Float32Array.from([32, 32, 20, 10, 0.5, 0.2, 0.8, 0.0]), dims: [1, 1, 8] };
    expect(decodeYoloOutput(out, 3, SERVE)).toEqual([{ box: { xmin: 22, ymin: 27, xmax: 42, ymax: 37 }, score: expect.closeTo(0.4, 6), classIndex: 1 }]);
  });

  it("refuses an output whose width does not fit the classes, naming what it must be", () => {
    expect(() => decodeYoloOutput({ data: new Float32Array(84), dims: [1, 84, 1] }, 3, SERVE)).toThrow(new OnnxOutputError("the YOLO output is [1, 84, 1]; for 3 classes it must be [1, 7, N] (YOLOv8/11: 4 box values + 3 class scores) or [1, N, 8] (YOLOv5)"));
  });
});

describe("decodeTorchvisionOutputs", () => {
  const outputs = (boxes: number[][], labels: number[], scores: number[]) => ({
    boxes: { data: Float32Array.from(boxes.flat()), dims: [boxes.length, 4] },
    labels: { data: BigInt64Array.from(labels.map(BigInt)), dims: [labels.length] },
    scores: { data: Float32Array.from(scores), dims: [scores.length] },
  });

  it("labels are 1-based (0 is background): label 2 is the second class; boxes stay x1, y1, x2, y2", () => {
    expect(decodeTorchvisionOutputs(outputs([[10, 20, 30, 40]], [2], [0.9]), 3, SERVE)).toEqual([{ box: { xmin: 10, ymin: 20, xmax: 30, ymax: 40 }, score: expect.closeTo(0.9, 6), classIndex: 1 }]);
  });

  it("applies Masklab's rules after the model's own NMS: threshold, one box per face when serving, per class when evaluating", () => {
    const o = outputs([[10, 10, 30, 30], [11, 10, 31, 30], [50, 50, 60, 60]], [1, 2, 3], [0.9, 0.8, 0.1]);
    expect(decodeTorchvisionOutputs(o, 3, SERVE).map((d) => d.classIndex)).toEqual([0]);
    expect(decodeTorchvisionOutputs(o, 3, EVALUATE).map((d) => d.classIndex)).toEqual([0, 1, 2]);
  });

  it("a label beyond the declared classes is an error, not a silent drop", () => {
    expect(() => decodeTorchvisionOutputs(outputs([[0, 0, 1, 1]], [91], [0.9]), 3, SERVE)).toThrow(/class id 91; with 3 classes \(plus background 0\) ids must be 1\.\.3/);
  });

  it("stretch and fit geometries map boxes back per axis", () => {
    expect(toImageSpace({ xmin: 20, ymin: 10, xmax: 60, ymax: 30 }, stretchFor({ width: 160, height: 40 }, 80, 40))).toEqual({ xmin: 40, ymin: 10, xmax: 120, ymax: 30 });
    const fit = fitWithin({ width: 2000, height: 1000 }, 1000);
    expect(fit).toMatchObject({ scaledWidth: 1000, scaledHeight: 500, padX: 0, padY: 0 });
    expect(toImageSpace({ xmin: 100, ymin: 100, xmax: 200, ymax: 150 }, fit)).toEqual({ xmin: 200, ymin: 200, xmax: 400, ymax: 300 });
    expect(fitWithin({ width: 300, height: 200 }, 1333)).toMatchObject({ scaledWidth: 300, scaledHeight: 200 }); // never enlarged
  });
});

describe("readOnnxGraph and onnxMetadataFor", () => {
  const yolo = yoloGraph({ inputSize: 64, numClasses: 3, candidates: [[32, 32, 20, 10, 0.9, 0.1, 0.05]] });

  it("reads opset, input and output shapes from the protobuf", () => {
    const graph = readOnnxGraph(yolo);
    expect(graph).toMatchObject({ irVersion: 8, opset: 17, inputs: [{ name: "images", elementType: 1, dims: [1, 3, 64, 64] }], outputs: [{ name: "output0", dims: [1, 7, 1] }] });
    const tv = readOnnxGraph(torchvisionGraph({ numClasses: 3, boxes: [[0, 0, 1, 1]], labels: [1], scores: [1] }));
    expect(describeDims(tv.inputs[0]!.dims)).toBe("[3, height, width]");
    expect(parameterCountOf(tv)).toBe(4 * 8 + 16 * 8);
  });

  it("a YOLO export: letterboxed to the graph's square input", () => {
    expect(onnxMetadataFor(readOnnxGraph(yolo), { kind: "yolo", classes: CLASSES })).toMatchObject({
      format: "masklab-onnx/1",
      kind: "yolo",
      inputSize: 64,
      input: { name: "images", layout: "nchw", height: 64, width: 64 },
      outputs: ["output0"],
      preprocessing: { resize: "letterbox", letterboxFill: 114, normalize: "pixels/255" },
    });
    expect(onnxMetadataFor(readOnnxGraph(yoloGraph({ inputSize: "dynamic", numClasses: 3, candidates: [] })), { kind: "yolo", classes: CLASSES, inputSize: 320 }).inputSize).toBe(320);
  });

  it("a torchvision export: any size → fit within 1333 px; fixed → stretched; batched [1, 3, H, W] too", () => {
    const spec = { numClasses: 3, boxes: [[0, 0, 1, 1]], labels: [1], scores: [1] };
    expect(onnxMetadataFor(readOnnxGraph(torchvisionGraph(spec)), { kind: "torchvision-frcnn", classes: CLASSES })).toMatchObject({ inputSize: 1333, input: { layout: "chw", height: null, width: null }, outputs: ["boxes", "labels", "scores"], preprocessing: { resize: "fit" } });
    expect(onnxMetadataFor(readOnnxGraph(torchvisionGraph({ ...spec, size: { width: 640, height: 480 }, batched: true })), { kind: "torchvision-frcnn", classes: CLASSES })).toMatchObject({ inputSize: 640, input: { layout: "nchw", height: 480, width: 640 }, preprocessing: { resize: "stretch" } });
  });

  it.each([
    ["a classification model as YOLO", classifierGraph(), "yolo", /the output "logits" is \[1, 1000\] \(a classification model\?\); a YOLO detector of 3 classes outputs \[1, 7, N\]/],
    ["a classification model as torchvision", classifierGraph(), "torchvision-frcnn", /has three outputs, boxes \[N, 4\], labels \[N\], scores \[N\]; the graph has 1: logits \[1, 1000\] \(a classification model\?\)/],
    ["an 80-class YOLO", yoloGraph({ inputSize: 64, numClasses: 80, candidates: [] }), "yolo", /the output "output0" is \[1, 84, 0\].*for the 3 declared classes \(with_mask, without_mask, mask_weared_incorrect\) it must be \[1, 7, N\]/],
    ["a 90-class torchvision model", torchvisionGraph({ numClasses: 90, boxes: [], labels: [], scores: [] }), "torchvision-frcnn", /box predictor has 91 outputs \(90 classes \+ background\); 3 classes were declared/],
    ["a YOLO graph as torchvision", yolo, "torchvision-frcnn", /a torchvision export's input is \[3, H, W\] or \[1, 3, H, W\]; "images" is \[1, 3, 64, 64\]|has three outputs/],
  ] as const)("refuses %s, naming what was expected", (_name, bytes, kind, message) => {
    expect(() => onnxMetadataFor(readOnnxGraph(bytes), { kind, classes: CLASSES })).toThrow(OnnxSignatureError);
    expect(() => onnxMetadataFor(readOnnxGraph(bytes), { kind, classes: CLASSES })).toThrow(message);
  });

  it("refuses an input size that contradicts the graph's", () => {
    expect(() => onnxMetadataFor(readOnnxGraph(yolo), { kind: "yolo", classes: CLASSES, inputSize: 640 })).toThrow("the graph's input is 64×64, but an input size of 640 was declared");
  });

  it("refuses bytes that are not ONNX, or a truncated model", () => {
    expect(() => readOnnxGraph(new TextEncoder().encode("<html>not a model</html>"))).toThrow(/not ONNX, or truncated|is not an ONNX model/);
    expect(() => readOnnxGraph(yolo.subarray(0, Math.floor(yolo.length / 2)))).toThrow(/not ONNX, or truncated/);
    expect(() => readOnnxGraph(new Uint8Array(0))).toThrow(/is not an ONNX model/);
    // an op ONNX Runtime lacks still reads: the runtime refuses it at registration
    expect(readOnnxGraph(unknownOpGraph(64, 3)).ops).toEqual(["MasklabImaginaryOp"]);
  });
});
