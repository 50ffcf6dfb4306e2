import { describe, expect, it } from "vitest";
import { decodeFileName, decodeXmlBytes, escapeNonAscii } from "./text-encoding";

const text = (result: ReturnType<typeof decodeXmlBytes>) => {
  if (!result.ok) throw new Error(result.message);
  return result.text;
};

describe("decodeXmlBytes", () => {
  it("finds UTF-16 without a byte order mark by its NUL bytes", () => {
    expect(text(decodeXmlBytes(Buffer.from("\n<annotation/>", "utf16le")))).toBe("\n<annotation/>");
    expect(text(decodeXmlBytes(Buffer.from("<annotation/>", "utf16le").swap16()))).toBe("<annotation/>");
  });

  it("reads a declared Windows-1252 or Shift_JIS file and refuses unknown or UTF-32 ones", () => {
    expect(text(decodeXmlBytes(Buffer.from([...Buffer.from("<?xml version='1.0' encoding='windows-1252'?><a>"), 0xe9, ...Buffer.from("</a>")])))).toContain("<a>é</a>");
    const sjis = Buffer.from([...Buffer.from('<?xml version="1.0" encoding="Shift_JIS"?><a>'), 0x93, 0x8c, 0x8b, 0x9e, ...Buffer.from("</a>")]);
    expect(text(decodeXmlBytes(sjis))).toContain("<a>東京</a>");
    expect(decodeXmlBytes(Buffer.from('<?xml version="1.0" encoding="klingon-8"?><a/>'))).toMatchObject({ ok: false, message: expect.stringMatching(/"klingon-8", which is not supported/) });
    expect(decodeXmlBytes(Buffer.from([0xff, 0xfe, 0, 0, 0x3c, 0, 0, 0]))).toMatchObject({ ok: false, message: expect.stringMatching(/UTF-32/) });
  });

  it("reads a declaration that claims UTF-16 on ASCII bytes as UTF-8", () => {
    expect(text(decodeXmlBytes(Buffer.from('<?xml version="1.0" encoding="UTF-16"?><a>é</a>')))).toContain("<a>é</a>");
  });

  it("locates the bad byte, including a file cut inside a character", () => {
    const bad = Buffer.concat([Buffer.from("<a>\n\n<b>"), Buffer.from([0xc3, 0x28]), Buffer.from("</b></a>")]);
    expect(decodeXmlBytes(bad)).toMatchObject({ ok: false, offset: 8, line: 3, message: expect.stringMatching(/^byte 0xC3 at byte offset 8 is not valid UTF-8/) });
    const cut = Buffer.from("<a>\né", "utf8").subarray(0, -1);
    expect(decodeXmlBytes(cut)).toMatchObject({ ok: false, offset: 4, line: 2, message: "the file ends in the middle of a UTF-8 character (byte offset 4)" });
    const lone = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("<a>", "utf16le"), Buffer.from([0x00, 0xd8]), Buffer.from("</a>", "utf16le")]);
    expect(decodeXmlBytes(lone)).toMatchObject({ ok: false, offset: 8, message: expect.stringMatching(/^bytes 0x00 0xD8 .* not valid UTF-16LE/) });
  });
});

describe("file names", () => {
  it("keeps UTF-8 names, reads other bytes as Latin-1, and escapes on request", () => {
    expect(decodeFileName(Buffer.from("mañana.png"))).toEqual({ name: "mañana.png", utf8: true });
    expect(decodeFileName(Buffer.from("mañana.png", "latin1"))).toEqual({ name: "mañana.png", utf8: false });
    expect(escapeNonAscii(Buffer.from("mañana.png", "latin1"))).toBe("ma\\xf1ana.png");
  });
});
