"use client";

import { useCallback, useEffect, useState } from "react";
import type { ImageSize } from "@/lib/domain/box";
import { suggestionsFrom, type ModelBox, type Suggestion } from "@/lib/domain/suggestions";
import type { LoadedModel } from "@/lib/contracts/worker-messages";
import { sharedBrowserDetector, storedBackendSetting } from "../inference/browser-detector";

/** Detections below this are never shown; the slider filters above it without running the model again. */
const PREVIEW_FLOOR = 0.05;
export const DEFAULT_PREVIEW_THRESHOLD = 0.25;

export interface ModelAssist {
  modelId: string;
  setModelId: (id: string) => void;
  loaded: LoadedModel | null;
  status: string | null;
  error: string | null;
  previewOn: boolean;
  threshold: number;
  setThreshold: (value: number) => void;
  /** the detections at or above the threshold while preview is on */
  preview: ModelBox[];
  suggestions: Suggestion[];
  timings: { firstMs: number | null; lastMs: number | null };
  togglePreview: () => Promise<void>;
  prelabel: (labels: ReadonlyArray<{ className: string; xmin: number; ymin: number; xmax: number; ymax: number }>) => Promise<void>;
  dismiss: (id: string) => void;
  clearSuggestions: () => void;
}

/**
 * The editor's model help: the chosen model version runs in the browser's inference worker on
 * this image (once; the threshold slider only filters). Preview draws its detections; pre-label
 * turns them into suggestions the annotator accepts or rejects. Nothing here touches the labels:
 * accepting is the editor's own add-box command.
 */
export function useModelAssist(imageId: string, image: ImageSize, defaultModelId: string): ModelAssist {
  const [modelId, setModelId] = useState(defaultModelId);
  const [loaded, setLoaded] = useState<LoadedModel | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [detections, setDetections] = useState<ModelBox[] | null>(null);
  const [previewOn, setPreviewOn] = useState(false);
  const [threshold, setThreshold] = useState(DEFAULT_PREVIEW_THRESHOLD);
  const [suggestions, setSuggestions] = useState<Suggestion[]>([]);
  const [timings, setTimings] = useState<{ firstMs: number | null; lastMs: number | null }>({ firstMs: null, lastMs: null });

  useEffect(() => setDetections(null), [modelId]);

  const detect = useCallback(async (): Promise<ModelBox[] | null> => {
    if (detections) return detections;
    if (!modelId) return null;
    setError(null);
    try {
      const detector = sharedBrowserDetector();
      setStatus("loading the model…");
      const model = await detector.load(modelId, storedBackendSetting());
      setLoaded(model);
      setStatus("running the model…");
      const response = await fetch(`/api/images/${imageId}/file`, { credentials: "same-origin" });
      if (!response.ok) throw new Error(`the image did not load (HTTP ${response.status})`);
      const bitmap = await createImageBitmap(await response.blob());
      const answer = await detector.detect(bitmap, PREVIEW_FLOOR);
      setTimings((t) => ({ firstMs: answer.first ? answer.inferenceMs : t.firstMs, lastMs: answer.inferenceMs }));
      setDetections(answer.detections);
      setStatus(null);
      return answer.detections;
    } catch (e) {
      setError((e as Error).message);
      setStatus(null);
      return null;
    }
  }, [detections, imageId, modelId]);

  const togglePreview = useCallback(async () => {
    if (previewOn) return setPreviewOn(false);
    setPreviewOn(true);
    await detect();
  }, [detect, previewOn]);

  const prelabel = useCallback(
    async (labels: ReadonlyArray<{ className: string; xmin: number; ymin: number; xmax: number; ymax: number }>) => {
      const found = await detect();
      if (!found) return;
      setSuggestions(suggestionsFrom(found, labels, threshold, image, () => crypto.randomUUID()));
    },
    [detect, image, threshold],
  );

  return {
    modelId,
    setModelId,
    loaded,
    status,
    error,
    previewOn,
    threshold,
    setThreshold,
    preview: previewOn && detections ? detections.filter((d) => d.score >= threshold) : [],
    suggestions,
    timings,
    togglePreview,
    prelabel,
    dismiss: (id) => setSuggestions((list) => list.filter((s) => s.id !== id)),
    clearSuggestions: () => setSuggestions([]),
  };
}
