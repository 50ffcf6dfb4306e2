import type { ImageSize, PixelBox } from "@/lib/domain/box";

/**
 * Where the mask judge looks: a square around a face box, its side the box's longer side plus
 * `margin` of it on each side (the chin, the mask's edges and the ears tell a worn-below-the-nose
 * mask from a proper one), centred on the box. It may reach past the image; the crop pads there.
 */
export function judgeCropBox(box: PixelBox, margin: number): PixelBox {
  const side = Math.max(box.xmax - box.xmin, box.ymax - box.ymin, 1) * (1 + 2 * margin);
  const cx = (box.xmin + box.xmax) / 2;
  const cy = (box.ymin + box.ymax) / 2;
  return { xmin: cx - side / 2, ymin: cy - side / 2, xmax: cx + side / 2, ymax: cy + side / 2 };
}

/** A crop box as TF.js's cropAndResize takes it: [y1, x1, y2, x2] as fractions of the image. */
export function normalizedCropBox(crop: PixelBox, image: ImageSize): [number, number, number, number] {
  return [crop.ymin / image.height, crop.xmin / image.width, crop.ymax / image.height, crop.xmax / image.width];
}

/**
 * A face box as a detector might have found it: shifted and scaled by up to `amount` of its size,
 * so the judge learns from crops as loose as those it will be given.
 */
export function jitteredBox(box: PixelBox, amount: number, random: () => number): PixelBox {
  const w = box.xmax - box.xmin;
  const h = box.ymax - box.ymin;
  const dx = (random() * 2 - 1) * amount * w;
  const dy = (random() * 2 - 1) * amount * h;
  const scale = 1 + (random() * 2 - 1) * amount;
  const cx = (box.xmin + box.xmax) / 2 + dx;
  const cy = (box.ymin + box.ymax) / 2 + dy;
  return { xmin: cx - (w * scale) / 2, ymin: cy - (h * scale) / 2, xmax: cx + (w * scale) / 2, ymax: cy + (h * scale) / 2 };
}
