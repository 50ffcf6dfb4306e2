import type { ImageSize, PixelBox } from "@/lib/domain/box";

/**
 * Letterboxing: the image is scaled to fit a square model input without distortion and centred,
 * the rest padded. The same geometry maps labels into the input (training) and detections back
 * out (inference, on the worker, the server and in the browser).
 */
export interface Letterbox {
  inputSize: number;
  /** input pixels per image pixel */
  scale: number;
  /** padding before the image, in input pixels */
  padX: number;
  padY: number;
  /** the scaled image inside the input */
  scaledWidth: number;
  scaledHeight: number;
  image: ImageSize;
}

export function letterboxFor(image: ImageSize, inputSize: number): Letterbox {
  if (!(image.width > 0 && image.height > 0)) throw new RangeError(`image size must be positive, got ${image.width}x${image.height}`);
  if (!Number.isInteger(inputSize) || inputSize <= 0) throw new RangeError(`input size must be a positive integer, got ${inputSize}`);
  const scale = Math.min(inputSize / image.width, inputSize / image.height);
  // Whole pixels, so the resize and the pad agree exactly with what the tensor code produces.
  const scaledWidth = Math.max(1, Math.min(inputSize, Math.round(image.width * scale)));
  const scaledHeight = Math.max(1, Math.min(inputSize, Math.round(image.height * scale)));
  return {
    inputSize,
    scale,
    padX: Math.floor((inputSize - scaledWidth) / 2),
    padY: Math.floor((inputSize - scaledHeight) / 2),
    scaledWidth,
    scaledHeight,
    image,
  };
}

/** Image pixels → model-input pixels. Uses the exact per-axis factors of the whole-pixel resize. */
export function toInputSpace(box: PixelBox, letterbox: Letterbox): PixelBox {
  const sx = letterbox.scaledWidth / letterbox.image.width;
  const sy = letterbox.scaledHeight / letterbox.image.height;
  return {
    xmin: box.xmin * sx + letterbox.padX,
    ymin: box.ymin * sy + letterbox.padY,
    xmax: box.xmax * sx + letterbox.padX,
    ymax: box.ymax * sy + letterbox.padY,
  };
}

/** Model-input pixels → image pixels, clipped to the image (detections can reach into the padding). */
export function toImageSpace(box: PixelBox, letterbox: Letterbox): PixelBox {
  const sx = letterbox.scaledWidth / letterbox.image.width;
  const sy = letterbox.scaledHeight / letterbox.image.height;
  const { width, height } = letterbox.image;
  const clip = (value: number, max: number) => Math.min(max, Math.max(0, value));
  return {
    xmin: clip((box.xmin - letterbox.padX) / sx, width),
    ymin: clip((box.ymin - letterbox.padY) / sy, height),
    xmax: clip((box.xmax - letterbox.padX) / sx, width),
    ymax: clip((box.ymax - letterbox.padY) / sy, height),
  };
}

/**
 * A resize without padding to `width` × `height` (the aspect may change), as a Letterbox so the
 * same toImageSpace maps boxes back: a fixed-size model that expects stretched images
 * (torchvision exports with a fixed input).
 */
export function stretchFor(image: ImageSize, width: number, height: number): Letterbox {
  if (!(image.width > 0 && image.height > 0)) throw new RangeError(`image size must be positive, got ${image.width}x${image.height}`);
  return { inputSize: Math.max(width, height), scale: Math.min(width / image.width, height / image.height), padX: 0, padY: 0, scaledWidth: width, scaledHeight: height, image };
}

/**
 * The image scaled down (never up) so its longer side is at most `maxSide`, aspect kept, no
 * padding: a model taking any input size gets the image whole, at a bounded cost.
 */
export function fitWithin(image: ImageSize, maxSide: number): Letterbox {
  const scale = Math.min(1, maxSide / Math.max(image.width, image.height));
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  return { ...stretchFor(image, width, height), scale };
}
