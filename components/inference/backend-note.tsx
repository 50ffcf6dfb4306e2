"use client";

import type { LoadedModel } from "@/lib/contracts/worker-messages";

/** Why the in-browser model runs on its backend (measurements included), and a warning on a software adapter: the Try page and the editor's preview show the same lines. */
export function BackendNote({ loaded }: { loaded: Pick<LoadedModel, "reason" | "warning"> }) {
  return (
    <>
      <p className="small muted" data-testid="backend-reason">
        {loaded.reason}
      </p>
      {loaded.warning ? (
        <p className="small error" data-testid="backend-warning">
          {loaded.warning}
        </p>
      ) : null}
    </>
  );
}
