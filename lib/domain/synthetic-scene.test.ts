import { XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { boxHeight, boxWidth, isInside } from "./box";
import { generateScene, MIN_FACE_WIDTH, sceneToSvg } from "./synthetic-scene";

const scenes = Array.from({ length: 300 }, (_, i) => generateScene(99, i));
const faces = scenes.flatMap((s) => s.faces);

describe("generateScene", () => {
  it("is deterministic per seed and index", () => {
    expect(generateScene(99, 5)).toEqual(scenes[5]);
    expect(generateScene(100, 5)).not.toEqual(scenes[5]);
  });

  it("makes images of varied size with 1 to 8 faces, boxes inside the image", () => {
    for (const scene of scenes) {
      expect(scene.width).toBeGreaterThanOrEqual(320);
      expect(scene.width).toBeLessThanOrEqual(800);
      expect(scene.height).toBeGreaterThanOrEqual(240);
      expect(scene.height).toBeLessThanOrEqual(800);
      expect(scene.faces.length).toBeGreaterThanOrEqual(1);
      expect(scene.faces.length).toBeLessThanOrEqual(8);
      for (const face of scene.faces) expect(isInside(face.box, scene)).toBe(true);
    }
    const meanFaces = faces.length / scenes.length;
    expect(meanFaces).toBeGreaterThan(3.5);
    expect(meanFaces).toBeLessThan(5.5);
  });

  it("follows the real data's class imbalance (about 75/20/5)", () => {
    const share = (c: string) => faces.filter((f) => f.className === c).length / faces.length;
    expect(share("with_mask")).toBeGreaterThan(0.7);
    expect(share("with_mask")).toBeLessThan(0.8);
    expect(share("without_mask")).toBeGreaterThan(0.15);
    expect(share("without_mask")).toBeLessThan(0.25);
    expect(share("mask_weared_incorrect")).toBeGreaterThan(0.03);
    expect(share("mask_weared_incorrect")).toBeLessThan(0.08);
  });

  it("includes small faces (15–30 px), large faces and faces cut by the border", () => {
    const widths = faces.filter((f) => !f.truncated).map((f) => boxWidth(f.box));
    expect(Math.min(...widths)).toBeGreaterThanOrEqual(MIN_FACE_WIDTH);
    expect(widths.filter((w) => w <= 30).length / widths.length).toBeGreaterThan(0.2);
    expect(widths.filter((w) => w >= 90).length).toBeGreaterThan(50);
    expect(faces.filter((f) => f.truncated).length).toBeGreaterThan(20);
    expect(faces.every((f) => boxHeight(f.box) > 0)).toBe(true);
  });

  it("varies lighting and blur", () => {
    expect(scenes.filter((s) => s.lighting < 0).length).toBeGreaterThan(30);
    expect(scenes.filter((s) => s.blurSigma > 0).length).toBeGreaterThan(30);
  });
});

describe("sceneToSvg", () => {
  it("writes well-formed SVG of the scene's size with every face", () => {
    const svg = sceneToSvg(scenes[0]!);
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).toContain(`width="${scenes[0]!.width}" height="${scenes[0]!.height}"`);
    expect(svg.match(/<g transform=/g)).toHaveLength(scenes[0]!.faces.length);
  });
});
