"use client";

import { BROWSER_BACKEND_SETTINGS, type BrowserBackendSetting } from "@/lib/contracts/worker-messages";
import { storeBackendSetting } from "./browser-detector";

/** The in-browser backend setting as a select; a change is stored for this browser. */
export function BackendSelect({ label, value, onChange }: { label: string; value: BrowserBackendSetting; onChange: (setting: BrowserBackendSetting) => void }) {
  return (
    <select
      aria-label={label}
      value={value}
      onChange={(e) => {
        const next = e.target.value as BrowserBackendSetting;
        storeBackendSetting(next);
        onChange(next);
      }}
    >
      {BROWSER_BACKEND_SETTINGS.map((b) => (
        <option key={b} value={b}>
          {b}
        </option>
      ))}
    </select>
  );
}
