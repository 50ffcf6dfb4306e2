"use client";

import { useState } from "react";
import { ErrorBrowser } from "./error-browser";
import { EvaluationFrame, EvaluationMetrics } from "./evaluation-explorer";
import { LabelIssueList } from "./label-issue-list";

/** One evaluation's page: the tab's view, with the confidence the tabs share. */
export function EvaluationPage({ id, tab, initialConfidence, canSend }: { id: string; tab: "metrics" | "errors" | "label-issues"; initialConfidence: number | null; canSend: boolean }) {
  const [chosen, setChosen] = useState<number | null>(initialConfidence);
  return (
    <EvaluationFrame id={id} tab={tab} confidence={chosen ?? 0.25}>
      {(view) => {
        const confidence = chosen ?? view.operatingConfidence;
        if (tab === "errors") return <ErrorBrowser view={view} confidence={confidence} onConfidence={setChosen} />;
        if (tab === "label-issues") return <LabelIssueList view={view} canSend={canSend} />;
        return <EvaluationMetrics view={view} confidence={confidence} onConfidence={setChosen} />;
      }}
    </EvaluationFrame>
  );
}
