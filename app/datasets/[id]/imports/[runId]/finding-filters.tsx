"use client";

import { useState } from "react";
import { Select } from "@/components/ui/select";

const SEVERITIES = ["error", "warning", "info"] as const;

/**
 * The report's filter: a plain GET form (the page filters on the server), with the app's
 * drop-downs; their choices travel in hidden fields, an empty one meaning "any".
 */
export function FindingFilters({ severity, code, q, codes }: { severity: string; code: string; q: string; codes: string[] }) {
  const [chosenSeverity, setSeverity] = useState(severity);
  const [chosenCode, setCode] = useState(code);
  return (
    <form className="filters" method="get" aria-label="Filter findings">
      <Select label="Severity" value={chosenSeverity} onValueChange={setSeverity} options={[{ value: "", label: "any" }, ...SEVERITIES.map((s) => ({ value: s, label: s }))]} />
      <input type="hidden" name="severity" value={chosenSeverity} />
      <Select label="Finding" value={chosenCode} onValueChange={setCode} options={[{ value: "", label: "any" }, ...codes.map((c) => ({ value: c, label: c }))]} />
      <input type="hidden" name="code" value={chosenCode} />
      <label className="grow">
        File
        <input type="search" name="q" defaultValue={q} placeholder="part of a file name" />
      </label>
      <button type="submit">Filter</button>
    </form>
  );
}
