import type { DriftThresholds } from "../status";

/**
 * One histogram drift metric: how it compares a window with its reference, how people read it and
 * when it worries. A metric is its own file; lib/domain/drift/metrics/catalogue.ts lists them.
 */
export interface DriftMetricDefinition {
  /** short name for table headers, chart titles and alerts, e.g. "PSI" */
  label: string;
  /** the window's divergence from the reference, both counted over the same bins (see ../divergence.ts) */
  measure(referenceCounts: readonly number[], windowCounts: readonly number[]): number;
  /** thresholds in force until an ML lead sets others */
  defaultThresholds: Readonly<DriftThresholds>;
  /** the formula as "How drift is computed" shows it, in the window's (wᵢ) and the baseline's (rᵢ) shares */
  formula: string;
}
