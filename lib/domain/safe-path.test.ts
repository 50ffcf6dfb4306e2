import { describe, expect, it } from "vitest";
import { isArchiveClutter, safeRelativePath } from "./safe-path";

describe("safeRelativePath", () => {
  it("keeps ordinary, unicode and space-containing names", () => {
    expect(safeRelativePath("Annotations/a.xml")).toEqual({ ok: true, path: "Annotations/a.xml" });
    expect(safeRelativePath("./ds/JPEGImages/café mask 1.png")).toEqual({ ok: true, path: "ds/JPEGImages/café mask 1.png" });
    expect(safeRelativePath("ds\\Annotations\\b.xml")).toEqual({ ok: true, path: "ds/Annotations/b.xml" });
    expect(safeRelativePath("a//b/./c.png")).toEqual({ ok: true, path: "a/b/c.png" });
    expect(safeRelativePath("..hidden/x..y.png")).toEqual({ ok: true, path: "..hidden/x..y.png" });
  });

  it("refuses every way out of the folder", () => {
    for (const [name, reason] of [
      ["../evil.xml", /climbs out/],
      ["ok/../../evil.xml", /climbs out/],
      ["..\\..\\evil.xml", /climbs out/],
      ["/etc/passwd", /absolute/],
      ["\\\\server\\share\\x", /absolute/],
      ["C:\\Windows\\x.png", /absolute/],
      ["c:evil.png", /absolute/],
      ["a\u0000.png", /control/],
      ["", /empty/],
      ["./", /empty/],
      [`${"x".repeat(300)}.png`, /too long/],
    ] as const) {
      const result = safeRelativePath(name);
      expect(result.ok, name).toBe(false);
      if (!result.ok) expect(result.reason, name).toMatch(reason);
    }
  });

  it("recognises archive clutter", () => {
    expect(isArchiveClutter("__MACOSX/ds/._a.png")).toBe(true);
    expect(isArchiveClutter("ds/.DS_Store")).toBe(true);
    expect(isArchiveClutter("ds/Annotations/a.xml")).toBe(false);
  });
});
