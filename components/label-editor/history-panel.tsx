"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { StoredLabels } from "./use-label-editor";

interface Revision {
  version: number;
  action: string;
  createdAt: string;
  note: string | null;
  author: { name: string } | null;
  after: { boxes?: unknown[]; labelStatus?: string };
}

/** The image's revisions, newest first; any of them can be restored (as a new revision). */
export function HistoryPanel({ imageId, version, onRestored }: { imageId: string; version: number; onRestored: (labels: StoredLabels) => void }) {
  const client = useQueryClient();
  const revisions = useQuery({
    queryKey: ["revisions", imageId, version],
    queryFn: async () => ((await (await fetch(`/api/images/${imageId}/revisions`)).json()) as { revisions: Revision[] }).revisions,
  });
  const restore = useMutation({
    mutationFn: async (target: number) => {
      const response = await fetch(`/api/images/${imageId}/revisions/${target}/restore`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ expectedVersion: version }),
      });
      const body = (await response.json()) as { error?: string };
      if (!response.ok) throw new Error(body.error ?? `restore failed (${response.status})`);
      return (await (await fetch(`/api/images/${imageId}/annotations`)).json()) as StoredLabels;
    },
    onSuccess: (labels) => {
      onRestored(labels);
      void client.invalidateQueries({ queryKey: ["revisions", imageId] });
    },
  });
  return (
    <section aria-label="History">
      <h2>History</h2>
      {restore.error ? <p className="error">{restore.error.message}</p> : null}
      <ol className="history" data-testid="history">
        {(revisions.data ?? []).map((r) => (
          <li key={r.version}>
            <span>
              v{r.version} {r.action} · {r.after.boxes?.length ?? 0} boxes · {new Date(r.createdAt).toLocaleTimeString("en-GB")}
              {r.author ? ` · ${r.author.name}` : ""}
            </span>
            {r.version !== version ? (
              <button type="button" className="link" onClick={() => restore.mutate(r.version)} disabled={restore.isPending}>
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
