import * as tf from "@tensorflow/tfjs";

/**
 * A pretrained backbone that knows faces: the MobileNetV1 of the SSD face detector that
 * @vladmandic/face-api ships (MIT, trained on faces, 512 px input, pixels scaled to [-1, 1]).
 * Built as TF.js layers so a detector made from it saves and loads like any LayersModel, in Node
 * and in the browser. The depthwise batch norms are folded into their convolutions at load time
 * (the pointwise ones come folded), so the backbone has no batch statistics to freeze.
 *
 * Feature maps: stride 8 (256 channels, after block 5), 16 (512, block 11), 32 (1024, block 13).
 */
export const FACE_MOBILENET_FEATURES = [
  { stride: 8, channels: 256, block: 5 },
  { stride: 16, channels: 512, block: 11 },
  { stride: 32, channels: 1024, block: 13 },
] as const;

const BN_EPSILON = 0.0010000000474974513;
const STRIDE_2_BLOCKS = new Set([2, 4, 6, 12]);
const BLOCK_CHANNELS = [32, 64, 128, 128, 256, 256, 512, 512, 512, 512, 512, 512, 1024, 1024];

export type NamedWeights = Record<string, tf.Tensor>;

/** Folds y = gamma·(conv(x) − mean)/√(var + ε) + beta into the depthwise filter and a bias. */
export function foldDepthwiseBatchNorm(filter: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, mean: tf.Tensor1D, variance: tf.Tensor1D): { filter: tf.Tensor4D; bias: tf.Tensor1D } {
  return tf.tidy(() => {
    const scale = tf.div(gamma, tf.sqrt(tf.add(variance, BN_EPSILON)));
    return {
      filter: tf.mul(filter, tf.reshape(scale, [1, 1, -1, 1])) as tf.Tensor4D,
      bias: tf.sub(beta, tf.mul(mean, scale)) as tf.Tensor1D,
    };
  });
}

const relu6 = (name: string) => tf.layers.reLU({ maxValue: 6, name });

/**
 * The backbone as layers on `input`, returning the three feature maps. With `weights`, every
 * layer starts from the face-trained values; without, it is randomly initialised (from scratch).
 */
export function faceMobileNetV1(input: tf.SymbolicTensor, weights?: NamedWeights): tf.SymbolicTensor[] {
  const take = (name: string) => {
    const tensor = weights?.[name];
    if (weights && !tensor) throw new Error(`the face-api SSD-MobileNetV1 weights have no "${name}"`);
    return tensor;
  };
  const features: tf.SymbolicTensor[] = [];
  const stem = tf.layers.conv2d({ name: "backbone_conv_0", filters: 32, kernelSize: 3, strides: 2, padding: "same", useBias: true });
  let x = relu6("backbone_conv_0_relu6").apply(stem.apply(input)) as tf.SymbolicTensor;
  const pending: Array<[tf.layers.Layer, tf.Tensor[]]> = [];
  if (weights) pending.push([stem, [take("MobilenetV1/Conv2d_0_pointwise/weights")!, take("MobilenetV1/Conv2d_0_pointwise/convolution_bn_offset")!]]);
  for (let block = 1; block <= 13; block++) {
    const depthwise = tf.layers.depthwiseConv2d({ name: `backbone_dw_${block}`, kernelSize: 3, strides: STRIDE_2_BLOCKS.has(block) ? 2 : 1, padding: "same", useBias: true });
    x = relu6(`backbone_dw_${block}_relu6`).apply(depthwise.apply(x)) as tf.SymbolicTensor;
    const pointwise = tf.layers.conv2d({ name: `backbone_pw_${block}`, filters: BLOCK_CHANNELS[block]!, kernelSize: 1, padding: "same", useBias: true });
    x = relu6(`backbone_pw_${block}_relu6`).apply(pointwise.apply(x)) as tf.SymbolicTensor;
    if (weights) {
      const prefix = `MobilenetV1/Conv2d_${block}`;
      const folded = foldDepthwiseBatchNorm(
        take(`${prefix}_depthwise/depthwise_weights`) as tf.Tensor4D,
        take(`${prefix}_depthwise/BatchNorm/gamma`) as tf.Tensor1D,
        take(`${prefix}_depthwise/BatchNorm/beta`) as tf.Tensor1D,
        take(`${prefix}_depthwise/BatchNorm/moving_mean`) as tf.Tensor1D,
        take(`${prefix}_depthwise/BatchNorm/moving_variance`) as tf.Tensor1D,
      );
      pending.push([depthwise, [folded.filter, folded.bias]]);
      pending.push([pointwise, [take(`${prefix}_pointwise/weights`)!, take(`${prefix}_pointwise/convolution_bn_offset`)!]]);
    }
    if (FACE_MOBILENET_FEATURES.some((f) => f.block === block)) features.push(x);
  }
  // Layers get their weights once built, which applying them to the input did.
  for (const [layer, values] of pending) layer.setWeights(values);
  return features;
}

/** Names of the backbone's layers, for freezing and unfreezing. */
export function isBackboneLayer(layer: tf.layers.Layer): boolean {
  return layer.name.startsWith("backbone_");
}

/** Pixels 0..255 → the [-1, 1] range the face-trained weights expect. */
export function normalizeForFaceMobileNet(pixels: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => tf.sub(tf.div(tf.cast(pixels, "float32"), 127.5), 1) as tf.Tensor4D);
}
