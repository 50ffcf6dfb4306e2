"use client";

import { Select } from "../ui/select";

export interface ModelChoice {
  id: string;
  label: string;
  production: boolean;
}

/** A model version picker, production marked: the Try page, the editor's assist and batch pre-label share it. */
export function ModelSelect({ label, models, value, onChange, disabled }: { label: string; models: readonly ModelChoice[]; value: string; onChange: (id: string) => void; disabled?: boolean }) {
  return (
    <Select
      aria-label={label}
      value={value}
      onValueChange={onChange}
      disabled={disabled}
      placeholder="Choose a model"
      options={models.map((m) => ({ value: m.id, label: m.production ? `${m.label} (production)` : m.label }))}
    />
  );
}
