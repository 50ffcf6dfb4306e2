"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { promoteModel } from "./api-hooks";

/** Makes a model version the production one (the previous one becomes a candidate again). */
export function PromoteButton({ modelId, label }: { modelId: string; label: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <button
        type="button"
        className="secondary"
        onClick={async () => {
          setError(null);
          try {
            await promoteModel(modelId);
            router.refresh();
          } catch (failure) {
            setError((failure as Error).message);
          }
        }}
      >
        Promote {label}
      </button>
      {error ? <span className="error small">{error}</span> : null}
    </>
  );
}
