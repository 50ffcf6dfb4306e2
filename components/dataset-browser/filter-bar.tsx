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
      <label>
        Class
        <select value={filter.className ?? ""} onChange={(e) => set("className", e.target.value)}>
          <option value="">any</option>
          {classes.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </label>
      <label>
        Split
        <select value={filter.split ?? ""} onChange={(e) => set("split", e.target.value as ImageFilter["split"] | "")}>
          <option value="">any</option>
          {SPLITS.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label>
        Status
        <select value={filter.labelStatus ?? ""} onChange={(e) => set("labelStatus", e.target.value as ImageFilter["labelStatus"] | "")}>
          <option value="">any</option>
          {LABEL_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s.replace("_", " ")}
            </option>
          ))}
        </select>
      </label>
      <label>
        Finding
        <select value={filter.issue ?? ""} onChange={(e) => set("issue", e.target.value)}>
          <option value="">any</option>
          {issueCodes.map((code) => (
            <option key={code} value={code}>
              {code}
            </option>
          ))}
        </select>
      </label>
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
