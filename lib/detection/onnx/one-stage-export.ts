import type * as tf from "@tensorflow/tfjs";
import type { ModelMetadata } from "@/lib/contracts/artifact";
import { pointGrid } from "../one-stage/points";
import { emitLayers, floatValue, onnxInputsOf, type OnnxGraphParts } from "./graph-from-layers";
import { onnxModelBytes } from "./test-graphs";

/**
 * A Masklab one-stage detector (lib/detection/one-stage) exported as an Ultralytics
 * YOLOv8-signature ONNX file: input `images` [1, 3, S, S] RGB 0–1 letterboxed, output `output0`
 * [1, 4+nc, N] (cx, cy, w, h in input pixels, then class probabilities). Every layer is the
 * TF.js model's with its weights (graph-from-layers); the graph then does what
 * one-stage/decode.ts does per point (softplus side distances × stride around the point,
 * sigmoid scores), so Masklab's YOLO decoding yields the same detections as the TF.js detector.
 */
export function oneStageToYoloOnnx(model: tf.LayersModel, metadata: ModelMetadata): Uint8Array {
  const size = metadata.inputSize;
  const numClasses = metadata.classes.length;
  const grid = pointGrid(size, metadata.strides);
  const n = grid.count;
  const parts: OnnxGraphParts = { nodes: [], initializers: [] };
  const constant = (name: string, dims: number[], float: ArrayLike<number>) => (parts.initializers.push({ name, dims, float }), name);
  const int64 = (name: string, values: number[]) => (parts.initializers.push({ name, dims: [values.length], int64: values }), name);
  const node = (op: string, inputs: string[], output: string, attributes?: Record<string, number>) => (parts.nodes.push({ op, inputs, outputs: [output], attributes }), output);

  // ONNX input is pixels/255; the model wants pixels/127.5 − 1 = 2·input − 1.
  const doubled = node("Mul", ["images", constant("two", [], [2])], "images_doubled");
  const normalized = node("Sub", [doubled, constant("one", [], [1])], "images_normalized");
  const [modelInput] = onnxInputsOf(model);
  const [raw] = emitLayers(model, [{ ...modelInput!, name: normalized }], parts, "model/");
  if (!raw || raw.layout !== "ncp" || raw.dims[1] !== 4 + numClasses || raw.dims[2] !== n) {
    throw new Error(`the model's output is ${raw ? `[${raw.dims.join(", ")}]` : "missing"}; a one-stage detector of ${numClasses} classes at ${size} px gives [1, ${4 + numClasses}, ${n}] points`);
  }

  const sides = node("Slice", [raw.name, int64("box_start", [0]), int64("box_end", [4]), int64("channel_axis", [1])], "side_logits");
  const logits = node("Slice", [raw.name, int64("class_start", [4]), int64("class_end", [4 + numClasses]), "channel_axis"], "class_logits");
  const distances = node("Mul", [node("Softplus", [sides], "side_strides"), constant("point_stride", [1, 1, n], grid.stride)], "side_pixels");
  // (left, top, right, bottom) → (cx − x, cy − y, w, h), then the point's own position added.
  const toCentreSize = constant("sides_to_centre_size", [4, 4], [-0.5, 0, 0.5, 0, 0, -0.5, 0, 0.5, 1, 0, 1, 0, 0, 1, 0, 1]);
  const offsets = node("MatMul", [toCentreSize, distances], "box_offsets");
  const origin = new Float32Array(4 * n);
  origin.set(grid.x, 0);
  origin.set(grid.y, n);
  const boxes = node("Add", [offsets, constant("point_origin", [1, 4, n], origin)], "boxes");
  const scores = node("Sigmoid", [logits], "scores");
  node("Concat", [boxes, scores], "output0", { axis: 1 });

  return onnxModelBytes({
    producer: "masklab",
    inputs: [floatValue({ name: "images", dims: [1, 3, size, size] })],
    outputs: [floatValue({ name: "output0", dims: [1, 4 + numClasses, n] })],
    ...parts,
  });
}
