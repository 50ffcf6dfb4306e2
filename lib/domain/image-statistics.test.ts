import { describe, expect, it } from "vitest";
import { imageStatistics } from "./image-statistics";

describe("imageStatistics", () => {
  it("a flat image: its grey level as brightness, no contrast, no sharpness", () => {
    // 51 / 255 = 0.2 everywhere; every Laplacian is 0.
    expect(imageStatistics(new Uint8Array(16).fill(51), 4, 4)).toEqual({ brightness: 0.2, contrast: 0, sharpness: 0 });
  });

  it("half black, half white: brightness 0.5, contrast 0.5 (RMS)", () => {
    // values 0 and 1 in equal numbers: mean 0.5, variance 0.25, std 0.5
    const luma = new Uint8Array([0, 0, 255, 255]);
    const stats = imageStatistics(luma, 2, 2);
    expect(stats.brightness).toBe(0.5);
    expect(stats.contrast).toBe(0.5);
    expect(stats.sharpness).toBe(0); // 2×2 has no interior pixel
  });

  it("sharpness is the variance of the Laplacian over interior pixels", () => {
    // 3×4 image, interior pixels (1,1) and (2,1):
    //   row0: 0 0 0 0      (1,1): 0+255+0+0 - 4·0   = 255 → 1
    //   row1: 0 0 255 0    (2,1): 0+0+0+0 - 4·255  = -1020 → -4
    //   row2: 0 0 0 0      mean -1.5, mean of squares (1 + 16)/2 = 8.5, variance 8.5 - 2.25 = 6.25
    const luma = new Uint8Array([0, 0, 0, 0, 0, 0, 255, 0, 0, 0, 0, 0]);
    expect(imageStatistics(luma, 4, 3).sharpness).toBeCloseTo(6.25, 12);
  });

  it("a blurred edge scores lower than a sharp one", () => {
    const sharp = new Uint8Array(64).map((_, i) => (i % 8 < 4 ? 0 : 255));
    const blurred = new Uint8Array(64).map((_, i) => [0, 0, 32, 96, 160, 224, 255, 255][i % 8]!);
    expect(imageStatistics(blurred, 8, 8).sharpness).toBeLessThan(imageStatistics(sharp, 8, 8).sharpness);
  });

  it("refuses a size that does not match the pixels", () => {
    expect(() => imageStatistics(new Uint8Array(5), 2, 2)).toThrow(/expected 4 luma values/);
    expect(() => imageStatistics(new Uint8Array(0), 0, 0)).toThrow(/not a positive whole size/);
  });
});
