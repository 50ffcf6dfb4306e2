"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { promoteModel } from "./api-hooks";

/** A button that runs a server action, then re-renders the page; the action's error shows beside it. */
export function RefreshingActionButton({ action, children }: { action: () => Promise<unknown>; children: React.ReactNode }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  return (
    <>
      <button
        type="button"
        className="secondary"
        disabled={pending}
        onClick={async () => {
          setError(null);
          setPending(true);
          try {
            await action();
            router.refresh();
          } catch (failure) {
            setError((failure as Error).message);
          } finally {
            setPending(false);
          }
        }}
      >
        {children}
      </button>
      {error ? <span className="error small"> {error}</span> : null}
    </>
  );
}

/** Makes a model version the production one (the one serving before it becomes a candidate again). */
export function PromoteButton({ modelId, label }: { modelId: string; label: string }) {
  return <RefreshingActionButton action={() => promoteModel(modelId)}>Promote {label}</RefreshingActionButton>;
}
