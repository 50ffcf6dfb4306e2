import { ONNX_ATTRIBUTE_TYPES, ONNX_ELEMENT_TYPES, onnxModelType } from "./onnx-proto";

/**
 * Small ONNX graphs with the exact signatures of real exports, written with protobufjs, for
 * tests: their outputs are constants (carried through a few ops on the input), so the expected
 * detections can be worked out by hand. onnxModelBytes also writes the graphs that
 * graph-from-layers.ts exports from TF.js models.
 */

type Dim = number | string;
export interface ValueSpec {
  name: string;
  elementType: number;
  dims: Dim[];
}
export interface ConstantTensor {
  dims: number[];
  float?: ArrayLike<number>;
  int64?: ArrayLike<number>;
}
export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  attributes?: Record<string, number | number[] | ConstantTensor>;
  domain?: string;
}
export interface GraphSpec {
  opset?: number;
  inputs: ValueSpec[];
  outputs: ValueSpec[];
  nodes: NodeSpec[];
  initializers?: Array<{ name: string } & ConstantTensor>;
  /** who wrote the file (ModelProto.producer_name) */
  producer?: string;
}

const FLOAT = ONNX_ELEMENT_TYPES.float;
const INT64 = ONNX_ELEMENT_TYPES.int64;

function tensorProto(tensor: ConstantTensor, name?: string) {
  const floats = tensor.float ? new Float32Array(Array.from(tensor.float)) : undefined;
  return {
    name,
    dims: tensor.dims,
    data_type: floats ? FLOAT : INT64,
    ...(floats ? { raw_data: new Uint8Array(floats.buffer) } : { int64_data: Array.from(tensor.int64 ?? []) }),
  };
}

function valueInfo(spec: ValueSpec) {
  return { name: spec.name, type: { tensor_type: { elem_type: spec.elementType, shape: { dim: spec.dims.map((d) => (typeof d === "number" ? { dim_value: d } : { dim_param: d })) } } } };
}

function attribute(name: string, value: number | number[] | ConstantTensor) {
  if (typeof value === "number") return { name, i: value, type: ONNX_ATTRIBUTE_TYPES.int };
  if (Array.isArray(value)) return { name, ints: value, type: ONNX_ATTRIBUTE_TYPES.ints };
  return { name, t: tensorProto(value as ConstantTensor), type: ONNX_ATTRIBUTE_TYPES.tensor };
}

/** An .onnx file's bytes for this graph (IR version 8). */
export function onnxModelBytes(spec: GraphSpec): Uint8Array {
  const type = onnxModelType();
  const message = type.fromObject({
    ir_version: 8,
    producer_name: spec.producer ?? "masklab-tests",
    opset_import: [{ domain: "", version: spec.opset ?? 17 }],
    graph: {
      name: "test",
      node: spec.nodes.map((n, i) => ({ name: `n${i}`, op_type: n.op, input: n.inputs, output: n.outputs, domain: n.domain ?? "", attribute: Object.entries(n.attributes ?? {}).map(([k, v]) => attribute(k, v)) })),
      initializer: (spec.initializers ?? []).map((t) => tensorProto(t, t.name)),
      input: spec.inputs.map(valueInfo),
      output: spec.outputs.map(valueInfo),
    },
  });
  return type.encode(message).finish();
}

/** Nodes turning the input into a float scalar 0 (its mean times zero): outputs then depend on the input, as a real graph's do. */
function zeroFrom(input: string): NodeSpec[] {
  return [
    { op: "ReduceMean", inputs: [input], outputs: ["input_mean"], attributes: { keepdims: 0 } },
    { op: "Constant", inputs: [], outputs: ["zero"], attributes: { value: { dims: [], float: [0] } } },
    { op: "Mul", inputs: ["input_mean", "zero"], outputs: ["input_zero"] },
  ];
}

/**
 * An Ultralytics YOLOv8/11-signature graph: input `images` [1, 3, S, S] (or dynamic H, W),
 * output `output0` [1, 4+nc, N] whose candidates are `candidates` (each cx, cy, w, h in input
 * pixels, then nc scores). `layout: "v5"` gives YOLOv5's [1, N, 5+nc] instead (each candidate
 * then carries its objectness after the box).
 */
export function yoloGraph(options: { inputSize: number | "dynamic"; numClasses: number; candidates: number[][]; layout?: "v8" | "v5" }): Uint8Array {
  const { numClasses, candidates } = options;
  const width = options.layout === "v5" ? 5 + numClasses : 4 + numClasses;
  for (const c of candidates) if (c.length !== width) throw new Error(`a candidate needs ${width} values, got ${c.length}`);
  const n = candidates.length;
  // v8 is channels first: value k of candidate a at k·N + a.
  const values = options.layout === "v5" ? candidates.flat() : Array.from({ length: width * n }, (_, i) => candidates[i % n]![Math.floor(i / n)]!);
  const dims = options.layout === "v5" ? [1, n, width] : [1, width, n];
  const side: Dim = options.inputSize === "dynamic" ? "height" : options.inputSize;
  return onnxModelBytes({
    inputs: [{ name: "images", elementType: FLOAT, dims: [1, 3, side, options.inputSize === "dynamic" ? "width" : options.inputSize] }],
    outputs: [{ name: "output0", elementType: FLOAT, dims }],
    nodes: [...zeroFrom("images"), { op: "Constant", inputs: [], outputs: ["raw"], attributes: { value: { dims, float: values } } }, { op: "Add", inputs: ["raw", "input_zero"], outputs: ["output0"] }],
  });
}

/**
 * A torchvision Faster R-CNN-signature graph: input `images` [3, H, W] (any size, or fixed;
 * `batched` gives [1, 3, H, W]), outputs boxes [N, 4] (each box given as fractions of the input's
 * width and height, so they follow the input size), labels [N] int64, scores [N]. Its weights
 * include a box predictor for `numClasses` classes (cls_score [nc+1, 8], bbox_pred [4(nc+1), 8]),
 * which is where registration reads the class count from.
 */
export function torchvisionGraph(options: { size?: { width: number; height: number }; batched?: boolean; numClasses: number; boxes: number[][]; labels: number[]; scores: number[] }): Uint8Array {
  const { size, numClasses } = options;
  const n = options.boxes.length;
  const spatial: Dim[] = size ? [size.height, size.width] : ["height", "width"];
  const dims: Dim[] = options.batched ? [1, 3, ...spatial] : [3, ...spatial];
  // Shape(images) then [W, H, W, H] from its last two entries.
  const w = dims.length - 1;
  const h = dims.length - 2;
  return onnxModelBytes({
    inputs: [{ name: "images", elementType: FLOAT, dims }],
    outputs: [
      { name: "boxes", elementType: FLOAT, dims: ["N", 4] },
      { name: "labels", elementType: INT64, dims: ["N"] },
      { name: "scores", elementType: FLOAT, dims: ["N"] },
    ],
    initializers: [
      { name: "roi_heads.box_predictor.cls_score.weight", dims: [numClasses + 1, 8], float: new Array((numClasses + 1) * 8).fill(0) },
      { name: "roi_heads.box_predictor.bbox_pred.weight", dims: [4 * (numClasses + 1), 8], float: new Array(4 * (numClasses + 1) * 8).fill(0) },
    ],
    nodes: [
      { op: "Shape", inputs: ["images"], outputs: ["shape"] },
      { op: "Constant", inputs: [], outputs: ["whwh_index"], attributes: { value: { dims: [4], int64: [w, h, w, h] } } },
      { op: "Gather", inputs: ["shape", "whwh_index"], outputs: ["whwh_int"], attributes: { axis: 0 } },
      { op: "Cast", inputs: ["whwh_int"], outputs: ["whwh"], attributes: { to: FLOAT } },
      { op: "Constant", inputs: [], outputs: ["fractions"], attributes: { value: { dims: [n, 4], float: options.boxes.flat() } } },
      { op: "Mul", inputs: ["fractions", "whwh"], outputs: ["boxes"] },
      { op: "Constant", inputs: [], outputs: ["labels"], attributes: { value: { dims: [n], int64: options.labels } } },
      ...zeroFrom("images"),
      { op: "Constant", inputs: [], outputs: ["raw_scores"], attributes: { value: { dims: [n], float: options.scores } } },
      { op: "Add", inputs: ["raw_scores", "input_zero"], outputs: ["scores"] },
    ],
  });
}

/** An ImageNet-style classifier: [1, 3, 224, 224] → [1, 1000]. */
export function classifierGraph(): Uint8Array {
  return onnxModelBytes({
    inputs: [{ name: "images", elementType: FLOAT, dims: [1, 3, 224, 224] }],
    outputs: [{ name: "logits", elementType: FLOAT, dims: [1, 1000] }],
    nodes: [...zeroFrom("images"), { op: "Constant", inputs: [], outputs: ["raw"], attributes: { value: { dims: [1, 1000], float: new Array(1000).fill(0.001) } } }, { op: "Add", inputs: ["raw", "input_zero"], outputs: ["logits"] }],
  });
}

/** A YOLO-signature graph with one op ONNX Runtime does not have. */
export function unknownOpGraph(inputSize: number, numClasses: number): Uint8Array {
  return onnxModelBytes({
    inputs: [{ name: "images", elementType: FLOAT, dims: [1, 3, inputSize, inputSize] }],
    outputs: [{ name: "output0", elementType: FLOAT, dims: [1, 4 + numClasses, 1] }],
    nodes: [{ op: "MasklabImaginaryOp", inputs: ["images"], outputs: ["output0"] }],
  });
}
