import sharp from "sharp";
import { db as defaultDb, type Db } from "../platform/db";
import type { BlobStore } from "../platform/storage";

export const SHIFTS = ["none", "dark", "crowd", "nomask", "camera"] as const;
export type Shift = (typeof SHIFTS)[number];

/** The images a simulation replays: a dataset's originals with the classes of their boxes. */
export interface ReplayImage {
  fileName: string;
  bytes: Buffer;
  classes: string[];
}

export async function replayImages(datasetName: string, deps: { store: BlobStore; db?: Db }, limit = 400, splits?: readonly string[]): Promise<ReplayImage[]> {
  const database = deps.db ?? defaultDb();
  const dataset = await database.dataset.findUnique({ where: { name: datasetName }, select: { id: true } });
  if (!dataset) throw new Error(`no dataset "${datasetName}"`);
  const images = await database.image.findMany({ where: { datasetId: dataset.id, ...(splits?.length ? { split: { in: [...splits] } } : {}) }, orderBy: { fileName: "asc" }, take: limit, select: { fileName: true, contentHash: true, boxes: { select: { className: true } } } });
  if (images.length === 0) throw new Error(`dataset "${datasetName}" has no images${splits?.length ? ` in ${splits.join(", ")}` : ""}`);
  return Promise.all(images.map(async (i) => ({ fileName: i.fileName, bytes: await deps.store.get(i.contentHash), classes: i.boxes.map((b) => b.className) })));
}

/**
 * The distribution shifts a simulation can apply, each a change a real deployment sees:
 * - dark: an underexposed camera (pixels × 0.35);
 * - crowd: four frames tiled 2 × 2 into one, so more and smaller faces per image;
 * - nomask: only images whose people wear no mask (by their labels), so the class mix moves;
 * - camera: a new, worse camera: its own source tag, a third of the resolution, blur and a colour cast.
 * `pick(i)` is the i-th image of the stream; the same i always gives the same image.
 */
export function shiftedStream(images: readonly ReplayImage[], shift: Shift): { source: (base: string) => string; pick: (i: number) => Promise<Buffer> } {
  const pool = shift === "nomask" ? images.filter((i) => i.classes.length > 0 && i.classes.every((c) => c === "without_mask")) : images;
  if (pool.length === 0) throw new Error(`no image fits the "${shift}" shift (nomask needs images whose boxes are all without_mask)`);
  const at = (i: number) => pool[i % pool.length]!.bytes;
  return {
    source: (base) => (shift === "camera" ? `${base}-new-camera` : base),
    async pick(i) {
      if (shift === "dark") return sharp(at(i)).linear(0.35, 0).jpeg({ quality: 90 }).toBuffer();
      if (shift === "camera") {
        const { width = 320 } = await sharp(at(i)).metadata();
        return sharp(at(i)).resize({ width: Math.max(64, Math.round(width / 3)) }).blur(1.5).modulate({ saturation: 0.5, hue: 40 }).jpeg({ quality: 70 }).toBuffer();
      }
      if (shift === "crowd") return mosaic([at(4 * i), at(4 * i + 1), at(4 * i + 2), at(4 * i + 3)]);
      return at(i);
    },
  };
}

async function mosaic(tiles: Buffer[]): Promise<Buffer> {
  const { width = 320, height = 240 } = await sharp(tiles[0]).metadata();
  const w = Math.floor(width / 2);
  const h = Math.floor(height / 2);
  const parts = await Promise.all(tiles.map((t) => sharp(t).resize(w, h, { fit: "fill" }).removeAlpha().png().toBuffer()));
  return sharp({ create: { width: w * 2, height: h * 2, channels: 3, background: "#777" } })
    .composite(parts.map((input, k) => ({ input, left: (k % 2) * w, top: Math.floor(k / 2) * h })))
    .jpeg({ quality: 90 })
    .toBuffer();
}
