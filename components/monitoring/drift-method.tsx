import { defaultThresholdsText, DRIFT_METRIC_DEFINITIONS, DRIFT_METRICS } from "@/lib/domain/drift/metrics/catalogue";

/** How the figures are computed, stated where they are shown (the issue asks for formulas, binning and thresholds in the UI). */
export function DriftMethod() {
  return (
    <details className="card">
      <summary>How drift is computed</summary>
      <ul className="small">
        <li>
          <strong>Baseline.</strong> When a model is promoted, the monitor runs it, exactly as serving does, on its dataset&apos;s validation and test images (never training images) and keeps each
          feature&apos;s distribution and the mean embedding. An ML lead can replace it with a production window.
        </li>
        <li>
          <strong>Bins.</strong> Fixed once from the baseline: quantile edges (equal-count bins), plus an underflow and an overflow bin for values outside what the baseline saw. Sampling noise alone
          gives PSI ≈ (bins − 1)(1/N + 1/M), so a small baseline gets fewer bins (2–10), keeping that noise under 0.05 at the minimum window. Class mix: one bin per class plus &quot;other&quot;.
        </li>
        <li>
          <strong>Empty bins.</strong> A new value of the baseline&apos;s own distribution lands beyond its extremes with probability 1/(N + 1) on each side, so both sides&apos; out-of-range bins get that
          share added (otherwise the few per cent a stable window puts there by chance read as drift). Any share still below ε = 10⁻⁴ is floored to it and the shares renormalised, so ln stays
          finite and identical distributions give exactly 0.
        </li>
        <li>
          <strong>Metrics.</strong> {DRIFT_METRICS.map((metric) => DRIFT_METRIC_DEFINITIONS[metric].formula).join("; ")}, with wᵢ, rᵢ the window&apos;s and the baseline&apos;s shares. Defaults:{" "}
          {DRIFT_METRICS.map(defaultThresholdsText).join("; ")}. A feature&apos;s status is the worst of its {DRIFT_METRICS.length} readings.
        </li>
        <li>
          <strong>Embedding.</strong> Global average pool of the backbone&apos;s last feature map, L2-normalised, projected to 128 dimensions, stored as int8. Cosine distance between the window&apos;s mean and
          the baseline&apos;s mean, judged against the 95th percentile of the same distance for random windows drawn from the baseline itself (bootstrap, 200 draws per window size), scaled by (1/M + 1/N) for a window of M against a baseline of N so the baseline’s own sampling noise counts too: 1× warns, 1.5× is drift.
        </li>
        <li>
          <strong>Windows.</strong> The monitor judges the last hour every minute (MONITOR_WINDOW_MINUTES, MONITOR_INTERVAL_SECONDS). Windows with fewer than 200 predictions are not judged. Counts are
          aggregated in the database, so a window of a million predictions takes seconds.
        </li>
        <li>
          <strong>Alerts.</strong> A feature at warning or drift raises one alert per baseline and feature, updated (never repeated) while it stays over; a warning that turns into drift is escalated.
        </li>
      </ul>
    </details>
  );
}
