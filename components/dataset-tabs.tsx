import Link from "next/link";

const TABS = [
  { key: "images", label: "Images", path: "" },
  { key: "stats", label: "Statistics", path: "/stats" },
  { key: "imports", label: "Imports", path: "/imports" },
  { key: "evaluate", label: "Evaluate predictions", path: "/evaluate" },
] as const;

/** The dataset pages' tabs; "Evaluate predictions" only for those who may bring models in (training.manage, as for ONNX uploads). */
export function DatasetTabs({ datasetId, active, canEvaluatePredictions = false }: { datasetId: string; active: (typeof TABS)[number]["key"]; canEvaluatePredictions?: boolean }) {
  return (
    <nav aria-label="Dataset" className="tabs">
      {TABS.filter((tab) => tab.key !== "evaluate" || canEvaluatePredictions).map((tab) => (
        <Link key={tab.key} href={`/datasets/${datasetId}${tab.path}`} aria-current={tab.key === active ? "page" : undefined} className={tab.key === active ? "active" : undefined}>
          {tab.label}
        </Link>
      ))}
    </nav>
  );
}
