import { describe, expect, it } from "vitest";
import { boxSizeProblem } from "./annotation-schema";
import { MIN_BOX_SIZE } from "./box";

describe("boxSizeProblem", () => {
  it("holds a drawn or resized box to the editor's minimum, naming the box and the minimum", () => {
    expect(MIN_BOX_SIZE).toBe(2);
    expect(boxSizeProblem({ xmin: 10, ymin: 10, xmax: 12, ymax: 12 }, "box 1 (with_mask)")).toBeNull();
    expect(boxSizeProblem({ xmin: 10, ymin: 10, xmax: 10 + 1e-9, ymax: 30 }, "box 1 (with_mask)")).toBe(
      "box 1 (with_mask) is 1e-9x20 px: a box must be at least 2x2 px (the editor's minimum); draw it larger or delete it",
    );
    // resizing a small stored box keeps it under the rule
    expect(boxSizeProblem({ xmin: 10, ymin: 10, xmax: 11.5, ymax: 11 }, "box 2", { xmin: 10, ymin: 10, xmax: 11, ymax: 11 })).toMatch(/^box 2 is 1.5x1 px/);
  });

  it("leaves a stored box smaller than the minimum as it is, moved or not (imports keep tiny boxes)", () => {
    const stored = { xmin: 0.1, ymin: 5, xmax: 1.1, ymax: 6 };
    expect(boxSizeProblem(stored, "box 1", stored)).toBeNull();
    expect(boxSizeProblem({ xmin: 0.3, ymin: 7, xmax: 0.3 + (1.1 - 0.1), ymax: 8 }, "box 1", stored)).toBeNull();
  });
});
