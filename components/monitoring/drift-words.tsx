import { StatePill } from "@/components/ui/state-pill";
import { ALERT_SEVERITY_WORDS, ALERT_STATUS_WORDS, DRIFT_STATUS_WORDS, type StateWord } from "@/lib/presentation/status-words";
import { wordOf } from "@/lib/presentation/word-of";
import { EMBEDDING_FEATURE, MONITORED_FEATURES } from "@/lib/domain/drift/features";
import { DRIFT_METRIC_DEFINITIONS, EMBEDDING_METRIC, isDriftMetric } from "@/lib/domain/drift/metrics/catalogue";
import type { WindowStatus } from "@/lib/domain/drift/status";

/** A feature's name for people; the embedding's pseudo-feature reads "Embedding". */
export const featureLabel = (feature: string) => MONITORED_FEATURES.find((f) => f.name === feature)?.label ?? (feature === EMBEDDING_FEATURE ? "Embedding" : feature);

/** A metric's name for people: PSI, KL, cosine distance. */
export const metricLabel = (metric: string) => (isDriftMetric(metric) ? DRIFT_METRIC_DEFINITIONS[metric].label : metric === EMBEDDING_METRIC ? "cosine distance" : metric);

/** A window too small to judge has no drift status; it gets a word of its own, never one that sounds like a verdict. */
const INSUFFICIENT_WORD: StateWord = { label: "Too few to judge", tone: "neutral" };

export function windowStatusWord(status: WindowStatus | string): StateWord {
  return status === "insufficient" ? INSUFFICIENT_WORD : wordOf(DRIFT_STATUS_WORDS, status);
}

/** A feature's or window's drift status: Stable, Warning, Drift. */
export function DriftStatusPill({ status }: { status: WindowStatus | string }) {
  return <StatePill word={windowStatusWord(status)} />;
}

/** An alert's severity in the drift status's word (a critical alert reads "Drift", as on the dashboard). */
export function SeverityPill({ severity }: { severity: string }) {
  return <StatePill word={wordOf(ALERT_SEVERITY_WORDS, severity)} />;
}

export function AlertStatePill({ status }: { status: string }) {
  return <StatePill word={wordOf(ALERT_STATUS_WORDS, status)} />;
}
