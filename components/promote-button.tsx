"use client";

import { useRouter } from "next/navigation";
import { useState, type ReactNode } from "react";
import { promoteModel } from "./api-hooks";
import { ConfirmDialog } from "./ui/confirm-dialog";

/**
 * A button that runs a server action after the user confirms what will change, then re-renders
 * the page; the action's error shows beside it.
 */
export function ConfirmedActionButton({ action, label, title, description, confirmLabel }: { action: () => Promise<unknown>; label: string; title: string; description: ReactNode; confirmLabel: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const run = async () => {
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
  };
  return (
    <>
      <ConfirmDialog
        trigger={
          <button type="button" className="secondary" disabled={pending}>
            {label}
          </button>
        }
        title={title}
        description={description}
        confirmLabel={confirmLabel}
        onConfirm={() => void run()}
      />
      {error ? <span className="error small"> {error}</span> : null}
    </>
  );
}

/** What serving uses once a model is in production, said once for promote and roll back alike. */
export const SERVING_CONSUMERS = "the prediction API (POST /api/v1/predict), the drift monitor and the Try page";

/** Makes a model version the production one (the one serving before it becomes a candidate again). */
export function PromoteButton({ modelId, label, replaces }: { modelId: string; label: string; replaces: string | null }) {
  return (
    <ConfirmedActionButton
      action={() => promoteModel(modelId)}
      label={`Promote ${label}`}
      title={`Promote ${label} to production?`}
      confirmLabel="Promote"
      description={
        <p>
          <b>{label}</b> will answer {SERVING_CONSUMERS} from the next request.{" "}
          {replaces ? (
            <>
              <b>{replaces}</b> stops serving and becomes a candidate; Roll back returns to it.
            </>
          ) : (
            "No model serves now."
          )}{" "}
          Drift is measured against the new model&apos;s own baseline from now on.
        </p>
      }
    />
  );
}
