import { describe, expect, it } from "vitest";
import { sameAnnotationSet, type AnnotatedBox } from "./annotation-set";

const box = (className: string, xmin: number): AnnotatedBox => ({
  className,
  xmin,
  ymin: 0,
  xmax: xmin + 10,
  ymax: 10,
  difficult: false,
  truncated: false,
  occluded: false,
});

describe("sameAnnotationSet", () => {
  it("ignores box order and empty attribute bags", () => {
    const a = { labelStatus: "labeled" as const, boxes: [box("with_mask", 0), { ...box("without_mask", 20), attributes: {} }] };
    const b = { labelStatus: "labeled" as const, boxes: [box("without_mask", 20), box("with_mask", 0)] };
    expect(sameAnnotationSet(a, b)).toBe(true);
  });

  it("sees a moved box, a changed class, a flag or a status", () => {
    const base = { labelStatus: "labeled" as const, boxes: [box("with_mask", 0)] };
    expect(sameAnnotationSet(base, { ...base, boxes: [box("with_mask", 1)] })).toBe(false);
    expect(sameAnnotationSet(base, { ...base, boxes: [box("without_mask", 0)] })).toBe(false);
    expect(sameAnnotationSet(base, { ...base, boxes: [{ ...box("with_mask", 0), difficult: true }] })).toBe(false);
    expect(sameAnnotationSet(base, { ...base, labelStatus: "reviewed" })).toBe(false);
  });
});
