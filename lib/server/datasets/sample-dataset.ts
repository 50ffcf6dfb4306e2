import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";
import { pixelBoxToVoc, serializeVoc, type VocAnnotation } from "@/lib/domain/voc";
import { generateScene, sceneToSvg, type SyntheticScene } from "@/lib/domain/synthetic-scene";
import { deriveSeed, SeededRandom } from "@/lib/domain/random";

export const SAMPLE_DATASET_NAME = "sample-facemask";
export const SAMPLE_DEFAULTS = { count: 300, seed: 20261122 } as const;

export interface SampleOptions {
  count?: number;
  seed?: number;
  onProgress?: (done: number, total: number) => void;
}

interface SampleManifest {
  count: number;
  seed: number;
  generator: number;
}

// Bump when the generator's output changes, so an old folder is regenerated instead of reused.
const GENERATOR_VERSION = 2;
const MANIFEST = "masklab-sample.json";

export function sampleImageName(index: number): string {
  return `sample_${String(index).padStart(4, "0")}`;
}

/**
 * Writes the synthetic sample as a standard Pascal VOC folder (JPEGImages/, Annotations/,
 * ImageSets/Main/{train,val,test}.txt). Reuses an existing complete folder with the same
 * parameters; a half-written folder (no manifest) is regenerated.
 */
export async function writeSampleDataset(outDir: string, options: SampleOptions = {}): Promise<{ reused: boolean }> {
  const count = options.count ?? SAMPLE_DEFAULTS.count;
  const seed = options.seed ?? SAMPLE_DEFAULTS.seed;
  const wanted: SampleManifest = { count, seed, generator: GENERATOR_VERSION };
  const existing = await readFile(path.join(outDir, MANIFEST), "utf8").then(
    (text) => JSON.parse(text) as SampleManifest,
    () => null,
  );
  if (existing && JSON.stringify(existing) === JSON.stringify(wanted)) return { reused: true };

  await rm(outDir, { recursive: true, force: true });
  for (const sub of ["JPEGImages", "Annotations", "ImageSets/Main"]) await mkdir(path.join(outDir, sub), { recursive: true });

  const splitRng = new SeededRandom(deriveSeed(seed, -1));
  const splits: Record<"train" | "val" | "test", string[]> = { train: [], val: [], test: [] };
  let done = 0;
  const indices = Array.from({ length: count }, (_, i) => i);
  // Two renders in flight keep both cores busy without flooding memory.
  const lanes = Array.from({ length: 2 }, async () => {
    for (let i = indices.shift(); i !== undefined; i = indices.shift()) {
      await writeSampleImage(outDir, i, generateScene(seed, i));
      options.onProgress?.(++done, count);
    }
  });
  await Promise.all(lanes);
  for (let i = 0; i < count; i++) {
    const r = splitRng.next();
    splits[r < 0.7 ? "train" : r < 0.85 ? "val" : "test"].push(sampleImageName(i));
  }
  for (const [split, names] of Object.entries(splits)) {
    await writeFile(path.join(outDir, "ImageSets/Main", `${split}.txt`), names.join("\n") + "\n");
  }
  await writeFile(path.join(outDir, MANIFEST), JSON.stringify(wanted) + "\n");
  return { reused: false };
}

async function writeSampleImage(outDir: string, index: number, scene: SyntheticScene): Promise<void> {
  const name = sampleImageName(index);
  let image = sharp(Buffer.from(sceneToSvg(scene)));
  if (scene.blurSigma > 0) image = image.blur(Math.max(0.3, scene.blurSigma));
  const jpeg = await image.flatten({ background: "#808080" }).jpeg({ quality: scene.jpegQuality }).toBuffer();
  const annotation: VocAnnotation = {
    folder: "JPEGImages",
    filename: `${name}.jpg`,
    size: { width: scene.width, height: scene.height, depth: 3 },
    extra: { source: { database: "Masklab synthetic sample" }, segmented: 0 },
    objects: scene.faces.map((face) => ({
      name: face.className,
      box: pixelBoxToVoc(face.box),
      pose: "Unspecified",
      truncated: face.truncated,
      occluded: false,
      difficult: false,
      extra: {},
    })),
  };
  await writeFile(path.join(outDir, "JPEGImages", `${name}.jpg`), jpeg);
  await writeFile(path.join(outDir, "Annotations", `${name}.xml`), serializeVoc(annotation));
}
