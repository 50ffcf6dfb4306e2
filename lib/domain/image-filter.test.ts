import { describe, expect, it } from "vitest";
import { imageFilterToParams, parseImageFilter } from "./image-filter";

describe("image filter", () => {
  it("parses URL parameters, ignoring empty and unrelated ones, and writes them back stably", () => {
    const parsed = parseImageFilter(new URLSearchParams("split=test&className=without_mask&minBoxes=2&q=&page=3"));
    expect(parsed.success).toBe(true);
    expect(parsed.data).toEqual({ split: "test", className: "without_mask", minBoxes: 2 });
    expect(imageFilterToParams(parsed.data!).toString()).toBe("className=without_mask&split=test&minBoxes=2");
  });

  it("rejects unknown values with a message naming the field", () => {
    for (const bad of ["split=holdout", "labelStatus=done", "minBoxes=-1", "minBoxes=abc", "issue=DROP%20TABLE", "minBoxes=5&maxBoxes=2"]) {
      const parsed = parseImageFilter(new URLSearchParams(bad));
      expect(parsed.success, bad).toBe(false);
      expect(parsed.error!.issues[0]!.path.length, bad).toBe(1);
    }
  });
});
