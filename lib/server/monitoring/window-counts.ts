import { Prisma } from "@/generated/prisma/client";
import { categoryCountsFromTotals } from "@/lib/domain/drift/categories";
import { mergeVectorSums, sumVectors, type VectorSum } from "@/lib/domain/drift/embedding";
import { decodeCompactEmbedding } from "@/lib/domain/drift/embedding-bytes";
import { featureOf, type FeatureName, type ReferenceSet, type WindowCounts } from "@/lib/domain/drift/features";
import { db as defaultDb, type Db } from "../platform/db";

/** A window of the prediction log: one model version, minutes [startMinute, endMinute). */
export interface LogWindow {
  modelVersionId: string;
  startMinute: number;
  endMinute: number;
}

/** The SQL value of each numeric feature, per row of Prediction (image level) or PredictionBox (box level). */
const FEATURE_SQL: Record<Exclude<FeatureName, "class_mix">, string> = {
  brightness: `"brightness"`,
  contrast: `"contrast"`,
  sharpness: `"sharpness"`,
  megapixels: `("imageWidth" * "imageHeight") / 1000000.0`,
  box_count: `"boxCount"`,
  max_confidence: `"maxScore"`,
  confidence: `"score"`,
  box_size: `"relativeSize"`,
};

const toNumber = (value: bigint | number | null | undefined) => Number(value ?? 0);

/**
 * Per-bin counts of every monitored feature over a window, aggregated in the database: one scan
 * of Prediction and one of PredictionBox, each a list of SUM(CASE …) over the reference's fixed
 * edges (the layout of lib/domain/drift/binning: underflow, regular bins, overflow; NULL is
 * missing), plus one GROUP BY for the class mix. No row reaches the process; plain SQL that
 * SQLite and PostgreSQL both run.
 */
export async function windowCounts(window: LogWindow, references: ReferenceSet, database: Db = defaultDb()): Promise<{ predictionCount: number; counts: WindowCounts }> {
  const counts: WindowCounts = {};
  const imageFeatures: FeatureName[] = [];
  const boxFeatures: FeatureName[] = [];
  for (const [name, reference] of Object.entries(references) as Array<[FeatureName, NonNullable<ReferenceSet[FeatureName]>]>) {
    if (reference.kind !== "numeric") continue;
    (featureOf(name)!.level === "image" ? imageFeatures : boxFeatures).push(name);
  }
  const where = Prisma.sql`"modelVersionId" = ${window.modelVersionId} AND "minute" >= ${window.startMinute} AND "minute" < ${window.endMinute}`;

  const imageRow = await scan("Prediction", imageFeatures, references, where, database);
  const predictionCount = toNumber(imageRow.n);
  readCounts(imageRow, imageFeatures, references, counts);
  if (boxFeatures.length) readCounts(await scan("PredictionBox", boxFeatures, references, where, database), boxFeatures, references, counts);

  const classMix = references.class_mix;
  if (classMix?.kind === "categorical") {
    const totals = await database.$queryRaw<Array<{ className: string; n: bigint | number }>>`SELECT "className", COUNT(*) AS n FROM "PredictionBox" WHERE ${where} GROUP BY "className"`;
    counts.class_mix = { counts: categoryCountsFromTotals(totals.map((t) => [t.className, toNumber(t.n)] as const), classMix.categories), missing: 0 };
  }
  return { predictionCount, counts };
}

async function scan(table: "Prediction" | "PredictionBox", features: readonly FeatureName[], references: ReferenceSet, where: Prisma.Sql, database: Db) {
  const columns = [Prisma.sql`COUNT(*) AS n`];
  for (const name of features) {
    const reference = references[name];
    if (reference?.kind !== "numeric") continue;
    const value = Prisma.raw(FEATURE_SQL[name as Exclude<FeatureName, "class_mix">]);
    const edges = reference.edges;
    const k = edges.length;
    const bins: Prisma.Sql[] = [Prisma.sql`${value} < ${edges[0]}`];
    for (let i = 1; i <= k - 1; i++) {
      bins.push(i === k - 1 ? Prisma.sql`${value} >= ${edges[i - 1]} AND ${value} <= ${edges[i]}` : Prisma.sql`${value} >= ${edges[i - 1]} AND ${value} < ${edges[i]}`);
    }
    bins.push(Prisma.sql`${value} > ${edges[k - 1]}`);
    bins.push(Prisma.sql`${value} IS NULL`);
    bins.forEach((condition, i) => columns.push(Prisma.sql`SUM(CASE WHEN ${condition} THEN 1 ELSE 0 END) AS ${Prisma.raw(`"${name}_${i}"`)}`));
  }
  const [row] = await database.$queryRaw<Array<Record<string, bigint | number | null>>>`SELECT ${Prisma.join(columns, ", ")} FROM ${Prisma.raw(`"${table}"`)} WHERE ${where}`;
  return row ?? { n: 0 };
}

function readCounts(row: Record<string, bigint | number | null>, features: readonly FeatureName[], references: ReferenceSet, into: WindowCounts): void {
  for (const name of features) {
    const reference = references[name];
    if (reference?.kind !== "numeric") continue;
    const bins = reference.edges.length + 1;
    into[name] = { counts: Array.from({ length: bins }, (_, i) => toNumber(row[`${name}_${i}`])), missing: toNumber(row[`${name}_${bins}`]) };
  }
}

const EMBEDDING_PAGE = 5000;

/**
 * Sum and count of the window's embeddings, streamed in keyset pages of 5,000 rows (minute, id)
 * so memory stays flat at any window size. A model's embedding size never changes; a row of
 * another size (a foreign or damaged row) is skipped, not summed.
 */
export async function embeddingSum(window: LogWindow, database: Db = defaultDb()): Promise<VectorSum> {
  let total: VectorSum = { sum: [], count: 0 };
  let dimension: number | null = null;
  let after: { minute: number; id: string } | null = null;
  for (;;) {
    const page: Array<{ id: string; minute: number | bigint; embedding: Uint8Array }> = await database.$queryRaw`
      SELECT "id", "minute", "embedding" FROM "Prediction"
      WHERE "modelVersionId" = ${window.modelVersionId} AND "minute" >= ${window.startMinute} AND "minute" < ${window.endMinute} AND "embedding" IS NOT NULL
      ${after ? Prisma.sql`AND ("minute" > ${after.minute} OR ("minute" = ${after.minute} AND "id" > ${after.id}))` : Prisma.empty}
      ORDER BY "minute", "id" LIMIT ${EMBEDDING_PAGE}`;
    const vectors = page.map((row) => decodeCompactEmbedding(row.embedding));
    dimension ??= vectors[0]?.length ?? null;
    total = mergeVectorSums(total, sumVectors(vectors.filter((v) => v.length === dimension)));
    if (page.length < EMBEDDING_PAGE) return total;
    const last = page[page.length - 1]!;
    after = { minute: Number(last.minute), id: last.id };
  }
}

/** An hour counts as closed (no prediction will still land in it) this many minutes after it ends. */
const HOUR_CLOSED_AFTER_MINUTES = 2;

function sumBytes(sum: readonly number[]): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(sum.length * 8);
  const view = new DataView(bytes.buffer);
  sum.forEach((v, i) => view.setFloat64(i * 8, v, true));
  return bytes;
}

function bytesSum(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: bytes.byteLength / 8 }, (_, i) => view.getFloat64(i * 8, true));
}

/**
 * The window's embedding sum from hourly rollups: every closed hour inside the window is read
 * from EmbeddingRollup, or streamed once and stored there; only the window's ragged edges and
 * the still-open hour are streamed each time. Each embedding is thus read about once in its life,
 * which is what keeps a window over a million predictions in seconds.
 */
export async function windowEmbeddingSum(window: LogWindow, database: Db = defaultDb(), now = new Date()): Promise<VectorSum> {
  const firstHour = Math.ceil(window.startMinute / 60);
  const closedUntil = Math.floor((Math.floor(now.getTime() / 60_000) - HOUR_CLOSED_AFTER_MINUTES) / 60);
  const lastHour = Math.min(Math.floor(window.endMinute / 60), closedUntil); // exclusive
  if (lastHour <= firstHour) return embeddingSum(window, database);
  // Parts of another dimension are left out, as embeddingSum leaves out rows.
  let total: VectorSum = { sum: [], count: 0 };
  const add = (part: VectorSum) => {
    if (part.count > 0 && (total.count === 0 || part.sum.length === total.sum.length)) total = mergeVectorSums(total, part);
  };
  add(await embeddingSum({ ...window, endMinute: firstHour * 60 }, database));
  add(await embeddingSum({ ...window, startMinute: lastHour * 60 }, database));
  const stored = await database.embeddingRollup.findMany({ where: { modelVersionId: window.modelVersionId, hour: { gte: firstHour, lt: lastHour } } });
  const byHour = new Map(stored.map((r) => [r.hour, r]));
  for (let hour = firstHour; hour < lastHour; hour++) {
    const rollup = byHour.get(hour);
    if (rollup) {
      add({ sum: bytesSum(rollup.sum), count: rollup.count });
      continue;
    }
    const part = await embeddingSum({ modelVersionId: window.modelVersionId, startMinute: hour * 60, endMinute: hour * 60 + 60 }, database);
    await database.embeddingRollup.upsert({
      where: { modelVersionId_hour: { modelVersionId: window.modelVersionId, hour } },
      create: { modelVersionId: window.modelVersionId, hour, count: part.count, sum: sumBytes(part.sum) },
      update: {},
    });
    add(part);
  }
  return total;
}
