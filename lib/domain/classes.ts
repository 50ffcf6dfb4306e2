/** The face-mask class catalogue, in the order the Kaggle dataset and our UI use. */
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

export function isFacemaskClass(name: string): name is FacemaskClass {
  return (FACEMASK_CLASSES as readonly string[]).includes(name);
}
