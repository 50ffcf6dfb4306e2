import { describe, expect, it } from "vitest";
import { formatBytes, formatCount, formatDateTime, formatDuration, formatNumber, formatPercent, formatRelative, pluralize } from "./format";

describe("one way to write numbers and counts", () => {
  it("groups thousands and fixes decimals", () => {
    expect(formatNumber(1318)).toBe("1,318");
    expect(formatNumber(1323)).toBe("1,323");
    expect(formatNumber(0.45678, 3)).toBe("0.457");
    expect(formatNumber(Number.NaN)).toBe("—");
    expect(formatPercent(0.4567)).toBe("45.7 %");
  });

  it("pluralizes the noun with the count", () => {
    expect(formatCount(1, "image")).toBe("1 image");
    expect(formatCount(0, "image")).toBe("0 images");
    expect(formatCount(1, "box")).toBe("1 box");
    expect(formatCount(83, "box")).toBe("83 boxes");
    expect(formatCount(2, "copy")).toBe("2 copies");
    expect(formatCount(2, "day")).toBe("2 days");
    expect(formatCount(1318, "image")).toBe("1,318 images");
    expect(pluralize(2, "person", "people")).toBe("people");
    expect(formatCount(12, "epoch")).toBe("12 epochs");
    expect(formatCount(2, "batch")).toBe("2 batches");
  });

  it("writes sizes in decimal units", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(19_234_567)).toBe("19 MB");
    expect(formatBytes(1_500_000)).toBe("1.5 MB");
    expect(formatBytes(-1)).toBe("—");
  });

  it("writes durations at the precision people read them", () => {
    expect(formatDuration(850)).toBe("850 ms");
    expect(formatDuration(4200)).toBe("4.2 s");
    expect(formatDuration(42_000)).toBe("42 s");
    expect(formatDuration(252_000)).toBe("4 min 12 s");
    expect(formatDuration(3_780_000)).toBe("1 h 03 min");
  });
});

describe("one way to write times", () => {
  it("has one absolute format", () => {
    expect(formatDateTime("2026-12-04T23:28:00Z", { utc: true })).toBe("4 Dec 2026, 23:28");
    expect(formatDateTime("not a date")).toBe("—");
  });

  it("says how long ago, in words", () => {
    const now = "2026-12-05T12:00:00Z";
    expect(formatRelative("2026-12-05T11:59:40Z", now)).toBe("just now");
    expect(formatRelative("2026-12-05T11:57:00Z", now)).toBe("3 minutes ago");
    expect(formatRelative("2026-12-05T14:00:00Z", now)).toBe("in 2 hours");
    expect(formatRelative("2026-12-04T12:00:00Z", now)).toBe("yesterday");
  });
});
