import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { EMBEDDING_DIMENSIONS } from "@/lib/domain/drift/projection";
import { modelFromFiles, modelToFiles } from "./artifact";
import { detectorFor, EMBEDDING_SOURCE_LAYER, type Detector } from "./detector";
import { letterboxFor } from "./letterbox";
import { detectorMetadata, RECIPES, type DetectorKind } from "./recipes";
import { useNodeBackend } from "./tf/node-backend";

const SIZE = 64;
const CLASSES = ["with_mask", "without_mask", "mask_weared_incorrect"];
const options = { inputSize: SIZE, numClasses: CLASSES.length, width: "n", seed: 3 } as const;
// Every candidate box kept, so comparing detections compares many boxes, not an empty list.
const KEEP_ALL = { scoreThreshold: 0, maxDetections: 50 };
const letterbox = letterboxFor({ width: 128, height: 96 }, SIZE);

const metadataOf = (kind: DetectorKind) => detectorMetadata(RECIPES[kind], { width: "n", backbone: "scratch", classes: CLASSES, inputSize: SIZE });
/** A randomly initialised model of `kind`: the whole detector (image in), or its heads only. */
const modelOf = (kind: DetectorKind, whole = true) => RECIPES[kind].buildTrainable(options, whole ? {} : undefined);
const detectorOf = (kind: DetectorKind, whole = true): Detector => detectorFor(modelOf(kind, whole), metadataOf(kind));

let images: tf.Tensor4D;

beforeAll(async () => {
  await useNodeBackend("wasm");
  images = tf.randomUniform([2, SIZE, SIZE, 3], -1, 1, "float32", 7) as tf.Tensor4D;
});

describe.each(["one_stage", "two_stage"] as const)("detectWithEmbedding (%s)", (kind) => {
  it("gives detect()'s detections and one finite 128-d embedding per image, without leaking tensors", async () => {
    const detector = detectorOf(kind);
    const letterboxes = [letterbox, letterbox];
    const expected = await detector.detect(images, letterboxes, KEEP_ALL);
    const first = await detector.detectWithEmbedding(images, letterboxes, KEEP_ALL); // builds the model with the pooled output
    const before = tf.memory().numTensors;
    const { detections, embeddings } = await detector.detectWithEmbedding(images, letterboxes, KEEP_ALL);
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
  });

  it("gives the same image the same embedding wherever it sits in the batch", async () => {
    const detector = detectorOf(kind);
    const twice = tf.concat([images.slice(1, 1), images.slice(1, 1)]);
    const { embeddings } = await detector.detectWithEmbedding(twice, [letterbox, letterbox]);
    const alone = await detector.detectWithEmbedding(images, [letterbox, letterbox]);
    twice.dispose();
    expect(embeddings[0]).toEqual(embeddings[1]);
    expect(embeddings[0]).toEqual(alone.embeddings[1]);
  });

  it("gives the same on the model loaded back from its artifact files (what the server runs)", async () => {
    const model = modelOf(kind);
    const loaded = await modelFromFiles(await modelToFiles(model, metadataOf(kind)));
    const original = await detectorFor(model, metadataOf(kind)).detectWithEmbedding(images, [letterbox, letterbox], KEEP_ALL);
    expect(await detectorFor(loaded.model, loaded.metadata).detectWithEmbedding(images, [letterbox, letterbox], KEEP_ALL)).toEqual(original);
  });

  it("refuses a heads-only model (features in, no backbone)", async () => {
    const features = detectorOf(kind, false);
    await expect(features.detectWithEmbedding(images, [letterbox, letterbox])).rejects.toThrow(new RegExp(`no backbone layer "${EMBEDDING_SOURCE_LAYER}"`));
  });
});
