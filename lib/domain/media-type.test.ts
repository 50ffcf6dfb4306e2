import { describe, expect, it } from "vitest";
import { mediaTypeOf } from "./media-type";

describe("mediaTypeOf", () => {
  it("lower-cases the media type and drops the parameters, whose case it never touches", () => {
    expect(mediaTypeOf("multipart/form-data; boundary=----WebKitFormBoundaryAbCdEf")).toBe("multipart/form-data");
    expect(mediaTypeOf("Multipart/Form-Data ;boundary=X")).toBe("multipart/form-data");
    expect(mediaTypeOf("IMAGE/JPEG")).toBe("image/jpeg");
    expect(mediaTypeOf("")).toBe("");
    expect(mediaTypeOf(null)).toBe("");
  });
});
