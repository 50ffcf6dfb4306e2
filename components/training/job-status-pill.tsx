import { JOB_STATUS_WORDS } from "@/lib/presentation/status-words";
import { wordOf } from "@/lib/presentation/word-of";
import { StatePill } from "../ui/state-pill";

/** A training job's status in the words and tone every page uses for it. */
export function JobStatusPill({ status, testId }: { status: string; testId?: string }) {
  return (
    <span data-testid={testId}>
      <StatePill word={wordOf(JOB_STATUS_WORDS, status)} />
    </span>
  );
}
