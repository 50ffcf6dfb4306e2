"use client";

import { useEffect, useState } from "react";
import { classLabel } from "@/lib/domain/classes";
import type { ImageFilter } from "@/lib/domain/image-filter";
import { LABEL_STATUSES, SPLITS } from "@/lib/domain/states";
import { LABEL_STATUS_WORDS, SPLIT_WORDS } from "@/lib/presentation/status-words";
import { Select, type SelectOption } from "../ui/select";

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
      <FilterSelect label="Class" value={filter.className} options={classes.map((c) => ({ value: c, label: classLabel(c) }))} onChange={(v) => set("className", v)} />
      <FilterSelect label="Split" value={filter.split} options={SPLITS.map((s) => ({ value: s, label: SPLIT_WORDS[s].label }))} onChange={(v) => set("split", v as ImageFilter["split"] | "")} />
      <FilterSelect
        label="Status"
        value={filter.labelStatus}
        options={LABEL_STATUSES.map((s) => ({ value: s, label: LABEL_STATUS_WORDS[s].label }))}
        onChange={(v) => set("labelStatus", v as ImageFilter["labelStatus"] | "")}
      />
      <FilterSelect label="Finding" value={filter.issue} options={issueCodes.map((code) => ({ value: code, label: code }))} onChange={(v) => set("issue", v)} />
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

/** A labelled drop-down whose first option, "Any", clears the filter. */
function FilterSelect({ label, value, options, onChange }: { label: string; value: string | undefined; options: readonly SelectOption[]; onChange: (value: string) => void }) {
  return <Select label={label} value={value ?? ""} onValueChange={onChange} options={[{ value: "", label: "Any" }, ...options]} />;
}
