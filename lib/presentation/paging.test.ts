import { describe, expect, it } from "vitest";
import { listPage } from "./paging";

const letters = [..."abcdefghijklmnopqrstuvwxy"]; // 25 items

describe("listPage", () => {
  it("cuts a list into pages and says which items are shown", () => {
    expect(listPage(letters, 0, 12)).toMatchObject({ items: letters.slice(0, 12), page: 0, pageCount: 3, first: 1, last: 12 });
    expect(listPage(letters, 2, 12)).toMatchObject({ items: ["y"], page: 2, first: 25, last: 25 });
  });

  it("shows the last page when asked for one past the end, and the first for a negative one", () => {
    expect(listPage(letters, 9, 12).page).toBe(2);
    expect(listPage(letters.slice(0, 5), 2, 12)).toMatchObject({ page: 0, pageCount: 1, first: 1, last: 5 });
    expect(listPage(letters, -1, 12).page).toBe(0);
  });

  it("has one empty page for an empty list and refuses a page size that is not a positive whole number", () => {
    expect(listPage([], 0, 12)).toEqual({ items: [], page: 0, pageCount: 1, first: 0, last: 0 });
    expect(() => listPage(letters, 0, 0)).toThrow(RangeError);
    expect(() => listPage(letters, 0, 2.5)).toThrow(RangeError);
  });
});
