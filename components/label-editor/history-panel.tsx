"use client";

import type { StoredAnnotations } from "@/lib/contracts/http/labels";
import { formatCount } from "@/lib/presentation/format";
import { useRestoreRevision, useRevisions } from "../api-hooks";
import { Time } from "../ui/time";

/** The image's revisions, newest first; any of them can be restored (as a new revision). */
export function HistoryPanel({ imageId, version, onRestored }: { imageId: string; version: number; onRestored: (labels: StoredAnnotations) => void }) {
  const revisions = useRevisions(imageId, version);
  const restore = useRestoreRevision(imageId, onRestored);
  return (
    <section aria-label="History">
      <h2>History</h2>
      {restore.error ? <p className="error">{restore.error.message}</p> : null}
      <ol className="history" data-testid="history">
        {(revisions.data ?? []).map((r) => (
          <li key={r.version}>
            <span>
              v{r.version} {r.action} · {formatCount(r.after.boxes.length, "box")} · <Time value={r.createdAt} relative />
              {r.author ? ` · ${r.author.name}` : ""}
            </span>
            {r.version !== version ? (
              <button type="button" className="link" onClick={() => restore.mutate({ target: r.version, expectedVersion: version })} disabled={restore.isPending}>
                restore
              </button>
            ) : (
              <span className="muted small">current</span>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
