import { describe, expect, it } from "vitest";
import { EXPORT_FORMAT_CATALOGUE, EXPORT_FORMATS, exportMenuLabel, formatsPackagedAs, isExportFormat, PACKAGING_EXTENSIONS, packagingOf, packagingRefusal } from "./export-formats";

describe("the export format catalogue", () => {
  it("names every format for the menu, with the packaging it offers", () => {
    expect(EXPORT_FORMATS.map(exportMenuLabel)).toEqual(["Pascal VOC (.zip)", "COCO (.zip)", "YOLO (.zip)"]);
    for (const format of EXPORT_FORMATS) expect(EXPORT_FORMAT_CATALOGUE[format].packagings).toContain("zip");
  });

  it("tells formats from other strings", () => {
    expect(EXPORT_FORMATS.every(isExportFormat)).toBe(true);
    expect(isExportFormat("VOC")).toBe(false);
    expect(isExportFormat(undefined)).toBe(false);
  });

  it("reads the packaging from a file's extension", () => {
    expect(packagingOf("out/faces.ZIP")).toBe("zip");
    expect(packagingOf("faces.v2.json")).toBe("json");
    expect(packagingOf("faces.tar")).toBeNull();
    expect(packagingOf("faces")).toBeNull();
    expect(packagingOf(".zip")).toBeNull();
    expect(PACKAGING_EXTENSIONS).toBe(".zip or .json");
  });

  it("refuses a packaging a format lacks, saying which formats have it", () => {
    expect(formatsPackagedAs("json")).toBe("COCO");
    expect(packagingRefusal("coco", "json")).toBeNull();
    expect(packagingRefusal("yolo", "zip")).toBeNull();
    expect(packagingRefusal("voc", "json")).toBe("only COCO can be written as .json alone; Pascal VOC needs a .zip");
  });
});
