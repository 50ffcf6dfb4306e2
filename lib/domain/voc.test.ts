import { describe, expect, it } from "vitest";
import { parseVoc, parseVocBytes, pixelBoxToVoc, serializeVoc, vocToPixelBox } from "./voc";

// Shaped like the Kaggle face-mask files: no XML declaration, a leading newline, a box at xmax == width + 1.
const KAGGLE_LIKE = `
<annotation>
    <folder>images</folder>
    <filename>maksssksksss0.png</filename>
    <size><width>512</width><height>366</height><depth>3</depth></size>
    <segmented>0</segmented>
    <object>
        <name>without_mask</name>
        <pose>Unspecified</pose>
        <truncated>0</truncated>
        <occluded>0</occluded>
        <difficult>0</difficult>
        <bndbox><xmin>79</xmin><ymin>105</ymin><xmax>109</xmax><ymax>142</ymax></bndbox>
    </object>
    <object>
        <name>with_mask</name>
        <pose>Unspecified</pose>
        <truncated>1</truncated>
        <occluded>0</occluded>
        <difficult>1</difficult>
        <bndbox><xmin>480</xmin><ymin>100</ymin><xmax>513</xmax><ymax>150</ymax></bndbox>
        <attributes><attribute><name>glasses</name><value>yes</value></attribute></attributes>
    </object>
</annotation>`;

describe("parseVoc", () => {
  it("reads a real-world annotation with its quirks", () => {
    const result = parseVoc(KAGGLE_LIKE);
    if (!result.ok) throw result.error;
    const { annotation, problems } = result;
    expect(problems).toEqual([]);
    expect(annotation.filename).toBe("maksssksksss0.png");
    expect(annotation.size).toEqual({ width: 512, height: 366, depth: 3 });
    expect(annotation.objects).toHaveLength(2);
    expect(annotation.objects[0]).toMatchObject({ name: "without_mask", box: { xmin: 79, ymin: 105, xmax: 109, ymax: 142 }, difficult: false });
    expect(annotation.objects[1]).toMatchObject({ name: "with_mask", truncated: true, difficult: true, pose: "Unspecified" });
    expect(annotation.objects[1]!.extra).toEqual({ attributes: { attribute: { name: "glasses", value: "yes" } } });
    expect(annotation.extra).toEqual({ segmented: "0" });
  });

  it("reads a single object, float coordinates and a UTF-8 BOM", () => {
    const result = parseVoc("\uFEFF<?xml version='1.0'?><annotation><filename>a b é.jpg</filename><object><name>with_mask</name><bndbox><xmin>1.5</xmin><ymin>2</ymin><xmax>10.25</xmax><ymax>20</ymax></bndbox></object></annotation>");
    if (!result.ok) throw result.error;
    expect(result.annotation.filename).toBe("a b é.jpg");
    expect(result.annotation.objects[0]!.box).toEqual({ xmin: 1.5, ymin: 2, xmax: 10.25, ymax: 20 });
    expect(result.annotation.size).toBeUndefined();
  });

  it("reports malformed and truncated XML with the line", () => {
    const truncated = parseVoc("<annotation>\n<object>\n<name>with_mask</name>\n");
    expect(truncated.ok).toBe(false);
    if (!truncated.ok) expect(truncated.error.message).toBe("line 3: the file ends before <annotation> is closed (it stops inside <object>); it looks cut short");
    const mismatched = parseVoc("<annotation>\n  <filename>x.jpg</file>\n</annotation>");
    expect(mismatched.ok).toBe(false);
    if (!mismatched.ok) expect(mismatched.error.line).toBe(2);
    expect(parseVoc("").ok).toBe(false);
    expect(parseVoc("<root><a>1</a></root>")).toMatchObject({ ok: false });
  });

  it("refuses entity bombs and external entities without expanding them", () => {
    const laughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<annotation><filename>&lol2;</filename></annotation>`;
    const xxe = `<?xml version="1.0"?><!DOCTYPE a [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><annotation><filename>&xxe;</filename></annotation>`;
    for (const xml of [laughs, xxe]) {
      const result = parseVoc(xml);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.message).toMatch(/DOCTYPE declarations are not allowed/);
    }
  });

  it("skips an unreadable object and says which", () => {
    const result = parseVoc(
      "<annotation><object><name>with_mask</name><bndbox><xmin>abc</xmin><ymin>1</ymin><xmax>5</xmax><ymax>5</ymax></bndbox></object><object><bndbox/></object><object><name>with_mask</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>5</xmax><ymax>5</ymax></bndbox></object></annotation>",
    );
    if (!result.ok) throw result.error;
    expect(result.annotation.objects).toHaveLength(1);
    expect(result.problems.map((p) => p.message)).toEqual(['object 1: <xmin> "abc" is not a number', "object 2: <name> is missing"]);
  });
});

describe("parse errors a user can act on", () => {
  const errorOf = (xml: string) => {
    const result = parseVoc(xml);
    if (result.ok) throw new Error("expected a parse error");
    return result.error;
  };

  it("says where a file cut short ends, not where its first tag opened", () => {
    const lines = ["<annotation>", "  <filename>a.jpg</filename>", ...Array.from({ length: 16 }, () => "  <segmented>0</segmented>"), "  <object>", "    <name>with_m"];
    expect(lines).toHaveLength(20);
    const error = errorOf(lines.join("\n"));
    expect(error.line).toBe(20);
    expect(error.message).toBe("line 20: the file ends before <annotation> is closed (it stops inside <name>); it looks cut short");
    expect(errorOf("<annotation>\n<folder>x</folder>\n").message).toBe("line 2: the file ends before <annotation> is closed; it looks cut short");
  });

  it("counts leading blank lines and explains mismatched tags and bare ampersands", () => {
    const mismatched = errorOf("\n\n<annotation>\n  <filename>x.jpg</file>\n</annotation>");
    expect(mismatched.message).toBe("line 4: </file> found where <filename> (opened on line 4) should be closed");
    expect(errorOf("<annotation>\n<owner>A & B</owner></annotation>").message).toBe('line 2: a bare "&" (write it as &amp;)');
    expect(errorOf("\n\n<!DOCTYPE a><annotation/>").line).toBe(3);
    expect(errorOf("not xml at all").message).not.toMatch(/Invalid|\[/);
  });

  it("numbers objects by their position in the file, unreadable ones included", () => {
    const good = (n: number) => `<object><name>with_mask</name><bndbox><xmin>${n}</xmin><ymin>1</ymin><xmax>${n + 5}</xmax><ymax>9</ymax></bndbox></object>`;
    const bad = "<object><name>with_mask</name></object>";
    const result = parseVoc(`<annotation>${good(1)}${bad}${good(2)}${bad}${bad}${good(3)}${good(4)}</annotation>`);
    if (!result.ok) throw result.error;
    expect(result.annotation.objects.map((o) => o.position)).toEqual([1, 3, 6, 7]);
    expect(result.problems.map((p) => [p.code, p.objectIndex])).toEqual([["xml-object-invalid", 1], ["xml-object-invalid", 3], ["xml-object-invalid", 4]]);
  });

  it("reports a 0x0 <size> as one size problem", () => {
    const result = parseVoc("<annotation><size><width>0</width><height>0</height></size></annotation>");
    if (!result.ok) throw result.error;
    expect(result.annotation.size).toBeUndefined();
    expect(result.problems).toEqual([{ code: "size-invalid", message: "<size> says 0x0, which is not an image size" }]);
  });
});

describe("declared and marked encodings", () => {
  const doc = (filename: string, declaration = "") => `${declaration}<annotation>\n<filename>${filename}</filename>\n</annotation>`;
  const filenameOf = (bytes: Uint8Array) => {
    const result = parseVocBytes(bytes);
    if (!result.ok) throw result.error;
    return result.annotation.filename;
  };
  const utf16be = (text: string) => Buffer.from(text, "utf16le").swap16();

  it("reads UTF-16 with either byte order mark, and UTF-8 with its mark", () => {
    const text = doc("mañana 東京.png", '<?xml version="1.0" encoding="UTF-16"?>\n');
    expect(filenameOf(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]))).toBe("mañana 東京.png");
    expect(filenameOf(Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(text)]))).toBe("mañana 東京.png");
    expect(filenameOf(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(doc("mañana.png"))]))).toBe("mañana.png");
  });

  it("honours a declared ISO-8859-1 encoding", () => {
    expect(filenameOf(Buffer.from(doc("mañana.png", '<?xml version="1.0" encoding="ISO-8859-1"?>\n'), "latin1"))).toBe("mañana.png");
  });

  it("reports an invalid UTF-8 byte with its line and offset instead of replacing it", () => {
    const bytes = Buffer.concat([Buffer.from("<annotation>\n<filename>ma"), Buffer.from([0xf1]), Buffer.from("ana.png</filename>\n</annotation>")]);
    const result = parseVocBytes(bytes);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe("xml-encoding");
    expect(result.error.line).toBe(2);
    expect(result.error.message).toMatch(/^line 2: byte 0xF1 at byte offset 25 is not valid UTF-8; save the file as UTF-8, or declare/);
  });
});

describe("serializeVoc", () => {
  it("round-trips everything it parsed, extra tags included", () => {
    const first = parseVoc(KAGGLE_LIKE);
    if (!first.ok) throw first.error;
    const again = parseVoc(serializeVoc(first.annotation));
    if (!again.ok) throw again.error;
    expect(again.annotation).toEqual(first.annotation);
  });
});

describe("character references", () => {
  it("reads predefined and numeric references and writes them back escaped exactly once", () => {
    const xml = "<annotation><filename>caf&#233; &amp; co &lt;1&gt;.jpg</filename><owner>A &amp; B</owner></annotation>";
    const first = parseVoc(xml);
    if (!first.ok) throw first.error;
    expect(first.annotation.filename).toBe("café & co <1>.jpg");
    const written = serializeVoc(first.annotation);
    expect(written).toContain("café &amp; co &lt;1&gt;.jpg");
    const again = parseVoc(written);
    if (!again.ok) throw again.error;
    expect(again.annotation).toEqual(first.annotation);
  });
});

describe("VOC ↔ pixel coordinates", () => {
  it("maps 1-based inclusive to 0-based max-exclusive and back", () => {
    expect(vocToPixelBox({ xmin: 1, ymin: 1, xmax: 10, ymax: 20 })).toEqual({ xmin: 0, ymin: 0, xmax: 10, ymax: 20 });
    expect(pixelBoxToVoc({ xmin: 0, ymin: 0, xmax: 10, ymax: 20 })).toEqual({ xmin: 1, ymin: 1, xmax: 10, ymax: 20 });
    const fractional = { xmin: 3.25, ymin: 7.5, xmax: 10.5, ymax: 20.75 };
    expect(pixelBoxToVoc(fractional)).toEqual({ xmin: 4.25, ymin: 8.5, xmax: 10.5, ymax: 20.75 });
    expect(vocToPixelBox(pixelBoxToVoc(fractional))).toEqual(fractional);
  });
});
