import { describe, expect, it } from "vitest";
import { handOut } from "./hand-out";

describe("handing items out to workers", () => {
  it("gives every item to exactly one worker, a free worker taking the next", async () => {
    const takenBy: string[] = [];
    // Item 0 holds its worker until the last item is done: the other worker takes every item meanwhile.
    let releaseFirst = () => {};
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    const taken = await handOut(["a", "b"], 5, async (worker, index) => {
      takenBy[index] = worker;
      if (index === 0) await firstHeld;
      else await Promise.resolve();
      if (index === 4) releaseFirst();
    });
    expect(taken).toBe(5);
    expect(takenBy).toEqual(["a", "b", "b", "b", "b"]);
  });

  it("stops handing out when told, having taken the first items only", async () => {
    const done: number[] = [];
    const taken = await handOut([1, 2, 3], 10, async (_, index) => void done.push(index), () => done.length < 4);
    expect(taken).toBe(4);
    expect(done.sort()).toEqual([0, 1, 2, 3]);
  });

  it("takes nothing from an empty list, and rejects with a worker's error", async () => {
    expect(await handOut(["a"], 0, async () => {})).toBe(0);
    await expect(handOut(["a", "b"], 3, async (_, index) => {
      if (index === 1) throw new Error("item 1 broke");
    })).rejects.toThrow("item 1 broke");
  });
});
