import type { PixelBox } from "@/lib/domain/box";

/** A labelled box in model-input pixels, as every family's training targets are built from. */
export interface GroundTruth {
  box: PixelBox;
  classIndex: number;
}
