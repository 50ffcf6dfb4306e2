import { describe, expect, it } from "vitest";
import { safeNextPath } from "./safe-next-path";

describe("the sign-in redirect (safeNextPath)", () => {
  it("keeps ordinary paths on this site, with their query and fragment", () => {
    expect(safeNextPath("/label/abc?split=val")).toBe("/label/abc?split=val");
    expect(safeNextPath("/datasets/ck1/images?className=with_mask&labelStatus=unlabeled#grid")).toBe("/datasets/ck1/images?className=with_mask&labelStatus=unlabeled#grid");
    expect(safeNextPath("/monitoring")).toBe("/monitoring");
    expect(safeNextPath("/a/./b/../c")).toBe("/a/c");
    expect(safeNextPath("/search?q=%2F%2Fnot-a-host")).toBe("/search?q=%2F%2Fnot-a-host");
    expect(safeNextPath("/ü")).toBe("/%C3%BC");
  });

  it("refuses anything that leaves the site or cannot go into a Location header", () => {
    const hostile = [
      "//evil.example/x",
      "/\t/evil.example/phish", // what /login?next=%2F%09%2Fevil.example%2Fphish decodes to
      "/\n/evil.example",
      "/\r/evil.example",
      "/\r\n/evil.example",
      "/\u0000/evil.example",
      "/\u007f/evil.example",
      "/x\nSet-Cookie: a=b",
      "/\\evil.example",
      "\\\\evil.example",
      "/\\/evil.example",
      "/x\\y",
      "%2F%2Fevil.example",
      "/%2F/evil.example",
      "/%2f%2fevil.example",
      "/%5Cevil.example",
      "/%09/evil.example",
      "/%0a/evil.example",
      "/%zz",
      "https://evil.example",
      "http:evil.example",
      "javascript:alert(1)",
      " /x",
      "",
      null,
      undefined,
    ];
    for (const next of hostile) expect({ next, path: safeNextPath(next) }).toEqual({ next, path: "/datasets" });
  });

  it("always answers something a Location header accepts, resolving to this origin", () => {
    for (const next of ["/\n/evil", "/ok?x=1", "/\t/evil", "/é?q=ü#ä"]) {
      const path = safeNextPath(next);
      expect(() => new Headers({ Location: path })).not.toThrow();
      expect(new URL(path, "https://masklab.example").origin).toBe("https://masklab.example");
    }
  });
});
