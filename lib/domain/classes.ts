/**
 * The face-mask class catalogue, in the order the Kaggle dataset and our UI use. A new class is
 * one entry here and in each Record below; the editor's keys, every colour and label, and the
 * charts follow from them, and the sample generator (synthetic-scene.ts) fails to compile until
 * it knows how to draw the new class.
 */
export const FACEMASK_CLASSES = ["with_mask", "without_mask", "mask_weared_incorrect"] as const;
export type FacemaskClass = (typeof FACEMASK_CLASSES)[number];

export const CLASS_LABELS: Record<FacemaskClass, string> = {
  with_mask: "With mask",
  without_mask: "Without mask",
  mask_weared_incorrect: "Mask worn incorrectly",
};

/** Colours chosen to stay distinguishable for the common colour-vision deficiencies. */
export const CLASS_COLORS: Record<FacemaskClass, string> = {
  with_mask: "#1b9e77",
  without_mask: "#d95f02",
  mask_weared_incorrect: "#7570b3",
};

/** Whether a face of the class needs someone's attention: what image-level accuracy asks about by default. */
export const CLASS_NEEDS_ATTENTION: Record<FacemaskClass, boolean> = {
  with_mask: false,
  without_mask: true,
  mask_weared_incorrect: true,
};

export function isFacemaskClass(name: string): name is FacemaskClass {
  return (FACEMASK_CLASSES as readonly string[]).includes(name);
}

/** What the UI draws classes with: a catalogue's labels and colours, keyed by class name. */
export interface ClassCatalogue<C extends string = string> {
  labels: Readonly<Record<C, string>>;
  colors: Readonly<Record<C, string>>;
}

export const FACEMASK_CATALOGUE: ClassCatalogue<FacemaskClass> = { labels: CLASS_LABELS, colors: CLASS_COLORS };

/** The colour of a class the catalogue does not know (a dataset imported with names of its own). */
export const OTHER_CLASS_COLOR = "#888888";

/** A class's colour wherever it is drawn: boxes, swatches, chart series. */
export function classColor(name: string, catalogue: ClassCatalogue = FACEMASK_CATALOGUE): string {
  return Object.hasOwn(catalogue.colors, name) ? catalogue.colors[name]! : OTHER_CLASS_COLOR;
}

/** A class's name for people; a class the catalogue does not know keeps its own name. */
export function classLabel(name: string, catalogue: ClassCatalogue = FACEMASK_CATALOGUE): string {
  return Object.hasOwn(catalogue.labels, name) ? catalogue.labels[name]! : name;
}
