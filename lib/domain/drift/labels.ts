import { categoryLabels } from "./categories";
import type { FeatureReference } from "./features";

const short = (value: number) => (Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 1 ? value.toFixed(2) : value.toPrecision(2));

/** Labels of a reference's bins in the counts layout (underflow, regular bins, overflow), for charts. */
export function referenceBinLabels(reference: FeatureReference): string[] {
  if (reference.kind === "categorical") return categoryLabels(reference.categories);
  const e = reference.edges;
  const k = e.length;
  const labels = [`< ${short(e[0]!)}`];
  for (let i = 1; i <= k - 1; i++) labels.push(i === k - 1 ? `${short(e[i - 1]!)}–${short(e[i]!)}]` : `${short(e[i - 1]!)}–${short(e[i]!)}`);
  labels.push(`> ${short(e[k - 1]!)}`);
  return labels;
}

/** Counts → shares of their total (all zeros stay zeros). */
export function shares(counts: readonly number[]): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.map((c) => (total ? c / total : 0));
}
