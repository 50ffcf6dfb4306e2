import * as tf from "@tensorflow/tfjs";
import type { ImageSize, PixelBox } from "@/lib/domain/box";
import type { GroundTruth } from "./common/ground-truth";
import { LETTERBOX_FILL } from "./common/preprocess";

/**
 * Training augmentations that move pixels and boxes together: random scale and shift of the
 * letterboxed image (a zoom-in crops, a zoom-out pads), a left-right flip, colour jitter, and
 * mosaic (four images around a random centre, YOLO's augmentation for one-stage detectors). The
 * geometry is plain numbers ("placements"), so the box mapping is tested without pixels; the
 * pixels follow the same placement with TF.js ops (Node and browser alike).
 */
export interface AugmentOptions {
  /** the letterbox scale is multiplied by a factor in [1 − scale, 1 + scale] */
  scale: number;
  /** the image is shifted by up to this fraction of the input size, each axis */
  translate: number;
  /** multiplicative jitter of brightness, contrast and saturation: factors in [1 − x, 1 + x] */
  brightness: number;
  contrast: number;
  saturation: number;
  flip: boolean;
}

export const NO_AUGMENTATION: AugmentOptions = { scale: 0, translate: 0, brightness: 0, contrast: 0, saturation: 0, flip: false };

/** Where an image lands in the model input: input x = (flipped ? width − x : x) · scaleX + offsetX. */
export interface Placement {
  image: ImageSize;
  /** the resized image in whole pixels */
  width: number;
  height: number;
  offsetX: number;
  offsetY: number;
  flip: boolean;
}

/** A placement that fits the image inside `region` (letterbox-style), then scales, shifts and maybe flips it at random. */
export function randomPlacement(image: ImageSize, region: { x: number; y: number; width: number; height: number }, random: () => number, options: AugmentOptions): Placement {
  const uniform = (spread: number) => 1 + spread * (2 * random() - 1);
  const fit = Math.min(region.width / image.width, region.height / image.height) * uniform(options.scale);
  const width = Math.max(1, Math.round(image.width * fit));
  const height = Math.max(1, Math.round(image.height * fit));
  const shift = (extent: number) => options.translate * extent * (2 * random() - 1);
  return {
    image,
    width,
    height,
    offsetX: Math.round(region.x + (region.width - width) / 2 + shift(region.width)),
    offsetY: Math.round(region.y + (region.height - height) / 2 + shift(region.height)),
    flip: options.flip && random() < 0.5,
  };
}

/** A box of the image where the placement puts it (unclipped). */
export function placeBox(box: PixelBox, p: Placement): PixelBox {
  const sx = p.width / p.image.width;
  const sy = p.height / p.image.height;
  const [x1, x2] = p.flip ? [p.image.width - box.xmax, p.image.width - box.xmin] : [box.xmin, box.xmax];
  return { xmin: x1 * sx + p.offsetX, ymin: box.ymin * sy + p.offsetY, xmax: x2 * sx + p.offsetX, ymax: box.ymax * sy + p.offsetY };
}

/**
 * The image's truths after placement, clipped to what is visible (`visible`, default the input).
 * A face keeps its label when at least 40 % of it stays in view and it is at least 2 px on each side.
 */
export function placeTruths(truths: readonly GroundTruth[], p: Placement, visible: PixelBox, minVisibleFraction = 0.4): GroundTruth[] {
  const kept: GroundTruth[] = [];
  for (const truth of truths) {
    const placed = placeBox(truth.box, p);
    const clipped = { xmin: Math.max(placed.xmin, visible.xmin), ymin: Math.max(placed.ymin, visible.ymin), xmax: Math.min(placed.xmax, visible.xmax), ymax: Math.min(placed.ymax, visible.ymax) };
    const w = clipped.xmax - clipped.xmin;
    const h = clipped.ymax - clipped.ymin;
    if (w < 2 || h < 2) continue;
    if (w * h < minVisibleFraction * (placed.xmax - placed.xmin) * (placed.ymax - placed.ymin)) continue;
    kept.push({ box: clipped, classIndex: truth.classIndex });
  }
  return kept;
}

/** Pixels [H, W, 3] (0..255) drawn onto a size × size canvas of the letterbox grey by the placement. */
export function renderPlacement(pixels: tf.Tensor3D, p: Placement, size: number): tf.Tensor3D {
  return tf.tidy(() => {
    const x0 = Math.max(0, p.offsetX);
    const y0 = Math.max(0, p.offsetY);
    const x1 = Math.min(size, p.offsetX + p.width);
    const y1 = Math.min(size, p.offsetY + p.height);
    if (x1 <= x0 || y1 <= y0) return tf.fill([size, size, 3], LETTERBOX_FILL) as tf.Tensor3D;
    let resized = tf.image.resizeBilinear(tf.cast(pixels, "float32"), [p.height, p.width], false, true) as tf.Tensor3D;
    if (p.flip) resized = tf.reverse(resized, 1);
    const visible = tf.slice(resized, [y0 - p.offsetY, x0 - p.offsetX, 0], [y1 - y0, x1 - x0, 3]);
    return tf.pad(visible, [[y0, size - y1], [x0, size - x1], [0, 0]], LETTERBOX_FILL) as tf.Tensor3D;
  });
}

/** Brightness, contrast and saturation factors drawn once per image, applied to 0..255 pixels (clipped). */
export function jitterColour(pixels: tf.Tensor3D, random: () => number, options: AugmentOptions): tf.Tensor3D {
  const factor = (spread: number) => 1 + spread * (2 * random() - 1);
  const brightness = factor(options.brightness);
  const contrast = factor(options.contrast);
  const saturation = factor(options.saturation);
  if (brightness === 1 && contrast === 1 && saturation === 1) return tf.cast(pixels, "float32") as tf.Tensor3D;
  return tf.tidy(() => {
    const x = tf.cast(pixels, "float32");
    const grey = tf.mean(x, 2, true);
    const saturated = tf.add(grey, tf.mul(tf.sub(x, grey), saturation));
    const contrasted = tf.add(tf.mul(tf.sub(saturated, tf.mean(grey)), contrast), tf.mean(grey));
    return tf.clipByValue(tf.mul(contrasted, brightness), 0, 255) as tf.Tensor3D;
  });
}

export interface AugmentedSample {
  /** the model input before normalisation, 0..255 */
  input: tf.Tensor3D;
  /** boxes in input pixels */
  truths: GroundTruth[];
}

/** One image, colour-jittered, then scaled, shifted and maybe flipped into the input. */
export function augmentImage(pixels: tf.Tensor3D, truths: readonly GroundTruth[], size: number, random: () => number, options: AugmentOptions): AugmentedSample {
  const [height, width] = pixels.shape;
  const placement = randomPlacement({ width, height }, { x: 0, y: 0, width: size, height: size }, random, options);
  const coloured = jitterColour(pixels, random, options);
  const input = renderPlacement(coloured, placement, size);
  coloured.dispose();
  return { input, truths: placeTruths(truths, placement, { xmin: 0, ymin: 0, xmax: size, ymax: size }) };
}

/**
 * Mosaic: a random centre splits the input into four quadrants; each of four images is placed to
 * fill its quadrant (with the usual scale/shift/flip/colour jitter) and cropped to it.
 */
export function mosaic(images: ReadonlyArray<{ pixels: tf.Tensor3D; truths: readonly GroundTruth[] }>, size: number, random: () => number, options: AugmentOptions): AugmentedSample {
  if (images.length !== 4) throw new RangeError(`mosaic takes 4 images, got ${images.length}`);
  const cx = Math.round(size * (0.25 + 0.5 * random()));
  const cy = Math.round(size * (0.25 + 0.5 * random()));
  const quadrants = [
    { xmin: 0, ymin: 0, xmax: cx, ymax: cy },
    { xmin: cx, ymin: 0, xmax: size, ymax: cy },
    { xmin: 0, ymin: cy, xmax: cx, ymax: size },
    { xmin: cx, ymin: cy, xmax: size, ymax: size },
  ];
  const truths: GroundTruth[] = [];
  const tiles = images.map(({ pixels, truths: imageTruths }, k) => {
    const q = quadrants[k]!;
    const [height, width] = pixels.shape;
    const placement = randomPlacement({ width, height }, { x: q.xmin, y: q.ymin, width: q.xmax - q.xmin, height: q.ymax - q.ymin }, random, options);
    truths.push(...placeTruths(imageTruths, placement, q));
    const coloured = jitterColour(pixels, random, options);
    const canvas = renderPlacement(coloured, placement, size);
    const tile = tf.slice(canvas, [q.ymin, q.xmin, 0], [q.ymax - q.ymin, q.xmax - q.xmin, 3]);
    tf.dispose([coloured, canvas]);
    return tile;
  });
  const input = tf.tidy(() => tf.concat([tf.concat([tiles[0]!, tiles[1]!], 1), tf.concat([tiles[2]!, tiles[3]!], 1)], 0) as tf.Tensor3D);
  tf.dispose(tiles);
  return { input, truths };
}
