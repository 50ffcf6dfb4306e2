import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { ARCHITECTURES, DETECTOR_FAMILY_CATALOGUE, DETECTOR_FAMILY_IDS, familyOfArchitecture } from "@/lib/domain/detector-families";
import { SeededRandom } from "@/lib/domain/random";
import { JOB_KINDS } from "@/lib/domain/states";
import { modelMetadataSchema } from "@/lib/contracts/artifact";
import { modelToFiles } from "./artifact";
import { modelInput, pixelsTensor, type RgbImage } from "./common/preprocess";
import { DETECTOR_FAMILIES, detectorMetadata, loadDetector } from "./families";
import { useNodeBackend } from "./tf/node-backend";

const SIZE = 64;
const CLASSES = ["with_mask", "without_mask", "mask_weared_incorrect"];
const options = { inputSize: SIZE, numClasses: CLASSES.length, width: "n", seed: 5 } as const;
const KEEP_ALL = { scoreThreshold: 0, maxDetections: 40 };
const metadataOf = (kind: (typeof DETECTOR_FAMILY_IDS)[number]) => detectorMetadata(kind, { width: "n", backbone: "scratch", classes: CLASSES, inputSize: SIZE });

function noise(seed: number, width: number, height: number): RgbImage {
  const random = new SeededRandom(seed);
  return { data: Uint8Array.from({ length: width * height * 3 }, () => random.int(0, 255)), width, height };
}

beforeAll(async () => {
  await useNodeBackend("wasm");
});

describe("the detector family registry", () => {
  it("registers every family of the catalogue under its own id, and job kinds and architectures are the catalogue's", () => {
    expect(Object.keys(DETECTOR_FAMILIES)).toEqual(DETECTOR_FAMILY_IDS);
    expect(JOB_KINDS).toEqual(DETECTOR_FAMILY_IDS);
    expect(ARCHITECTURES).toEqual(DETECTOR_FAMILY_IDS.map((id) => DETECTOR_FAMILY_CATALOGUE[id].architecture));
    expect(new Set(ARCHITECTURES).size).toBe(ARCHITECTURES.length);
    for (const id of DETECTOR_FAMILY_IDS) {
      const family = DETECTOR_FAMILIES[id];
      expect(family.id).toBe(id);
      expect(familyOfArchitecture(DETECTOR_FAMILY_CATALOGUE[id].architecture)).toBe(id);
      for (const step of ["buildTrainable", "withBackbone", "stepper", "metadata"] as const) expect(family.recipe[step]).toBeTypeOf("function");
      expect(family.detector).toBeTypeOf("function");
    }
  });

  it.each(DETECTOR_FAMILY_IDS)("%s: its masklab.json is valid, names its architecture and carries anchors exactly when the family has them", (id) => {
    const metadata = modelMetadataSchema.parse(metadataOf(id));
    expect(metadata.architecture).toBe(DETECTOR_FAMILY_CATALOGUE[id].architecture);
    expect(metadata.anchors !== undefined).toBe(DETECTOR_FAMILY_CATALOGUE[id].anchors);
    if (DETECTOR_FAMILY_CATALOGUE[id].anchors) expect(() => modelMetadataSchema.parse({ ...metadata, anchors: undefined })).toThrow(/anchors/);
  });

  it.each(DETECTOR_FAMILY_IDS)("%s: loads from its files as its own family, detects on pixels exactly as on modelInput's batch and each way from one pass as a pass per way, names classes, and dispose() frees every tensor", async (id) => {
    const before = tf.memory().numTensors;
    const trained = DETECTOR_FAMILIES[id].recipe.buildTrainable(options, {});
    const files = await modelToFiles(trained, metadataOf(id));
    trained.dispose();
    expect(tf.memory().numTensors).toBe(before);

    const detector = await loadDetector(files);
    expect(detector.metadata).toMatchObject({ architecture: DETECTOR_FAMILY_CATALOGUE[id].architecture });
    const images = [noise(1, 120, 80), noise(2, 50, 90)];
    const detections = await detector.detect(images, KEEP_ALL);
    expect(detections).toHaveLength(2);
    expect(detections[0]!.length).toBeGreaterThan(0);
    for (const d of detections.flat()) expect(d.className).toBe(CLASSES[d.classIndex]);
    // The one entry point is the tensor path's pre- and post-processing, nothing more: same numbers.
    for (const [n, image] of images.entries()) {
      const pixels = pixelsTensor(image);
      const { batch, letterbox } = modelInput(pixels, SIZE);
      expect(await detector.detectPrepared(batch, [letterbox], KEEP_ALL)).toEqual([detections[n]]);
      tf.dispose([pixels, batch]);
    }
    expect(await detector.detect([])).toEqual([]);
    // Post-processed several ways from one forward pass: exactly what a pass per way gives.
    const facesOnly = { ...KEEP_ALL, faces: true, maxDetections: 5 };
    const faces = await detector.detect(images, facesOnly);
    expect(faces).not.toEqual(detections);
    expect(await detector.detectEachWay(images, [KEEP_ALL, facesOnly])).toEqual([detections, faces]);
    expect(await detector.detectEachWay([], [KEEP_ALL, facesOnly])).toEqual([[], []]);
    await detector.detectWithEmbedding(images);
    detector.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("lib/detection's imports", () => {
  const root = import.meta.dirname;
  const sources = readdirSync(root, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts"))
    .map((file) => ({ file, imports: [...readFileSync(path.join(root, file), "utf8").matchAll(/^import[^;]*? from "([^"]+)";/gms)].map((m) => m[1]!) }));
  const familyFolders = DETECTOR_FAMILY_IDS.map((id) => id.replace("_", "-"));

  it("has one folder per family, and no family imports another's", () => {
    for (const folder of familyFolders) expect(sources.some((s) => s.file.startsWith(`${folder}/`) && s.file.endsWith("family.ts"))).toBe(true);
    for (const { file, imports } of sources) {
      const own = familyFolders.find((folder) => file.startsWith(`${folder}/`));
      if (!own) continue;
      const others = familyFolders.filter((folder) => folder !== own);
      expect(imports.filter((spec) => others.some((other) => spec.includes(`/${other}/`))), file).toEqual([]);
    }
  });

  it("imports nothing of ours but lib/domain and lib/contracts (tests may use lib/server's fixtures)", () => {
    for (const { file, imports } of sources.filter((s) => !s.file.endsWith(".test.ts"))) {
      expect(imports.filter((spec) => spec.startsWith("@/") && !spec.startsWith("@/lib/domain/") && !spec.startsWith("@/lib/contracts/")), file).toEqual([]);
    }
  });
});
