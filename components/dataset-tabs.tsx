import Link from "next/link";

const TABS = [
  { key: "images", label: "Images", path: "" },
  { key: "stats", label: "Statistics", path: "/stats" },
  { key: "imports", label: "Imports", path: "/imports" },
] as const;

export function DatasetTabs({ datasetId, active }: { datasetId: string; active: (typeof TABS)[number]["key"] }) {
  return (
    <nav aria-label="Dataset" className="tabs">
      {TABS.map((tab) => (
        <Link key={tab.key} href={`/datasets/${datasetId}${tab.path}`} aria-current={tab.key === active ? "page" : undefined} className={tab.key === active ? "active" : undefined}>
          {tab.label}
        </Link>
      ))}
    </nav>
  );
}
