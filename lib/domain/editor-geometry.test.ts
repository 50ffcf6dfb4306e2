import { describe, expect, it } from "vitest";
import { MIN_BOX_SIZE } from "./box";
import {
  boxAt,
  boxFromCorners,
  fitToScreen,
  handlePosition,
  HANDLES,
  imagePoint,
  imageToScreen,
  moveBox,
  resizeBox,
  screenPoint,
  screenToImage,
  zoomAt,
} from "./editor-geometry";

const image = { width: 400, height: 300 };
const box = { xmin: 100, ymin: 100, xmax: 200, ymax: 150 };

describe("coordinates", () => {
  it("converts screen ↔ image both ways", () => {
    const v = { scale: 2, offsetX: 10, offsetY: -20 };
    expect(screenToImage(screenPoint(210, 180), v)).toEqual({ x: 100, y: 100 });
    expect(imageToScreen(imagePoint(100, 100), v)).toEqual({ x: 210, y: 180 });
  });

  it("fits the image centred, and zooms around the cursor", () => {
    const v = fitToScreen(image, { width: 832, height: 632 }, 16);
    expect(v).toEqual({ scale: 2, offsetX: 16, offsetY: 16 });
    const cursor = screenPoint(300, 200);
    const under = screenToImage(cursor, v);
    const zoomed = zoomAt(v, cursor, 1.5);
    expect(zoomed.scale).toBe(3);
    const after = screenToImage(cursor, zoomed);
    expect(after.x).toBeCloseTo(under.x, 10);
    expect(after.y).toBeCloseTo(under.y, 10);
    expect(zoomAt(v, cursor, 1e9).scale).toBe(40);
  });
});

describe("box geometry", () => {
  it("makes a box from two corners in any order, clamped, or none when too small", () => {
    expect(boxFromCorners(imagePoint(250, 40), imagePoint(-30, 10), image)).toEqual({ xmin: 0, ymin: 10, xmax: 250, ymax: 40 });
    expect(boxFromCorners(imagePoint(10, 10), imagePoint(11, 50), image)).toBeNull();
  });

  it("moves a box without letting it leave the image or change size", () => {
    expect(moveBox(box, 10, -5, image)).toEqual({ xmin: 110, ymin: 95, xmax: 210, ymax: 145 });
    expect(moveBox(box, 1000, 1000, image)).toEqual({ xmin: 300, ymin: 250, xmax: 400, ymax: 300 });
    expect(moveBox(box, -1000, 0, image)).toMatchObject({ xmin: 0, xmax: 100 });
  });

  it("resizes with each handle, moving only the edges it owns", () => {
    const to = imagePoint(50, 250);
    expect(resizeBox(box, "nw", imagePoint(90, 80), image)).toEqual({ xmin: 90, ymin: 80, xmax: 200, ymax: 150 });
    expect(resizeBox(box, "n", to, image)).toEqual({ ...box, ymin: 150 - MIN_BOX_SIZE });
    expect(resizeBox(box, "ne", imagePoint(260, 90), image)).toEqual({ xmin: 100, ymin: 90, xmax: 260, ymax: 150 });
    expect(resizeBox(box, "e", to, image)).toEqual({ ...box, xmax: 100 + MIN_BOX_SIZE });
    expect(resizeBox(box, "se", imagePoint(999, 999), image)).toEqual({ ...box, xmax: 400, ymax: 300 });
    expect(resizeBox(box, "s", to, image)).toEqual({ ...box, ymax: 250 });
    expect(resizeBox(box, "sw", imagePoint(-10, 170), image)).toEqual({ ...box, xmin: 0, ymax: 170 });
    expect(resizeBox(box, "w", to, image)).toEqual({ ...box, xmin: 50 });
  });

  it("places handles on corners and edge midpoints", () => {
    expect(HANDLES.map((h) => handlePosition(box, h))).toEqual([
      { x: 100, y: 100 },
      { x: 150, y: 100 },
      { x: 200, y: 100 },
      { x: 200, y: 125 },
      { x: 200, y: 150 },
      { x: 150, y: 150 },
      { x: 100, y: 150 },
      { x: 100, y: 125 },
    ]);
  });
});

describe("the box under the pointer", () => {
  const outer = { id: "outer", xmin: 0, ymin: 0, xmax: 100, ymax: 100 };
  const inner = { id: "inner", xmin: 40, ymin: 40, xmax: 60, ymax: 60 };
  const apart = { id: "apart", xmin: 200, ymin: 0, xmax: 220, ymax: 20 };

  it("picks the smallest box containing the point, edges included", () => {
    expect(boxAt(imagePoint(50, 50), [outer, inner, apart])?.id).toBe("inner");
    expect(boxAt(imagePoint(50, 50), [inner, outer])?.id).toBe("inner");
    expect(boxAt(imagePoint(10, 10), [outer, inner])?.id).toBe("outer");
    expect(boxAt(imagePoint(200, 20), [outer, apart])?.id).toBe("apart");
  });

  it("finds nothing on empty image", () => {
    expect(boxAt(imagePoint(150, 50), [outer, inner, apart])).toBeNull();
    expect(boxAt(imagePoint(5, 5), [])).toBeNull();
  });
});
