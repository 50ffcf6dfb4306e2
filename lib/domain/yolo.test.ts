import { describe, expect, it } from "vitest";
import type { AnnotatedBox } from "./annotation-set";
import { FACEMASK_CLASSES } from "./classes";
import { SeededRandom } from "./random";
import { yoloClassesTxt, yoloDataYaml, yoloLabelFile, yoloLabelLine } from "./yolo";

const box = (className: string, xmin: number, ymin: number, xmax: number, ymax: number): AnnotatedBox => ({
  className,
  xmin,
  ymin,
  xmax,
  ymax,
  difficult: false,
  truncated: false,
  occluded: false,
});

describe("YOLO labels", () => {
  it("writes class index, centre and size normalised by the image, with 6 decimals", () => {
    // centre (150, 100), size 100x100 on a 640x480 image
    expect(yoloLabelLine({ xmin: 100, ymin: 50, xmax: 200, ymax: 150 }, 1, { width: 640, height: 480 })).toBe("1 0.234375 0.208333 0.156250 0.208333");
    expect(yoloLabelLine({ xmin: 0, ymin: 0, xmax: 640, ymax: 480 }, 0, { width: 640, height: 480 })).toBe("0 0.500000 0.500000 1.000000 1.000000");
  });

  it("stays within 0.5e-6 of the image size per value, 0.75e-6 per rebuilt corner", () => {
    const rng = new SeededRandom(7);
    for (let i = 0; i < 2_000; i++) {
      const image = { width: rng.int(1, 8000), height: rng.int(1, 8000) };
      const x = [rng.range(0, image.width), rng.range(0, image.width)].sort((a, b) => a - b) as [number, number];
      const y = [rng.range(0, image.height), rng.range(0, image.height)].sort((a, b) => a - b) as [number, number];
      const [cx, cy, w, h] = yoloLabelLine({ xmin: x[0], ymin: y[0], xmax: x[1], ymax: y[1] }, 0, image).split(" ").slice(1).map(Number) as [number, number, number, number];
      expect(Math.abs(cx - (x[0] + x[1]) / 2 / image.width)).toBeLessThanOrEqual(0.5e-6 + 1e-15);
      expect(Math.abs(h - (y[1] - y[0]) / image.height)).toBeLessThanOrEqual(0.5e-6 + 1e-15);
      expect(Math.abs((cx - w / 2) * image.width - x[0])).toBeLessThanOrEqual(0.75e-6 * image.width + 1e-9);
      expect(Math.abs((cy + h / 2) * image.height - y[1])).toBeLessThanOrEqual(0.75e-6 * image.height + 1e-9);
    }
  });

  it("writes one line per box in dataset class order, and an empty file for an image without boxes", () => {
    const image = { width: 100, height: 50 };
    expect(yoloLabelFile([box("mask_weared_incorrect", 0, 0, 10, 10), box("with_mask", 50, 25, 100, 50)], FACEMASK_CLASSES, image)).toBe(
      "2 0.050000 0.100000 0.100000 0.200000\n0 0.750000 0.750000 0.500000 0.500000\n",
    );
    expect(yoloLabelFile([], FACEMASK_CLASSES, image)).toBe("");
    expect(() => yoloLabelFile([box("helmet", 0, 0, 1, 1)], FACEMASK_CLASSES, image)).toThrow(/"helmet"/);
  });

  it("keeps values inside [0, 1] for a box that reaches past the image", () => {
    expect(yoloLabelLine({ xmin: -5, ymin: 0, xmax: 10, ymax: 60 }, 0, { width: 100, height: 50 })).toBe("0 0.050000 0.500000 0.100000 1.000000");
  });

  it("lists classes in order in classes.txt and data.yaml, with the splits present", () => {
    expect(yoloClassesTxt(FACEMASK_CLASSES)).toBe("with_mask\nwithout_mask\nmask_weared_incorrect\n");
    expect(yoloDataYaml({ datasetName: "faces", classes: FACEMASK_CLASSES, splits: ["test", "unassigned", "train", "train"] })).toBe(
      [
        `# Masklab export of dataset "faces"; paths are relative to this file's folder.`,
        "train: images/train",
        "test: images/test",
        "# images/unassigned: images without a split, listed under no key",
        "nc: 3",
        "names:",
        '  - "with_mask"',
        '  - "without_mask"',
        '  - "mask_weared_incorrect"',
        "",
      ].join("\n"),
    );
  });
});
