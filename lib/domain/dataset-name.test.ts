import { describe, expect, it } from "vitest";
import { datasetNameSchema, parseClassMap } from "./dataset-name";

describe("datasetNameSchema", () => {
  it("accepts readable names and refuses path-like or empty ones", () => {
    for (const ok of ["face-mask", "Kaggle masks 2026", "données_v1.2"]) expect(datasetNameSchema.safeParse(ok).success, ok).toBe(true);
    for (const bad of ["", "../evil", "a/b", ".hidden", "x".repeat(101), "semi;colon"]) expect(datasetNameSchema.safeParse(bad).success, bad).toBe(false);
  });
});

describe("parseClassMap", () => {
  it("reads lines and commas", () => {
    expect(parseClassMap("mask=with_mask\n no mask = without_mask , ")).toEqual({ ok: true, map: { mask: "with_mask", "no mask": "without_mask" } });
    expect(parseClassMap("")).toEqual({ ok: true, map: {} });
  });

  it("says what is wrong", () => {
    expect(parseClassMap("mask")).toEqual({ ok: false, error: '"mask" is not of the form found=class' });
    expect(parseClassMap("=with_mask").ok).toBe(false);
  });
});
