"use client";

import { classLabel } from "@/lib/domain/classes";
import { formatCount } from "@/lib/presentation/format";
import { BackendNote } from "../inference/backend-note";
import { ModelSelect, type ModelChoice } from "../inference/model-select";
import type { ModelAssist } from "./use-model-assist";

export type { ModelChoice };

/** The editor's "Model" section: which version, preview and its threshold, pre-label and the pending suggestions. */
export function ModelAssistPanel({ assist, models, labels, onAccept, onAcceptAll, focusedId }: { assist: ModelAssist; models: ModelChoice[]; labels: ReadonlyArray<{ className: string; xmin: number; ymin: number; xmax: number; ymax: number }>; onAccept: (id: string) => void; onAcceptAll: () => void; focusedId: string | null }) {
  if (models.length === 0) return null;
  return (
    <section aria-label="Model assist" className="model-assist">
      <h2>Model</h2>
      <label className="small">
        <ModelSelect label="Model version" models={models} value={assist.modelId} onChange={assist.setModelId} />
      </label>
      <div className="editor-toolbar">
        <button type="button" aria-pressed={assist.previewOn} onClick={() => void assist.togglePreview()} title="Preview (P)">
          Preview
        </button>
        <button type="button" className="secondary" onClick={() => void assist.prelabel(labels)} title="Pre-label (Shift+P)">
          Pre-label
        </button>
      </div>
      <label className="small slider">
        threshold <input type="range" min={0.05} max={1} step={0.01} value={assist.threshold} aria-label="Preview threshold" onChange={(e) => assist.setThreshold(Number(e.target.value))} /> {assist.threshold.toFixed(2)}
      </label>
      {assist.status ? <p className="small muted" role="status">{assist.status}</p> : null}
      {assist.error ? <p className="error small">{assist.error}</p> : null}
      {assist.loaded ? (
        <>
          <p className="small muted" data-testid="model-assist-stats">
            {assist.loaded.backend} · cold load {assist.loaded.coldLoadMs.toFixed(0)} ms{assist.loaded.cached ? " (cached)" : ""} · first inference {assist.timings.firstMs === null ? "–" : `${assist.timings.firstMs.toFixed(0)} ms`} · last {assist.timings.lastMs === null ? "–" : `${assist.timings.lastMs.toFixed(0)} ms`}
          </p>
          <BackendNote loaded={assist.loaded} />
        </>
      ) : null}
      {assist.previewOn ? <p className="small">{formatCount(assist.preview.length, "detection")} at ≥ {assist.threshold.toFixed(2)} (dashed; labels untouched)</p> : null}
      {assist.suggestions.length > 0 ? (
        <>
          <h3>
            Suggestions ({assist.suggestions.length}){" "}
            <button type="button" className="link small" onClick={onAcceptAll} title="Accept all (Shift+Y)">
              accept all
            </button>
          </h3>
          <ol className="box-list" aria-label="Suggestions">
            {assist.suggestions.map((s) => (
              <li key={s.id} className={s.id === focusedId ? "selected" : undefined}>
                {classLabel(s.className)} {s.score.toFixed(2)}{" "}
                <button type="button" className="link" onClick={() => onAccept(s.id)} title={s.id === focusedId ? "Accept (Y)" : "Accept"}>
                  accept
                </button>{" "}
                <button type="button" className="link" onClick={() => assist.dismiss(s.id)} title={s.id === focusedId ? "Reject (N)" : "Reject"}>
                  reject
                </button>
              </li>
            ))}
          </ol>
        </>
      ) : null}
    </section>
  );
}
