import * as tf from "@tensorflow/tfjs";

/**
 * The gradient kernels the TF.js wasm backend lacks (4.22), so models train on wasm: each is
 * built from wasm's own fast forward ops (XNNPACK convolutions, scatter). Checked against the cpu
 * backend in wasm-training-kernels.test.ts. Ops called inside a kernel are tracked by the
 * enclosing tidy (gradients and optimizers always run in one), so nothing leaks.
 */
const BACKEND = "wasm";

type Pair = [number, number];
type KernelArgs = { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: { incRef(dataId: object): void } };

/**
 * A kernel input as a Tensor for ops to use. The wrapper takes its own reference on the data, so
 * disposing it (the enclosing tidy does) never frees the caller's tensor.
 */
function input(args: KernelArgs, name: string): tf.Tensor {
  const info = args.inputs[name]!;
  args.backend.incRef(info.dataId);
  return tf.engine().makeTensorFromTensorInfo(info);
}
const pair = (value: number | Pair): Pair => (Array.isArray(value) ? value : [value, value]);

/** Padding of the forward convolution, exactly as TF.js computed it. */
function forwardPadding(xShape: [number, number, number, number], filterShape: [number, number, number, number], strides: number | Pair, dilations: number | Pair, pad: tf.backend_util.PadInfo | unknown, roundingMode: "floor" | "round" | "ceil" | undefined, depthwise: boolean) {
  const info = tf.backend_util.computeConv2DInfo(xShape, filterShape, strides, dilations, pad as "same", roundingMode, depthwise);
  return info.padInfo;
}

/** dW of a convolution: correlate the input with dy, the roles of stride and dilation swapped. */
function conv2dBackpropFilter(args: KernelArgs): tf.TensorInfo {
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  if (dataFormat === "NCHW") throw new Error("Conv2DBackpropFilter on wasm supports NHWC only");
  const x = input(args, "x") as tf.Tensor4D;
  const dy = input(args, "dy") as tf.Tensor4D;
  const [kh, kw] = filterShape;
  const [sh, sw] = pair(strides);
  const padInfo = forwardPadding(x.shape, filterShape, strides, 1, pad, dimRoundingMode, false);
  // [Cin, H, W, N] correlated with [Ho, Wo, N, Cout] → [Cin, ≥kh, ≥kw, Cout]
  const xT = tf.transpose(x, [3, 1, 2, 0]);
  const dyFilter = tf.transpose(dy, [1, 2, 0, 3]);
  const full = tf.conv2d(xT, dyFilter, 1, [[0, 0], [padInfo.top, padInfo.bottom], [padInfo.left, padInfo.right], [0, 0]], "NHWC", [sh, sw]);
  const sliced = tf.slice(full, [0, 0, 0, 0], [-1, kh, kw, -1]);
  return tf.transpose(sliced, [1, 2, 0, 3]);
}

/**
 * dx of a convolution: dy spread by the stride, padded, correlated with the filter flipped and its
 * channel axes swapped. Replaces wasm's own Conv2DBackpropInput, a plain loop that was 5× slower
 * than everything else in a training step together.
 */
function conv2dBackpropInput(args: KernelArgs): tf.TensorInfo {
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
  if (dataFormat === "NCHW") throw new Error("Conv2DBackpropInput on wasm supports NHWC only");
  const dy = input(args, "dy") as tf.Tensor4D;
  const filter = input(args, "filter") as tf.Tensor4D;
  const [kh, kw] = filter.shape;
  const [, height, width] = inputShape;
  const padInfo = forwardPadding(inputShape, filter.shape, strides, 1, pad, dimRoundingMode, false);
  const spread = spreadByStride(dy, pair(strides));
  const [, spreadHeight, spreadWidth] = spread.shape;
  const top = kh - 1 - padInfo.top;
  const left = kw - 1 - padInfo.left;
  const flipped = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]);
  return tf.conv2d(spread, flipped, 1, [[0, 0], [top, height - spreadHeight + padInfo.top], [left, width - spreadWidth + padInfo.left], [0, 0]]);
}

/** dy with stride − 1 zeros between its values, as the forward stride skipped them. */
function spreadByStride(dy: tf.Tensor4D, [sh, sw]: Pair): tf.Tensor4D {
  if (sh === 1 && sw === 1) return dy;
  const [batch, outHeight, outWidth, channels] = dy.shape;
  const holes = tf.pad(tf.reshape(dy, [batch, outHeight, 1, outWidth, 1, channels]), [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]);
  return tf.slice(tf.reshape(holes, [batch, outHeight * sh, outWidth * sw, channels]) as tf.Tensor4D, [0, 0, 0, 0], [batch, (outHeight - 1) * sh + 1, (outWidth - 1) * sw + 1, channels]);
}

/** dW of a depthwise convolution (channel multiplier 1): one correlation per channel, batched as channels. */
function depthwiseBackpropFilter(args: KernelArgs): tf.TensorInfo {
  const { strides, dilations, pad, dimRoundingMode, filterShape } = args.attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
  const [kh, kw, channels, multiplier] = filterShape;
  if (multiplier !== 1) throw new Error("DepthwiseConv2dNativeBackpropFilter on wasm supports channel multiplier 1 only");
  const x = input(args, "x") as tf.Tensor4D;
  const dy = input(args, "dy") as tf.Tensor4D;
  const [batch, height, width] = x.shape;
  const [, outHeight, outWidth] = dy.shape;
  const padInfo = forwardPadding(x.shape, filterShape, strides, dilations, pad, dimRoundingMode, true);
  // Each (image, channel) pair becomes one channel of a single-image depthwise correlation.
  const xR = tf.reshape(tf.transpose(x, [1, 2, 0, 3]), [1, height, width, batch * channels]) as tf.Tensor4D;
  const dyFilter = tf.reshape(tf.transpose(dy, [1, 2, 0, 3]), [outHeight, outWidth, batch * channels, 1]) as tf.Tensor4D;
  const full = tf.depthwiseConv2d(xR, dyFilter, pair(dilations), [[0, 0], [padInfo.top, padInfo.bottom], [padInfo.left, padInfo.right], [0, 0]], "NHWC", pair(strides));
  const sliced = tf.slice(full, [0, 0, 0, 0], [1, kh, kw, -1]);
  return tf.reshape(tf.sum(tf.reshape(sliced, [kh, kw, batch, channels]), 2), [kh, kw, channels, 1]);
}

/** dx of a depthwise convolution (multiplier 1): dy spread by the stride, correlated with the flipped filter. */
function depthwiseBackpropInput(args: KernelArgs): tf.TensorInfo {
  const { strides, dilations, pad, dimRoundingMode, inputShape } = args.attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs;
  const dy = input(args, "dy") as tf.Tensor4D;
  const filter = input(args, "filter") as tf.Tensor4D;
  const [kh, kw, , multiplier] = filter.shape;
  if (multiplier !== 1) throw new Error("DepthwiseConv2dNativeBackpropInput on wasm supports channel multiplier 1 only");
  const [, height, width] = inputShape;
  const [sh, sw] = pair(strides);
  const [dh, dw] = pair(dilations);
  const padInfo = forwardPadding(inputShape, filter.shape, strides, dilations, pad, dimRoundingMode, true);
  const spread = spreadByStride(dy, [sh, sw]);
  const [, spreadHeight, spreadWidth] = spread.shape;
  const effectiveHeight = (kh - 1) * dh + 1;
  const effectiveWidth = (kw - 1) * dw + 1;
  const top = effectiveHeight - 1 - padInfo.top;
  const left = effectiveWidth - 1 - padInfo.left;
  const bottom = height - spreadHeight + padInfo.top;
  const right = width - spreadWidth + padInfo.left;
  const flipped = tf.reverse(filter, [0, 1]);
  return tf.depthwiseConv2d(spread, flipped, 1, [[0, 0], [top, bottom], [left, right], [0, 0]], "NHWC", [dh, dw]);
}

/** Sums rows of x into numSegments buckets by id (the gradient of gather): a scatter that adds duplicates. */
function unsortedSegmentSum(args: KernelArgs): tf.TensorInfo {
  const { numSegments } = args.attrs as unknown as tf.UnsortedSegmentSumAttrs;
  const x = input(args, "x");
  const ids = input(args, "segmentIds");
  if (ids.rank !== 1) throw new Error("UnsortedSegmentSum on wasm supports 1-D segment ids only");
  return tf.scatterND(tf.expandDims(tf.cast(ids, "int32"), 1), x, [numSegments, ...x.shape.slice(1)]);
}

const KERNELS: Array<[string, tf.KernelFunc]> = [
  ["Conv2DBackpropInput", conv2dBackpropInput as unknown as tf.KernelFunc],
  ["Conv2DBackpropFilter", conv2dBackpropFilter as unknown as tf.KernelFunc],
  ["DepthwiseConv2dNativeBackpropFilter", depthwiseBackpropFilter as unknown as tf.KernelFunc],
  ["DepthwiseConv2dNativeBackpropInput", depthwiseBackpropInput as unknown as tf.KernelFunc],
  ["UnsortedSegmentSum", unsortedSegmentSum as unknown as tf.KernelFunc],
];

const registered = new Set<string>();

/** Registers the training kernels for wasm, replacing its slow Conv2DBackpropInput (idempotent). */
export function registerWasmTrainingKernels(): void {
  for (const [kernelName, kernelFunc] of KERNELS) {
    if (registered.has(kernelName)) continue;
    if (tf.getKernel(kernelName, BACKEND)) tf.unregisterKernel(kernelName, BACKEND);
    tf.registerKernel({ kernelName, backendName: BACKEND, kernelFunc });
    registered.add(kernelName);
  }
}
