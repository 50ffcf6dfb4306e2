import type { LabelingBatchResult } from "@/lib/contracts/http/monitoring";
import { alertEventDetailColumn } from "@/lib/contracts/stored/monitoring";
import { toStoredJson } from "@/lib/contracts/stored/parse";
import type { AlertEventKind } from "@/lib/domain/drift/alerts";
import { db as defaultDb, type Db } from "../platform/db";
import { DomainError } from "../platform/errors";
import { probeImage } from "../images/image-probe";
import type { BlobStore } from "../platform/storage";
import { AlertNotFoundError } from "./alerts";

/** The selection cannot become a labeling batch (no such dataset, nothing sendable). */
export class LabelingBatchError extends DomainError {
  readonly status = 422;
}

/**
 * The loop back to labeling: an alert's selected predictions (only those whose images were kept)
 * become unlabeled images of a dataset, in one LabelingBatch linked to the alert, so they wait in
 * the dataset's labeling queue. Each image starts at annotation version 1 with a revision saying
 * where it came from; the same photo already in the dataset is skipped, not duplicated.
 */
export async function sendToLabeling(alertId: string, input: { datasetId: string; predictionIds: readonly string[] }, actorId: string, deps: { store: BlobStore; db?: Db }): Promise<LabelingBatchResult> {
  const database = deps.db ?? defaultDb();
  const alert = await database.alert.findUnique({ where: { id: alertId }, select: { id: true, baseline: { select: { modelVersionId: true } } } });
  if (!alert) throw new AlertNotFoundError(`no alert ${alertId}`);
  const dataset = await database.dataset.findUnique({ where: { id: input.datasetId }, select: { id: true } });
  if (!dataset) throw new LabelingBatchError(`no dataset ${input.datasetId}`);
  const ids = [...new Set(input.predictionIds)];
  if (ids.length === 0) throw new LabelingBatchError("select at least one image to send");
  const predictions = await database.prediction.findMany({ where: { id: { in: ids } }, select: { id: true, createdAt: true, imageKey: true, modelVersionId: true, source: true } });
  const skipped: LabelingBatchResult["skipped"] = [];
  const ready: Array<{ prediction: (typeof predictions)[number]; imageKey: string; probe: Awaited<ReturnType<typeof probeImage>>; thumbnailKey: string }> = [];
  for (const id of ids) {
    const prediction = predictions.find((p) => p.id === id);
    if (!prediction || prediction.modelVersionId !== alert.baseline.modelVersionId) { skipped.push({ predictionId: id, reason: "not a prediction of this alert's model" }); continue; }
    if (!prediction.imageKey) { skipped.push({ predictionId: id, reason: "its image was not kept (the caller did not opt in)" }); continue; }
    if (ready.some((r) => r.imageKey === prediction.imageKey)) { skipped.push({ predictionId: id, reason: "the same image is selected twice" }); continue; }
    const existing = await database.image.findFirst({ where: { datasetId: dataset.id, contentHash: prediction.imageKey }, select: { id: true } });
    if (existing) { skipped.push({ predictionId: id, reason: "the same image is already in the dataset" }); continue; }
    const probe = await probeImage(await deps.store.get(prediction.imageKey));
    ready.push({ prediction, imageKey: prediction.imageKey, probe, thumbnailKey: await deps.store.put(probe.thumbnail) });
  }
  if (ready.length === 0) throw new LabelingBatchError(`none of the selected images can be sent: ${skipped.map((s) => s.reason).filter((r, i, all) => all.indexOf(r) === i).join("; ")}`);
  const batch = await database.$transaction(async (tx) => {
    const created = await tx.labelingBatch.create({ data: { alertId: alert.id, datasetId: dataset.id, createdById: actorId } });
    for (const { prediction, imageKey, probe, thumbnailKey } of ready) {
      const image = await tx.image.create({
        data: {
          datasetId: dataset.id,
          fileName: `production/${prediction.createdAt.toISOString().slice(0, 10)}/${prediction.id}.${probe.format === "jpeg" ? "jpg" : probe.format}`,
          contentHash: imageKey,
          thumbnailKey,
          width: probe.width,
          height: probe.height,
          channels: probe.channels,
          format: probe.format,
          colorSpace: probe.colorSpace,
          bitsPerSample: probe.bitsPerSample,
          hasAlpha: probe.hasAlpha,
          labelStatus: "unlabeled",
          annotationVersion: 1,
          revisions: { create: { version: 1, action: "import", authorId: actorId, after: { labelStatus: "unlabeled", boxes: [] }, note: `from drift alert ${alert.id}, prediction ${prediction.id}` } },
        },
        select: { id: true },
      });
      await tx.labelingBatchItem.create({ data: { batchId: created.id, predictionId: prediction.id, imageId: image.id } });
    }
    await tx.alertEvent.create({ data: { alertId: alert.id, actorId, kind: "sent_to_labeling" satisfies AlertEventKind, detail: toStoredJson(alertEventDetailColumn, { batchId: created.id, datasetId: dataset.id, images: ready.length }) } });
    return created;
  });
  return { batchId: batch.id, datasetId: dataset.id, added: ready.length, skipped };
}
