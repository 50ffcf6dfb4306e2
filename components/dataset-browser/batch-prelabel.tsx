"use client";

import { useRef, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { meetsMinimumBoxSize } from "@/lib/domain/box";
import type { ImageFilter } from "@/lib/domain/image-filter";
import { formatCount, formatNumber } from "@/lib/presentation/format";
import { fetchImagePage, fetchLabels, saveLabels } from "../api-hooks";
import { sharedBrowserDetector, storedBackendSetting } from "../inference/browser-detector";
import { ModelSelect, type ModelChoice } from "../inference/model-select";

export type PrelabelModel = ModelChoice;

interface Progress {
  done: number;
  total: number;
  labelled: number;
  skipped: number;
  /** images the model found nothing on: left as they were */
  empty: number;
  running: boolean;
  message: string | null;
}

/**
 * "Pre-label the unlabeled images of this filter": each unlabeled image without boxes gets the
 * model's boxes (serving's threshold and NMS), saved as source=model while the image stays
 * unlabeled, for an annotator to confirm. The model runs in the browser's inference worker; this
 * loop only fetches, hands over and saves, so the page stays responsive. Cancel stops after the
 * image in hand; every save is a revision (action "prelabel") and can be restored.
 */
export function BatchPrelabel({ datasetId, filter, models }: { datasetId: string; filter: ImageFilter; models: PrelabelModel[] }) {
  const [modelId, setModelId] = useState(models.find((m) => m.production)?.id ?? models[0]?.id ?? "");
  const [progress, setProgress] = useState<Progress | null>(null);
  const cancelled = useRef(false);
  const queryClient = useQueryClient();
  if (models.length === 0) return null;

  const run = async () => {
    cancelled.current = false;
    const target: ImageFilter = { ...filter, labelStatus: "unlabeled" };
    const state: Progress = { done: 0, total: 0, labelled: 0, skipped: 0, empty: 0, running: true, message: "collecting the images…" };
    setProgress({ ...state });
    try {
      const ids: string[] = [];
      let after: string | null = null;
      do {
        const page = await fetchImagePage(datasetId, target, after);
        ids.push(...page.items.filter((i) => i.boxCount === 0).map((i) => i.id));
        state.skipped += page.items.filter((i) => i.boxCount > 0).length;
        after = page.nextCursor;
      } while (after && !cancelled.current);
      state.total = ids.length;
      state.message = "loading the model…";
      setProgress({ ...state });
      const detector = sharedBrowserDetector();
      await detector.load(modelId, storedBackendSetting());
      state.message = null;
      for (const id of ids) {
        if (cancelled.current) break;
        const [labels, blob] = await Promise.all([fetchLabels(id), fetch(`/api/images/${id}/file`, { credentials: "same-origin" }).then((r) => r.blob())]);
        if (labels.set.boxes.length > 0 || labels.set.labelStatus !== "unlabeled") {
          state.skipped++; // labelled meanwhile by someone: never overwritten
        } else {
          // The server refuses boxes below the editor's minimum; a speck the model found is not a label.
          const detections = (await detector.detect(await createImageBitmap(blob))).detections.filter((d) => meetsMinimumBoxSize(d.box));
          const saved = detections.length === 0 ? null : await saveLabels(id, {
            expectedVersion: labels.version,
            prelabel: true,
            boxes: detections.map((d) => ({ id: crypto.randomUUID(), className: d.className, ...d.box, difficult: false, truncated: false, occluded: false, source: "model" as const })),
          });
          if (!saved) state.empty++;
          else if (saved.kind === "saved") state.labelled++;
          else state.skipped++;
        }
        state.done++;
        setProgress({ ...state });
      }
      state.message = cancelled.current ? `cancelled after ${formatNumber(state.done)} of ${formatNumber(state.total)}` : `done: ${formatCount(state.labelled, "image")} pre-labelled`;
    } catch (error) {
      state.message = `stopped: ${(error as Error).message}`;
    }
    state.running = false;
    setProgress({ ...state });
    await queryClient.invalidateQueries({ queryKey: ["images", datasetId] });
  };

  return (
    <div className="toolbar" role="toolbar" aria-label="Pre-label">
      <span className="small" aria-hidden>
        Pre-label with
      </span>
      <ModelSelect label="Pre-label model" models={models} value={modelId} onChange={setModelId} disabled={progress?.running} />
      {progress?.running ? (
        <button type="button" className="secondary" onClick={() => (cancelled.current = true)}>
          Cancel
        </button>
      ) : (
        <button type="button" className="secondary" onClick={() => void run()} title="The unlabeled images of this filter without boxes get the model's boxes; they stay unlabeled until confirmed">
          Pre-label unlabeled images
        </button>
      )}
      {progress ? (
        <span role="status" className="small">
          {progress.total ? (
            <>
              <progress max={progress.total} value={progress.done} aria-label="Pre-label progress" /> {formatNumber(progress.done)} / {formatNumber(progress.total)}
              {progress.skipped ? ` · ${formatNumber(progress.skipped)} skipped (already labelled)` : ""}
              {progress.empty ? ` · ${formatNumber(progress.empty)} with no detection` : ""}{" "}
            </>
          ) : null}
          {progress.message}
        </span>
      ) : null}
    </div>
  );
}
