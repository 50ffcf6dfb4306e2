import { cosineDistance, sumVectors } from "./embedding";
import { comparisonCounts, countWindow, type FeatureName, type ObservedPrediction, type ReferenceSet, EMBEDDING_FEATURE } from "./features";
import { DRIFT_METRIC_DEFINITIONS, HEADLINE_DRIFT_METRIC } from "./metrics/catalogue";

/** The dimensions a window is sliced by to explain a drift. */
export const SLICE_DIMENSIONS = ["source", "image_size", "brightness"] as const;
export type SliceDimension = (typeof SLICE_DIMENSIONS)[number];

export interface SliceItem {
  source: string | null;
  observed: ObservedPrediction;
  embedding: Float32Array | null;
}

/** Bands a reviewer reads at a glance (megapixels, mean luma). */
export function sliceValue(dimension: SliceDimension, item: SliceItem): string {
  if (dimension === "source") return item.source ?? "(no source tag)";
  if (dimension === "image_size") {
    const mp = (item.observed.imageWidth * item.observed.imageHeight) / 1e6;
    return mp < 0.3 ? "< 0.3 MP" : mp < 1 ? "0.3–1 MP" : mp < 3 ? "1–3 MP" : "≥ 3 MP";
  }
  const b = item.observed.brightness;
  return b < 0.25 ? "dark (< 0.25)" : b < 0.6 ? "normal (0.25–0.6)" : "bright (≥ 0.6)";
}

export interface SliceExplanation {
  dimension: SliceDimension;
  value: string;
  count: number;
  share: number;
  /** the alert's metric over the window without this slice */
  metricWithout: number | null;
  /** how much of the metric the slice accounts for: metric(window) − metric(window without it) */
  explained: number | null;
}

/** The feature's headline metric (PSI) over a set of items (for the embedding: the cosine distance of their mean); null when nothing is there to compare. */
export function sliceMetric(feature: string, references: ReferenceSet, baselineMean: Float32Array | null, subset: readonly SliceItem[]): number | null {
  if (subset.length === 0) return null;
  if (feature === EMBEDDING_FEATURE) {
    if (!baselineMean) return null;
    const { sum, count } = sumVectors(subset.flatMap((item) => (item.embedding && item.embedding.length === baselineMean.length ? [item.embedding] : [])));
    return count ? cosineDistance(baselineMean, sum) : null;
  }
  const reference = references[feature as FeatureName];
  const counts = countWindow({ [feature]: reference } as ReferenceSet, subset.map((s) => s.observed))[feature as FeatureName];
  if (!reference || !counts || counts.counts.every((c) => c === 0)) return null;
  const compared = comparisonCounts(reference, counts.counts);
  return DRIFT_METRIC_DEFINITIONS[HEADLINE_DRIFT_METRIC].measure(compared.reference, compared.window);
}

/**
 * Which slices explain a feature's drift: for every value of every slice dimension, the feature's
 * headline metric (or, for the embedding, the cosine distance of the mean) recomputed without that slice. A
 * slice whose removal brings the window back to the baseline explains the drift; one whose
 * removal changes nothing does not. Sorted by what they explain, most first.
 */
export function explainBySlices(feature: string, references: ReferenceSet, baselineMean: Float32Array | null, items: readonly SliceItem[]): SliceExplanation[] {
  const metric = (subset: readonly SliceItem[]) => sliceMetric(feature, references, baselineMean, subset);
  const whole = metric(items);
  const explanations: SliceExplanation[] = [];
  for (const dimension of SLICE_DIMENSIONS) {
    const groups = new Map<string, number>();
    for (const item of items) groups.set(sliceValue(dimension, item), (groups.get(sliceValue(dimension, item)) ?? 0) + 1);
    if (groups.size < 2) continue; // one value explains nothing: removing it empties the window
    for (const [value, count] of groups) {
      const without = metric(items.filter((item) => sliceValue(dimension, item) !== value));
      explanations.push({ dimension, value, count, share: count / items.length, metricWithout: without, explained: whole !== null && without !== null ? whole - without : null });
    }
  }
  return explanations.sort((a, b) => (b.explained ?? -Infinity) - (a.explained ?? -Infinity));
}
