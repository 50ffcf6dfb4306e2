import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { SeededRandom } from "@/lib/domain/random";
import { augmentImage, jitterColour, mosaic, NO_AUGMENTATION, placeBox, placeTruths, randomPlacement, renderPlacement, type Placement } from "./augment";
import { LETTERBOX_FILL } from "./common/preprocess";
import { useNodeBackend } from "./tf/node-backend";

beforeAll(async () => {
  await useNodeBackend("wasm");
});

/** A grey image with one coloured rectangle (x 10..20, y 5..15). */
function imageWithPatch(width = 40, height = 20, colour = [250, 10, 10]) {
  const data = new Int32Array(width * height * 3).fill(60);
  for (let y = 5; y < 15; y++) for (let x = 10; x < 20; x++) data.set(colour, (y * width + x) * 3);
  return tf.tensor3d(data, [height, width, 3], "int32");
}
const pixelAt = async (t: tf.Tensor3D, x: number, y: number) => Array.from((await tf.slice(t, [y, x, 0], [1, 1, 3]).data()) as Float32Array).map(Math.round);
const rng = (seed = 1) => {
  const r = new SeededRandom(seed);
  return () => r.next();
};

describe("placements (plain geometry)", () => {
  const p: Placement = { image: { width: 40, height: 20 }, width: 80, height: 40, offsetX: 5, offsetY: -10, flip: false };

  it("maps boxes by scale and offset, and mirrors them when flipped", () => {
    expect(placeBox({ xmin: 10, ymin: 5, xmax: 20, ymax: 15 }, p)).toEqual({ xmin: 25, ymin: 0, xmax: 45, ymax: 20 });
    expect(placeBox({ xmin: 10, ymin: 5, xmax: 20, ymax: 15 }, { ...p, flip: true })).toEqual({ xmin: 45, ymin: 0, xmax: 65, ymax: 20 });
  });

  it("clips truths to what is visible and drops faces mostly outside it", () => {
    const truths = [
      { box: { xmin: 10, ymin: 5, xmax: 20, ymax: 15 }, classIndex: 0 }, // → 25..45 × 0..20: fully visible
      { box: { xmin: 0, ymin: 0, xmax: 10, ymax: 10 }, classIndex: 1 }, // → 5..25 × −10..10: half visible
      { box: { xmin: 30, ymin: 0, xmax: 40, ymax: 4 }, classIndex: 2 }, // → 65..85 × −10..−2: outside
    ];
    expect(placeTruths(truths, p, { xmin: 0, ymin: 0, xmax: 64, ymax: 64 })).toEqual([
      { box: { xmin: 25, ymin: 0, xmax: 45, ymax: 20 }, classIndex: 0 },
      { box: { xmin: 5, ymin: 0, xmax: 25, ymax: 10 }, classIndex: 1 },
    ]);
    expect(placeTruths(truths, p, { xmin: 0, ymin: 0, xmax: 64, ymax: 64 }, 0.6)).toHaveLength(1);
  });

  it("without augmentation is the letterbox: centred and fitted", () => {
    const plain = randomPlacement({ width: 40, height: 20 }, { x: 0, y: 0, width: 64, height: 64 }, rng(), NO_AUGMENTATION);
    expect(plain).toMatchObject({ width: 64, height: 32, offsetX: 0, offsetY: 16, flip: false });
  });

  it("stays within the configured scale and shift", () => {
    const random = rng(3);
    for (let i = 0; i < 200; i++) {
      const q = randomPlacement({ width: 100, height: 100 }, { x: 0, y: 0, width: 100, height: 100 }, random, { ...NO_AUGMENTATION, scale: 0.5, translate: 0.1 });
      expect(q.width).toBeGreaterThanOrEqual(50);
      expect(q.width).toBeLessThanOrEqual(150);
      expect(Math.abs(q.offsetX - (100 - q.width) / 2)).toBeLessThanOrEqual(10.5);
    }
  });
});

describe("augmented pixels follow the boxes", () => {
  it("a scaled, shifted, flipped render puts the patch where its box went; the rest is letterbox grey", async () => {
    const image = imageWithPatch();
    const p: Placement = { image: { width: 40, height: 20 }, width: 80, height: 40, offsetX: -8, offsetY: 4, flip: true };
    const rendered = renderPlacement(image, p, 64);
    expect(rendered.shape).toEqual([64, 64, 3]);
    const box = placeBox({ xmin: 10, ymin: 5, xmax: 20, ymax: 15 }, p);
    expect(await pixelAt(rendered, Math.floor((box.xmin + box.xmax) / 2), Math.floor((box.ymin + box.ymax) / 2))).toEqual([250, 10, 10]);
    expect(await pixelAt(rendered, 30, 2)).toEqual([LETTERBOX_FILL, LETTERBOX_FILL, LETTERBOX_FILL]); // above the image
    expect(await pixelAt(rendered, 30, 60)).toEqual([LETTERBOX_FILL, LETTERBOX_FILL, LETTERBOX_FILL]); // below it
  });

  it("augmentImage keeps pixels and truths consistent over many random draws", async () => {
    const image = imageWithPatch(60, 40);
    const random = rng(9);
    for (let i = 0; i < 20; i++) {
      const { input, truths } = augmentImage(image, [{ box: { xmin: 10, ymin: 5, xmax: 20, ymax: 15 }, classIndex: 1 }], 96, random, { scale: 0.5, translate: 0.2, brightness: 0, contrast: 0, saturation: 0, flip: true });
      for (const t of truths) {
        const [r, g] = await pixelAt(input, Math.floor((t.box.xmin + t.box.xmax) / 2), Math.floor((t.box.ymin + t.box.ymax) / 2));
        expect(r).toBeGreaterThan(200);
        expect(g).toBeLessThan(40);
      }
      input.dispose();
    }
  });

  it("colour jitter is the identity at zero spread and stays within 0..255", async () => {
    const image = imageWithPatch();
    const same = jitterColour(image, rng(), NO_AUGMENTATION);
    expect(Array.from(await same.data())).toEqual(Array.from(await image.data()));
    const jittered = jitterColour(image, rng(2), { ...NO_AUGMENTATION, brightness: 0.9, contrast: 0.9, saturation: 0.9 });
    const values = (await jittered.data()) as Float32Array;
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThanOrEqual(255);
    expect(Array.from(values)).not.toEqual(Array.from(await image.data()));
  });

  it("mosaic: each quadrant shows its own image and keeps its boxes inside it", async () => {
    const colours = [
      [250, 0, 0],
      [0, 250, 0],
      [0, 0, 250],
      [250, 250, 250],
    ];
    const images = colours.map((c) => ({ pixels: tf.tensor3d(new Int32Array(30 * 30 * 3).map((_, i) => c[i % 3]!), [30, 30, 3], "int32"), truths: [{ box: { xmin: 5, ymin: 5, xmax: 25, ymax: 25 }, classIndex: 0 }] }));
    const { input, truths } = mosaic(images, 100, rng(4), NO_AUGMENTATION);
    expect(input.shape).toEqual([100, 100, 3]);
    expect(truths).toHaveLength(4);
    for (const [k, t] of truths.entries()) {
      expect(await pixelAt(input, Math.floor((t.box.xmin + t.box.xmax) / 2), Math.floor((t.box.ymin + t.box.ymax) / 2))).toEqual(colours[k]);
    }
    expect(() => mosaic(images.slice(0, 3), 100, rng(), NO_AUGMENTATION)).toThrow(/4 images/);
  });
});
