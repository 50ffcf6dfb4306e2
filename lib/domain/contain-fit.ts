import type { ImageSize, PixelBox } from "./box";

/**
 * Where an image lands in a frame under CSS `object-fit: contain`: scaled by the larger factor that
 * still shows all of it, centred, the rest of the frame left as bars. Drawing over an <img> with
 * the same numbers keeps the overlay on the pixels it describes, whatever the image's shape.
 */
export interface ContainFit {
  /** frame pixels per image pixel */
  scale: number;
  /** where the image's top-left corner sits in the frame */
  offsetX: number;
  offsetY: number;
}

export function containFit(image: ImageSize, frame: ImageSize): ContainFit {
  if (image.width <= 0 || image.height <= 0) return { scale: 0, offsetX: frame.width / 2, offsetY: frame.height / 2 };
  const scale = Math.min(frame.width / image.width, frame.height / image.height);
  return { scale, offsetX: (frame.width - image.width * scale) / 2, offsetY: (frame.height - image.height * scale) / 2 };
}

/** A box in image pixels as a rectangle in frame pixels. */
export function boxInFrame(box: PixelBox, fit: ContainFit): { x: number; y: number; width: number; height: number } {
  return {
    x: fit.offsetX + box.xmin * fit.scale,
    y: fit.offsetY + box.ymin * fit.scale,
    width: Math.max(0, box.xmax - box.xmin) * fit.scale,
    height: Math.max(0, box.ymax - box.ymin) * fit.scale,
  };
}
