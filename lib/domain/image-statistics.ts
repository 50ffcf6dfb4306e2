/**
 * Image statistics logged with every served prediction and monitored for drift, computed on an
 * 8-bit grayscale rendering of the image (the server downsizes it first, so cost does not grow
 * with resolution and the figures compare across image sizes):
 * - brightness: mean luma / 255, in [0, 1];
 * - contrast: standard deviation of luma / 255 (RMS contrast), in [0, 0.5];
 * - sharpness: variance of the 4-neighbour Laplacian over interior pixels, luma scaled to [0, 1]
 *   (Pech-Pacheco et al. 2000): low values mean a blurred or flat image. Images under 3×3 have
 *   no interior and score 0.
 */
export interface ImageStatistics {
  brightness: number;
  contrast: number;
  sharpness: number;
}

export function imageStatistics(luma: Uint8Array | Uint8ClampedArray, width: number, height: number): ImageStatistics {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new RangeError(`image size ${width}×${height} is not a positive whole size`);
  if (luma.length !== width * height) throw new RangeError(`expected ${width * height} luma values for ${width}×${height}, got ${luma.length}`);
  // Sums of integers stay exact (up to 2^53), so a flat image gives exactly 0, not rounding noise.
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < luma.length; i++) {
    sum += luma[i]!;
    sumSquares += luma[i]! * luma[i]!;
  }
  const n = luma.length;
  const brightness = sum / n / 255;
  const contrast = Math.sqrt(Math.max(0, (n * sumSquares - sum * sum) / (n * n))) / 255;

  let lapSum = 0;
  let lapSquares = 0;
  let interior = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const laplacian = luma[i - 1]! + luma[i + 1]! + luma[i - width]! + luma[i + width]! - 4 * luma[i]!;
      lapSum += laplacian;
      lapSquares += laplacian * laplacian;
      interior++;
    }
  }
  const sharpness = interior === 0 ? 0 : Math.max(0, (interior * lapSquares - lapSum * lapSum) / (interior * interior)) / (255 * 255);
  return { brightness, contrast, sharpness };
}
