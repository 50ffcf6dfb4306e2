import { describe, expect, it } from "vitest";
import { letterboxFor, toImageSpace, toInputSpace } from "./letterbox";

describe("letterbox", () => {
  it("fits a landscape image by width and centres it vertically", () => {
    // 640x480 into 416: scale 0.65 → 416x312, (416-312)/2 = 52 px of padding above and below.
    const lb = letterboxFor({ width: 640, height: 480 }, 416);
    expect(lb).toMatchObject({ scale: 0.65, scaledWidth: 416, scaledHeight: 312, padX: 0, padY: 52 });
    expect(toInputSpace({ xmin: 0, ymin: 0, xmax: 640, ymax: 480 }, lb)).toEqual({ xmin: 0, ymin: 52, xmax: 416, ymax: 364 });
    expect(toInputSpace({ xmin: 100, ymin: 200, xmax: 200, ymax: 300 }, lb)).toEqual({ xmin: 65, ymin: 182, xmax: 130, ymax: 247 });
  });

  it("fits a portrait image by height and centres it horizontally, upscaling small images", () => {
    // 100x200 into 416: scale 2.08 → 208x416, padX (416-208)/2 = 104.
    const lb = letterboxFor({ width: 100, height: 200 }, 416);
    expect(lb).toMatchObject({ scaledWidth: 208, scaledHeight: 416, padX: 104, padY: 0 });
  });

  it("maps boxes back to image pixels (round trip), clipping what reaches into the padding", () => {
    for (const image of [{ width: 400, height: 301 }, { width: 1920, height: 1080 }, { width: 37, height: 999 }]) {
      const lb = letterboxFor(image, 640);
      const box = { xmin: image.width * 0.1, ymin: image.height * 0.2, xmax: image.width * 0.55, ymax: image.height * 0.9 };
      const back = toImageSpace(toInputSpace(box, lb), lb);
      for (const key of ["xmin", "ymin", "xmax", "ymax"] as const) expect(back[key]).toBeCloseTo(box[key], 9);
    }
    const lb = letterboxFor({ width: 640, height: 480 }, 416);
    expect(toImageSpace({ xmin: -5, ymin: 0, xmax: 420, ymax: 416 }, lb)).toEqual({ xmin: 0, ymin: 0, xmax: 640, ymax: 480 });
  });

  it("refuses sizes that cannot be letterboxed", () => {
    expect(() => letterboxFor({ width: 0, height: 10 }, 416)).toThrow(RangeError);
    expect(() => letterboxFor({ width: 10, height: 10 }, 41.5)).toThrow(RangeError);
  });
});
