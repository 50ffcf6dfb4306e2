import type { StateWord } from "@/lib/presentation/status-words";

/** A state's word in its tone (status-words.ts), the same pill on every page. */
export function StatePill({ word }: { word: StateWord }) {
  return <span className={`pill pill-${word.tone}`}>{word.label}</span>;
}
