import * as tf from "@tensorflow/tfjs";
import { ONNX_ELEMENT_TYPES } from "./onnx-proto";
import { onnxModelBytes, type ConstantTensor, type NodeSpec, type ValueSpec } from "./test-graphs";

/**
 * A TF.js LayersModel (channels last) as ONNX nodes (channels first) with the same weights: the
 * layers Masklab's detectors are made of (Conv2D, DepthwiseConv2D as a group convolution, ReLU
 * with a cap as Clip, UpSampling2D, Cropping2D, Add, Concatenate, a Reshape that flattens the
 * spatial grid, and nested models). The face backbone's batch norms are already folded into its
 * convolutions, so none is emitted. Any other layer throws, naming it.
 */

/** Nodes and weights of a graph under construction. */
export interface OnnxGraphParts {
  nodes: NodeSpec[];
  initializers: Array<{ name: string } & ConstantTensor>;
}

/**
 * Where a converted value's axes sit: "nchw" for a TF.js [N, H, W, C] map; "ncp" for the
 * [N, P, C] points a spatial flatten gives, stored [N, C, P] so the flatten needs no transpose.
 */
type Layout = "nchw" | "ncp";
export interface ConvertedValue {
  name: string;
  layout: Layout;
  /** ONNX dims, batch 1 */
  dims: number[];
}

/** TF.js axis → ONNX axis, per layout. */
const AXES: Record<Layout, number[]> = { nchw: [0, 2, 3, 1], ncp: [0, 2, 1] };

export class UnsupportedLayerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnsupportedLayerError";
  }
}

function onnxDims(shape: tf.Shape): { layout: Layout; dims: number[] } {
  const known = shape.slice(1).map((d) => {
    if (d === null) throw new UnsupportedLayerError(`a tensor of shape [${shape.join(", ")}] has an unknown dimension; only fixed shapes convert`);
    return d;
  });
  if (known.length === 3) return { layout: "nchw", dims: [1, known[2]!, known[0]!, known[1]!] };
  if (known.length === 2) return { layout: "ncp", dims: [1, known[1]!, known[0]!] };
  throw new UnsupportedLayerError(`a tensor of rank ${shape.length} ([${shape.join(", ")}]); only image maps and point lists convert`);
}

function onnxAxis(value: ConvertedValue, tfAxis: number): number {
  return AXES[value.layout][tfAxis < 0 ? tfAxis + value.dims.length : tfAxis]!;
}

function concatenated(args: readonly ConvertedValue[], tfAxis: number): Pick<ConvertedValue, "layout" | "dims"> {
  const axis = onnxAxis(args[0]!, tfAxis);
  const dims = [...args[0]!.dims];
  dims[axis] = args.reduce((sum, a) => sum + a.dims[axis]!, 0);
  return { layout: args[0]!.layout, dims };
}

/** TF "same" padding: the total is split with the extra pixel at the end, as ONNX's SAME_UPPER does. */
function samePads(size: number, kernel: number, stride: number, dilation: number): [number, number] {
  const effective = (kernel - 1) * dilation + 1;
  const total = Math.max((Math.ceil(size / stride) - 1) * stride + effective - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

interface ConvConfig {
  kernelSize: number[];
  strides: number[];
  padding: string;
  dilationRate: number[] | number;
  activation: string;
  useBias: boolean;
  dataFormat: string;
}

/**
 * Emits `model`'s layers into `parts`, its inputs being the ONNX values `inputs` (in the order of
 * model.inputs, channels first); returns its outputs. Names are prefixed with `scope`.
 */
export function emitLayers(model: tf.LayersModel, inputs: readonly ConvertedValue[], parts: OnnxGraphParts, scope = ""): ConvertedValue[] {
  const values = new Map<number, ConvertedValue>();
  model.inputs.forEach((input, i) => values.set(input.id, inputs[i]!));
  const used = new Set<string>();
  const fresh = (base: string) => {
    let name = `${scope}${base}`;
    for (let n = 2; used.has(name); n++) name = `${scope}${base}_${n}`;
    used.add(name);
    return name;
  };
  const constant = (base: string, tensor: ConstantTensor) => {
    const name = fresh(base);
    parts.initializers.push({ name, ...tensor });
    return name;
  };

  const resolve = (symbolic: tf.SymbolicTensor): ConvertedValue => {
    const done = values.get(symbolic.id);
    if (done) return done;
    const layer = symbolic.sourceLayer;
    const node = layer.inboundNodes[symbolic.nodeIndex]!;
    const args = node.inputTensors.map(resolve);
    const outputs = layer instanceof tf.LayersModel ? emitLayers(layer, args, parts, `${scope}${layer.name}/`) : [emitLayer(layer, args, symbolic)];
    node.outputTensors.forEach((output, i) => values.set(output.id, outputs[i]!));
    return outputs[symbolic.tensorIndex]!;
  };

  const emitLayer = (layer: tf.layers.Layer, args: ConvertedValue[], symbolic: tf.SymbolicTensor): ConvertedValue => {
    const kind = layer.getClassName();
    const config = layer.getConfig() as Record<string, unknown>;
    const [x] = args as [ConvertedValue];
    // A flatten's and a concatenation of points' symbolic shapes leave the point count unknown: theirs come from their inputs.
    const out: ConvertedValue = { name: fresh(layer.name), ...(kind === "Reshape" ? { layout: "ncp", dims: [1, x.dims[1]!, x.dims[2]! * (x.dims[3] ?? 1)] } : kind === "Concatenate" ? concatenated(args, config.axis as number) : onnxDims(symbolic.shape)) };
    const emit = (op: string, inputs: string[], attributes?: NodeSpec["attributes"], output = out.name) => parts.nodes.push({ op, inputs, outputs: [output], attributes });
    switch (kind) {
      case "Conv2D":
      case "DepthwiseConv2D": {
        const c = config as unknown as ConvConfig;
        if (c.dataFormat !== "channelsLast") throw new UnsupportedLayerError(`${layer.name}: only channelsLast convolutions convert`);
        const [kernel, bias] = layer.getWeights();
        const [kh, kw] = c.kernelSize as [number, number];
        const dilations = typeof c.dilationRate === "number" ? [c.dilationRate, c.dilationRate] : c.dilationRate;
        const [, , inH, inW] = x.dims as [number, number, number, number];
        const [top, bottom] = c.padding === "same" ? samePads(inH, kh, c.strides[0]!, dilations[0]!) : [0, 0];
        const [left, right] = c.padding === "same" ? samePads(inW, kw, c.strides[1]!, dilations[1]!) : [0, 0];
        // TF.js kernels: Conv2D [kh, kw, in, out], DepthwiseConv2D [kh, kw, in, multiplier]; ONNX: [out, in / group, kh, kw].
        const depthwise = kind === "DepthwiseConv2D";
        const weight = tf.tidy(() => (depthwise ? tf.reshape(tf.transpose(kernel!, [2, 3, 0, 1]), [-1, 1, kh, kw]) : tf.transpose(kernel!, [3, 2, 0, 1])));
        const inputs = [x.name, constant(`${layer.name}_weight`, { dims: weight.shape, float: weight.dataSync() as Float32Array })];
        weight.dispose();
        if (c.useBias) inputs.push(constant(`${layer.name}_bias`, { dims: bias!.shape, float: bias!.dataSync() as Float32Array }));
        const activation = c.activation ?? "linear";
        const convOut = activation === "linear" ? out.name : fresh(`${layer.name}_linear`);
        emit("Conv", inputs, { kernel_shape: [kh, kw], strides: c.strides, dilations, pads: [top, left, bottom, right], group: depthwise ? x.dims[1]! : 1 }, convOut);
        if (activation === "relu") emit("Relu", [convOut]);
        else if (activation === "sigmoid") emit("Sigmoid", [convOut]);
        else if (activation !== "linear") throw new UnsupportedLayerError(`${layer.name}: activation "${activation}" does not convert`);
        return out;
      }
      case "ReLU": {
        if (config.threshold || config.negativeSlope) throw new UnsupportedLayerError(`${layer.name}: a ReLU with a threshold or a slope does not convert`);
        const cap = config.maxValue as number | null | undefined;
        if (cap === null || cap === undefined) emit("Relu", [x.name]);
        else emit("Clip", [x.name, constant(`${layer.name}_min`, { dims: [], float: [0] }), constant(`${layer.name}_max`, { dims: [], float: [cap] })]);
        return out;
      }
      case "UpSampling2D": {
        if (config.interpolation !== "nearest") throw new UnsupportedLayerError(`${layer.name}: only nearest upsampling converts`);
        const [sh, sw] = config.size as [number, number];
        // Resize's defaults (nearest, half_pixel, round_prefer_floor) repeat each pixel at integer scales, as TF.js does.
        emit("Resize", [x.name, "", constant(`${layer.name}_scales`, { dims: [4], float: [1, 1, sh, sw] })]);
        return out;
      }
      case "Cropping2D": {
        const [[top, bottom], [left, right]] = config.cropping as [[number, number], [number, number]];
        const [, , h, w] = x.dims as [number, number, number, number];
        const int64 = (base: string, values: number[]) => constant(`${layer.name}_${base}`, { dims: [values.length], int64: values });
        emit("Slice", [x.name, int64("starts", [top, left]), int64("ends", [h - bottom, w - right]), int64("axes", [2, 3])]);
        return out;
      }
      case "Add":
        if (args.length !== 2) throw new UnsupportedLayerError(`${layer.name}: only an Add of two converts`);
        emit("Add", args.map((a) => a.name));
        return out;
      case "Concatenate":
        emit("Concat", args.map((a) => a.name), { axis: onnxAxis(x, config.axis as number) });
        return out;
      case "Reshape": {
        const target = config.targetShape as Array<number | null>;
        const channels = x.dims[1]!;
        if (x.layout !== "nchw" || target.length !== 2 || (target[0] !== null && target[0] !== -1) || target[1] !== channels) {
          throw new UnsupportedLayerError(`${layer.name}: only a Reshape of [H, W, C] to [-1, C] (flattening the grid) converts`);
        }
        // [1, C, H, W] → [1, C, H·W]: points in row-major order, as TF.js's flatten of [H, W, C] lists them.
        emit("Reshape", [x.name, constant(`${layer.name}_shape`, { dims: [3], int64: [1, channels, -1] })]);
        return out;
      }
      default:
        throw new UnsupportedLayerError(`${layer.name}: ${kind} layers do not convert to ONNX`);
    }
  };

  return model.outputs.map(resolve);
}

/** Graph inputs for a model's inputs, channels first, batch 1, named as the model names them. */
export function onnxInputsOf(model: tf.LayersModel): ConvertedValue[] {
  return model.inputs.map((input) => ({ name: input.name.replace(/\W/g, "_"), ...onnxDims(input.shape) }));
}

export const floatValue = (value: Pick<ConvertedValue, "name" | "dims">): ValueSpec => ({ name: value.name, elementType: ONNX_ELEMENT_TYPES.float, dims: value.dims });

/** The whole model as an .onnx file: inputs and outputs channels first ([1, C, H, W]; point lists [1, C, P]). */
export function layersModelToOnnx(model: tf.LayersModel): Uint8Array {
  const parts: OnnxGraphParts = { nodes: [], initializers: [] };
  const inputs = onnxInputsOf(model);
  const outputs = emitLayers(model, inputs, parts);
  return onnxModelBytes({ producer: "masklab", inputs: inputs.map(floatValue), outputs: outputs.map(floatValue), ...parts });
}
