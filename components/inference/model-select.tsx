"use client";

export interface ModelChoice {
  id: string;
  label: string;
  production: boolean;
}

/** A model version picker, production marked: the Try page, the editor's assist and batch pre-label share it. */
export function ModelSelect({ label, models, value, onChange, disabled }: { label: string; models: readonly ModelChoice[]; value: string; onChange: (id: string) => void; disabled?: boolean }) {
  return (
    <select aria-label={label} value={value} onChange={(e) => onChange(e.target.value)} disabled={disabled}>
      {models.map((m) => (
        <option key={m.id} value={m.id}>
          {m.label}
          {m.production ? " (production)" : ""}
        </option>
      ))}
    </select>
  );
}
