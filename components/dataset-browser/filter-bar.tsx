"use client";

import { useEffect, useState } from "react";
import type { ImageFilter } from "@/lib/domain/image-filter";
import { LABEL_STATUSES, SPLITS } from "@/lib/domain/states";

interface Props {
  filter: ImageFilter;
  classes: string[];
  issueCodes: string[];
  onChange: (patch: Partial<ImageFilter>) => void;
}

/** Filters of the image grid. Every change goes straight to the URL (see DatasetBrowser). */
export function FilterBar({ filter, classes, issueCodes, onChange }: Props) {
  const [q, setQ] = useState(filter.q ?? "");
  useEffect(() => setQ(filter.q ?? ""), [filter.q]);
  useEffect(() => {
    // Typing waits for a pause before it filters, so the list does not refetch per keystroke.
    if ((filter.q ?? "") === q.trim()) return;
    const timer = setTimeout(() => onChange({ q: q.trim() || undefined }), 300);
    return () => clearTimeout(timer);
  }, [q, filter.q, onChange]);

  const set = <K extends keyof ImageFilter>(key: K, value: ImageFilter[K] | "") => onChange({ [key]: value === "" ? undefined : value });
  const numberOrEmpty = (value: string) => (value === "" ? "" : Math.max(0, Math.floor(Number(value))));

  return (
    <form className="filters" role="search" aria-label="Filter images" onSubmit={(e) => e.preventDefault()}>
      <FilterSelect label="Class" value={filter.className} options={classes} onChange={(v) => set("className", v)} />
      <FilterSelect label="Split" value={filter.split} options={SPLITS} onChange={(v) => set("split", v as ImageFilter["split"] | "")} />
      <FilterSelect label="Status" value={filter.labelStatus} options={LABEL_STATUSES} onChange={(v) => set("labelStatus", v as ImageFilter["labelStatus"] | "")} />
      <FilterSelect label="Finding" value={filter.issue} options={issueCodes} onChange={(v) => set("issue", v)} />
      <label>
        Boxes ≥
        <input type="number" min={0} inputMode="numeric" value={filter.minBoxes ?? ""} onChange={(e) => set("minBoxes", numberOrEmpty(e.target.value))} className="narrow" />
      </label>
      <label>
        Boxes ≤
        <input type="number" min={0} inputMode="numeric" value={filter.maxBoxes ?? ""} onChange={(e) => set("maxBoxes", numberOrEmpty(e.target.value))} className="narrow" />
      </label>
      <label className="grow">
        File name
        <input type="search" placeholder="search…" value={q} onChange={(e) => setQ(e.target.value)} />
      </label>
    </form>
  );
}

/** A labelled select whose first option, "any", clears the filter. */
function FilterSelect({ label, value, options, onChange }: { label: string; value: string | undefined; options: readonly string[]; onChange: (value: string) => void }) {
  return (
    <label>
      {label}
      <select value={value ?? ""} onChange={(e) => onChange(e.target.value)}>
        <option value="">any</option>
        {options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    </label>
  );
}
