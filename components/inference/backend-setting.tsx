"use client";

import { useEffect, useState } from "react";
import type { BrowserBackendSetting } from "@/lib/detection/tf/browser-backend";
import { BackendSelect } from "./backend-select";
import { storedBackendSetting } from "./browser-detector";

/** This browser's TF.js backend for previews and pre-labels (kept in the browser: it is a property of the machine, not of the account). */
export function BackendSetting() {
  const [setting, setSetting] = useState<BrowserBackendSetting>("auto");
  const [saved, setSaved] = useState(false);
  useEffect(() => setSetting(storedBackendSetting()), []);
  return (
    <section className="card" aria-label="In-browser inference">
      <h2>In-browser inference</h2>
      <p className="small muted">Previews, pre-labels and the Try page run models in this browser. Auto takes WebGPU, else WebGL, else wasm, else cpu; a choice this browser lacks falls back down that list.</p>
      <label>
        Backend{" "}
        <BackendSelect
          label="In-browser backend"
          value={setting}
          onChange={(next) => {
            setSetting(next);
            setSaved(true);
          }}
        />
      </label>
      {saved ? <span className="small muted" role="status"> saved for this browser; it applies to the next model load</span> : null}
    </section>
  );
}
