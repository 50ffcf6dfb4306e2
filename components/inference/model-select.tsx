"use client";

import type { BrowserModelFormat } from "@/lib/contracts/worker-messages";
import { Select } from "../ui/select";

export interface ModelChoice {
  id: string;
  label: string;
  production: boolean;
  /** an ONNX model brought in runs on onnxruntime-web, a TF.js one on TF.js; the worker tells them apart by masklab.json */
  format: BrowserModelFormat;
}

/** A model version picker, production and ONNX models marked: the Try page, the editor's assist and batch pre-label share it. */
export function ModelSelect({ label, models, value, onChange, disabled }: { label: string; models: readonly ModelChoice[]; value: string; onChange: (id: string) => void; disabled?: boolean }) {
  return (
    <Select
      aria-label={label}
      value={value}
      onValueChange={onChange}
      disabled={disabled}
      placeholder="Choose a model"
      options={models.map((m) => ({ value: m.id, label: `${m.label}${m.format === "onnx" ? " · ONNX" : ""}${m.production ? " (production)" : ""}` }))}
    />
  );
}
