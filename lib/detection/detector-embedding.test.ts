import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import type { DetectorFamilyId } from "@/lib/domain/detector-families";
import { EMBEDDING_DIMENSIONS } from "@/lib/domain/drift/projection";
import { SeededRandom } from "@/lib/domain/random";
import { modelToFiles } from "./artifact";
import { EMBEDDING_SOURCE_LAYER } from "./common/embedding";
import type { RgbImage } from "./common/preprocess";
import type { Detector } from "./detector";
import { DETECTOR_FAMILIES, detectorMetadata, loadDetector } from "./families";
import { useNodeBackend } from "./tf/node-backend";

const SIZE = 64;
const CLASSES = ["with_mask", "without_mask", "mask_weared_incorrect"];
const options = { inputSize: SIZE, numClasses: CLASSES.length, width: "n", seed: 3 } as const;
// Every candidate box kept, so comparing detections compares many boxes, not an empty list.
const KEEP_ALL = { scoreThreshold: 0, maxDetections: 50 };

const metadataOf = (kind: DetectorFamilyId) => detectorMetadata(kind, { width: "n", backbone: "scratch", classes: CLASSES, inputSize: SIZE });
/** A randomly initialised model of `kind`: the whole detector (image in), or its heads only. */
const modelOf = (kind: DetectorFamilyId, whole = true) => DETECTOR_FAMILIES[kind].recipe.buildTrainable(options, whole ? {} : undefined);
const detectorOf = (kind: DetectorFamilyId, whole = true): Detector => DETECTOR_FAMILIES[kind].detector(modelOf(kind, whole), metadataOf(kind));

/** Random 128×96 RGB noise: letterboxed into the 64 px input with padding above and below. */
function noise(seed: number): RgbImage {
  const random = new SeededRandom(seed);
  return { data: Uint8Array.from({ length: 128 * 96 * 3 }, () => random.int(0, 255)), width: 128, height: 96 };
}

let images: RgbImage[];

beforeAll(async () => {
  await useNodeBackend("wasm");
  images = [noise(7), noise(8)];
});

describe.each(["one_stage", "two_stage"] as const)("detectWithEmbedding (%s)", (kind) => {
  it("gives detect()'s detections and one finite 128-d embedding per image, without leaking tensors", async () => {
    const detector = detectorOf(kind);
    const expected = await detector.detect(images, KEEP_ALL);
    const first = await detector.detectWithEmbedding(images, KEEP_ALL); // builds the model with the pooled output
    const before = tf.memory().numTensors;
    const { detections, embeddings } = await detector.detectWithEmbedding(images, KEEP_ALL);
    expect(tf.memory().numTensors).toBe(before);

    expect(expected[0]!.length).toBeGreaterThan(0);
    expect(detections).toEqual(expected);
    expect(first.detections).toEqual(expected);
    expect(embeddings).toHaveLength(2);
    for (const embedding of embeddings) {
      expect(embedding).toBeInstanceOf(Float32Array);
      expect(embedding.length).toBe(EMBEDDING_DIMENSIONS);
      expect(embedding.every(Number.isFinite)).toBe(true);
      expect(embedding.some((v) => v !== 0)).toBe(true);
    }
    // Different images, different embeddings; the same call again, the same ones.
    expect(embeddings[0]).not.toEqual(embeddings[1]);
    expect(first.embeddings).toEqual(embeddings);
    detector.dispose();
  });

  it("gives the same image the same embedding wherever it sits in the batch", async () => {
    const detector = detectorOf(kind);
    const { embeddings } = await detector.detectWithEmbedding([images[1]!, images[1]!]);
    const alone = await detector.detectWithEmbedding(images);
    expect(embeddings[0]).toEqual(embeddings[1]);
    expect(embeddings[0]).toEqual(alone.embeddings[1]);
    detector.dispose();
  });

  it("gives the same on the model loaded back from its artifact files (what the server runs)", async () => {
    const model = modelOf(kind);
    const files = await modelToFiles(model, metadataOf(kind));
    const original = DETECTOR_FAMILIES[kind].detector(model, metadataOf(kind));
    const loaded = await loadDetector(files);
    expect(await loaded.detectWithEmbedding(images, KEEP_ALL)).toEqual(await original.detectWithEmbedding(images, KEEP_ALL));
    original.dispose();
    loaded.dispose();
  });

  it("refuses a heads-only model (features in, no backbone)", async () => {
    const features = detectorOf(kind, false);
    await expect(features.detectWithEmbedding(images)).rejects.toThrow(new RegExp(`no backbone layer "${EMBEDDING_SOURCE_LAYER}"`));
    features.dispose();
  });
});
