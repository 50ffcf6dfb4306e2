"use client";

import { useEffect, useState } from "react";
import type { BrowserBackendSetting } from "@/lib/contracts/worker-messages";
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
      <p className="small muted">Previews, pre-labels and the Try page run models in this browser. Auto never runs on a software graphics adapter (SwiftShader, llvmpipe, Microsoft Basic Render): it takes WebGPU or WebGL on a real GPU, measures them against wasm when the adapter does not say what it is (remembered for this browser), else wasm. A choice runs as set, with a warning on a software adapter; one this browser lacks falls back down the list.</p>
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
