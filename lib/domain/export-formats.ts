import { isOneOf } from "./states";

/**
 * The formats a dataset exports to. A new format is one entry here (what people and the menu
 * call it, how it is packaged) and its writer, registered in lib/server/datasets/dataset-export.ts
 * under the same id (that Record fails to compile until it is).
 */
export const EXPORT_FORMATS = ["voc", "coco", "yolo"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** A zip of the images and their labels, or the annotation file alone (no images): also the file's extension. */
export const EXPORT_PACKAGINGS = ["zip", "json"] as const;
export type ExportPackaging = (typeof EXPORT_PACKAGINGS)[number];

/** The packaging a target file name asks for by its extension (any case), or null. */
export function packagingOf(fileName: string): ExportPackaging | null {
  const extension = /[^/\\]\.([^./\\]+)$/.exec(fileName)?.[1]?.toLowerCase();
  return EXPORT_PACKAGINGS.find((packaging) => packaging === extension) ?? null;
}

/** ".zip or .json" */
export const PACKAGING_EXTENSIONS = EXPORT_PACKAGINGS.map((packaging) => `.${packaging}`).join(" or ");

export interface ExportFormatFacts {
  /** how the export menu, the CLI and messages name it */
  label: string;
  /** the packagings it can be written as; the first is the one the export menu offers */
  packagings: readonly [ExportPackaging, ...ExportPackaging[]];
}

export const EXPORT_FORMAT_CATALOGUE: Readonly<Record<ExportFormat, ExportFormatFacts>> = {
  voc: { label: "Pascal VOC", packagings: ["zip"] },
  coco: { label: "COCO", packagings: ["zip", "json"] },
  yolo: { label: "YOLO", packagings: ["zip"] },
};

export function isExportFormat(value: unknown): value is ExportFormat {
  return isOneOf(EXPORT_FORMATS, value);
}

/** "Pascal VOC (.zip)": a format as the export menu offers it. */
export function exportMenuLabel(format: ExportFormat): string {
  const { label, packagings } = EXPORT_FORMAT_CATALOGUE[format];
  return `${label} (.${packagings[0]})`;
}

/** "COCO": the formats that can be written as this packaging, by label. */
export function formatsPackagedAs(packaging: ExportPackaging): string {
  return EXPORT_FORMATS.filter((f) => EXPORT_FORMAT_CATALOGUE[f].packagings.includes(packaging))
    .map((f) => EXPORT_FORMAT_CATALOGUE[f].label)
    .join(" and ");
}

/**
 * Why a format cannot be written as this packaging, in words for the person who asked
 * ("only COCO can be written as .json alone; Pascal VOC needs a .zip"), or null when it can.
 */
export function packagingRefusal(format: ExportFormat, packaging: ExportPackaging): string | null {
  const { label, packagings } = EXPORT_FORMAT_CATALOGUE[format];
  if (packagings.includes(packaging)) return null;
  return `only ${formatsPackagedAs(packaging)} can be written as .${packaging} alone; ${label} needs a .${packagings[0]}`;
}
