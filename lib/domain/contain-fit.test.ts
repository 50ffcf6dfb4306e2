import { describe, expect, it } from "vitest";
import { boxInFrame, containFit } from "./contain-fit";

describe("object-fit: contain", () => {
  it("fits a wide image to the frame's width and centres it vertically", () => {
    expect(containFit({ width: 400, height: 200 }, { width: 168, height: 134 })).toEqual({ scale: 0.42, offsetX: 0, offsetY: (134 - 84) / 2 });
  });

  it("fits a tall image to the frame's height and centres it horizontally", () => {
    const fit = containFit({ width: 300, height: 600 }, { width: 168, height: 134 });
    expect(fit.scale).toBeCloseTo(134 / 600);
    expect(fit.offsetY).toBe(0);
    expect(fit.offsetX).toBeCloseTo((168 - 300 * (134 / 600)) / 2);
  });

  it("scales a small image up, as the browser does", () => {
    expect(containFit({ width: 84, height: 67 }, { width: 168, height: 134 })).toEqual({ scale: 2, offsetX: 0, offsetY: 0 });
  });

  it("maps the whole image onto the drawn image: touching the frame on one axis, centred on the other", () => {
    const frame = { width: 168, height: 134 };
    for (const image of [{ width: 640, height: 480 }, { width: 480, height: 640 }, { width: 1000, height: 798 }]) {
      const whole = boxInFrame({ xmin: 0, ymin: 0, xmax: image.width, ymax: image.height }, containFit(image, frame));
      expect(whole.x * 2 + whole.width).toBeCloseTo(frame.width);
      expect(whole.y * 2 + whole.height).toBeCloseTo(frame.height);
      expect(Math.min(whole.x, whole.y)).toBeCloseTo(0);
      expect(whole.width / whole.height).toBeCloseTo(image.width / image.height);
    }
  });

  it("maps a box by the same scale and offset", () => {
    const fit = containFit({ width: 400, height: 200 }, { width: 200, height: 200 });
    expect(boxInFrame({ xmin: 100, ymin: 20, xmax: 150, ymax: 80 }, fit)).toEqual({ x: 50, y: 50 + 10, width: 25, height: 30 });
  });

  it("draws nothing for an image without a size rather than dividing by zero", () => {
    const fit = containFit({ width: 0, height: 0 }, { width: 168, height: 134 });
    expect(boxInFrame({ xmin: 0, ymin: 0, xmax: 10, ymax: 10 }, fit)).toEqual({ x: 84, y: 67, width: 0, height: 0 });
  });
});
