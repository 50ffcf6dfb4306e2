import { DETECTOR_FAMILY_CATALOGUE, familyOfArchitecture, type DetectorFamilyId } from "@/lib/domain/detector-families";
import type { ArtifactFiles, ModelMetadata } from "@/lib/contracts/artifact";
import { modelFromFiles } from "./artifact";
import { DEFAULT_POSTPROCESS } from "./common/postprocess";
import { LETTERBOX_FILL } from "./common/preprocess";
import type { Detector } from "./detector";
import type { DetectorFamily, Width } from "./detector-family";
import { oneStageFamily } from "./one-stage/family";
import { twoStageFamily } from "./two-stage/family";

/** Every detector family, by its id: training dispatches on a job's kind, inference on masklab.json's architecture. */
export const DETECTOR_FAMILIES = {
  one_stage: oneStageFamily,
  two_stage: twoStageFamily,
} as const satisfies Record<DetectorFamilyId, DetectorFamily>;

/** A model version's files (masklab.json validated) as a Detector of the family its architecture names; the caller disposes it. */
export async function loadDetector(files: ArtifactFiles): Promise<Detector> {
  const { model, metadata } = await modelFromFiles(files);
  return DETECTOR_FAMILIES[familyOfArchitecture(metadata.architecture)].detector(model, metadata);
}

/** masklab.json of a model this family builds: everything inference needs, in Node and the browser. */
export function detectorMetadata(family: DetectorFamilyId, settings: { width: Width; backbone: string; classes: string[]; inputSize: number }): ModelMetadata {
  return {
    format: "masklab-detector/1",
    architecture: DETECTOR_FAMILY_CATALOGUE[family].architecture,
    ...DETECTOR_FAMILIES[family].recipe.metadata(settings.inputSize),
    ...settings,
    preprocessing: { letterboxFill: LETTERBOX_FILL, normalize: "pixels/127.5-1" },
    postprocessing: DEFAULT_POSTPROCESS,
  };
}
