import { onnxModelType } from "./onnx-proto";

/** A dimension of a graph input or output: a number when fixed, the symbol's name when dynamic, null when unknown. */
export type OnnxDimension = number | string | null;

export interface OnnxValueInfo {
  name: string;
  /** ONNX's TensorProto.DataType (1 float, 7 int64, …); 0 when the graph does not say */
  elementType: number;
  /** null: the graph declares no shape */
  dims: OnnxDimension[] | null;
}

/** What registration reads from an .onnx file before running it. */
export interface OnnxGraphSummary {
  irVersion: number;
  /** the default (ai.onnx) domain's opset */
  opset: number;
  producer: string;
  /** the graph's inputs without its initializers (older exports list weights as inputs too) */
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  /** every initializer's dims (weights), for the parameter count and the class-count check */
  initializerShapes: number[][];
  /** op types used, sorted */
  ops: string[];
}

/** The bytes are not an ONNX model this reader can make sense of (not protobuf, truncated, no graph). */
export class OnnxFormatError extends Error {
  constructor(problem: string) {
    super(problem);
    this.name = "OnnxFormatError";
  }
}

/** Set in the bytes (protobufjs puts proto2 defaults on the prototype, so a plain read cannot tell). */
const own = (message: object, field: string) => Object.prototype.hasOwnProperty.call(message, field);

type Long = { toNumber(): number };
const numberOf = (value: number | Long | null | undefined): number => (value == null ? 0 : typeof value === "number" ? value : value.toNumber());

interface DecodedValueInfo {
  name?: string;
  type?: { tensor_type?: { elem_type?: number; shape?: { dim?: Array<{ dim_value?: number | Long; dim_param?: string }> } } };
}
interface DecodedModel {
  ir_version?: number | Long;
  producer_name?: string;
  producer_version?: string;
  opset_import?: Array<{ domain?: string; version?: number | Long }>;
  graph?: { node?: Array<{ op_type?: string; domain?: string }>; initializer?: Array<{ name?: string; dims?: Array<number | Long> }>; input?: DecodedValueInfo[]; output?: DecodedValueInfo[] };
}

/**
 * Reads an ONNX model's signature from its bytes: IR version, opset, inputs and outputs with
 * their shapes, initializer shapes and the ops used. Throws OnnxFormatError when the bytes do
 * not decode (not protobuf, truncated) or decode to something without a graph.
 */
export function readOnnxGraph(bytes: Uint8Array): OnnxGraphSummary {
  let model: DecodedModel;
  try {
    model = onnxModelType().decode(bytes) as unknown as DecodedModel;
  } catch (error) {
    throw new OnnxFormatError(`the file does not decode as an ONNX model (${(error as Error).message}): not ONNX, or truncated`);
  }
  const graph = model.graph;
  const irVersion = numberOf(model.ir_version);
  if (!graph || irVersion < 1 || !graph.output?.length || !graph.node?.length) {
    throw new OnnxFormatError("the file is not an ONNX model: it has no graph with nodes and outputs (is it an ONNX export, whole and untruncated?)");
  }
  const initializers = graph.initializer ?? [];
  const initializerNames = new Set(initializers.map((t) => t.name ?? ""));
  const defaultOpset = (model.opset_import ?? []).find((o) => !o.domain || o.domain === "ai.onnx");
  return {
    irVersion,
    opset: numberOf(defaultOpset?.version),
    producer: [model.producer_name, model.producer_version].filter(Boolean).join(" "),
    inputs: (graph.input ?? []).filter((i) => !initializerNames.has(i.name ?? "")).map(valueInfoOf),
    outputs: graph.output.map(valueInfoOf),
    initializerShapes: initializers.map((t) => (t.dims ?? []).map(numberOf)),
    ops: [...new Set(graph.node.map((n) => (n.domain ? `${n.domain}.${n.op_type}` : (n.op_type ?? ""))))].sort(),
  };
}

function valueInfoOf(info: DecodedValueInfo): OnnxValueInfo {
  const tensor = info.type && own(info.type, "tensor_type") ? info.type.tensor_type : undefined;
  return {
    name: info.name ?? "",
    elementType: tensor?.elem_type ?? 0,
    dims: tensor && own(tensor, "shape") ? (tensor.shape!.dim ?? []).map((d) => (own(d, "dim_value") ? numberOf(d.dim_value) : own(d, "dim_param") ? d.dim_param! : null)) : null,
  };
}

/** Weights in the graph: the element count of every initializer. */
export function parameterCountOf(summary: OnnxGraphSummary): number {
  return summary.initializerShapes.reduce((sum, dims) => sum + dims.reduce((n, d) => n * d, 1), 0);
}

/** "[1, 3, 640, 640]", "[1, 7, N]" for dynamic ones: how errors show a shape. */
export function describeDims(dims: readonly OnnxDimension[] | null): string {
  return dims ? `[${dims.map((d) => (d === null ? "?" : d)).join(", ")}]` : "[unknown shape]";
}
