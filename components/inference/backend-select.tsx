"use client";

import { BROWSER_BACKEND_SETTINGS, type BrowserBackendSetting } from "@/lib/contracts/worker-messages";
import { Select } from "../ui/select";
import { storeBackendSetting } from "./browser-detector";

/** The in-browser backend setting as a drop-down; a change is stored for this browser. */
export function BackendSelect({ label, value, onChange }: { label: string; value: BrowserBackendSetting; onChange: (setting: BrowserBackendSetting) => void }) {
  return (
    <Select
      aria-label={label}
      value={value}
      onValueChange={(next) => {
        const setting = next as BrowserBackendSetting;
        storeBackendSetting(setting);
        onChange(setting);
      }}
      options={BROWSER_BACKEND_SETTINGS.map((b) => ({ value: b, label: b }))}
    />
  );
}
