"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { launchTraining } from "../api-hooks";
import { FormError, useSubmit } from "../use-submit";

const PRESETS = {
  "quick-cpu": { label: "Quick CPU: face-trained backbone frozen, head trained on cached features", width: "n", inputSize: 416, epochs: 24, batchSize: 8, learningRate: 0.002 },
  "full-gpu": { label: "Full GPU: the whole network fine-tuned (needs a GPU worker to be quick)", width: "s", inputSize: 512, epochs: 60, batchSize: 16, learningRate: 0.001 },
} as const;
type Preset = keyof typeof PRESETS;

/** ML leads queue a training job; a worker picks it up. */
export function NewTrainingJobForm({ datasets }: { datasets: Array<{ id: string; name: string }> }) {
  const router = useRouter();
  const [datasetId, setDatasetId] = useState(datasets[0]?.id ?? "");
  const [preset, setPreset] = useState<Preset>("quick-cpu");
  const [settings, setSettings] = useState<{ width: string; inputSize: number; epochs: number; batchSize: number; learningRate: number; minutes: string; flip: boolean }>({ ...PRESETS["quick-cpu"], minutes: "", flip: true });

  const choosePreset = (next: Preset) => {
    setPreset(next);
    const { label: _label, ...values } = PRESETS[next];
    setSettings((s) => ({ ...s, ...values }));
  };
  const set = (key: keyof typeof settings) => (event: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
    setSettings((s) => ({ ...s, [key]: event.target.type === "number" ? Number(event.target.value) : event.target.type === "checkbox" ? (event.target as HTMLInputElement).checked : event.target.value }));

  const { pending, error, submit } = useSubmit(
    () => {
      const { minutes, ...rest } = settings;
      return launchTraining({ datasetId, kind: "one_stage", config: { preset, ...rest, ...(minutes ? { minutes: Number(minutes) } : {}) } });
    },
    ({ id }) => router.push(`/train/${id}`),
  );

  return (
    <form className="import-form" onSubmit={submit} aria-label="New training job">
      <label>
        Dataset
        <select value={datasetId} onChange={(e) => setDatasetId(e.target.value)}>
          {datasets.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Model
        <select value="one_stage" onChange={() => undefined}>
          <option value="one_stage">One-stage (MLD-1S, anchor-free, YOLO-style)</option>
          <option value="two_stage" disabled>
            Two-stage (Faster R-CNN-style): not built yet
          </option>
        </select>
      </label>
      <label>
        Preset
        <select value={preset} onChange={(e) => choosePreset(e.target.value as Preset)}>
          {Object.entries(PRESETS).map(([key, p]) => (
            <option key={key} value={key}>
              {p.label}
            </option>
          ))}
        </select>
      </label>
      <div className="filters">
        <label>
          Width{" "}
          <select value={settings.width} onChange={set("width")}>
            <option value="n">n (small)</option>
            <option value="s">s (larger)</option>
          </select>
        </label>
        <label>
          Input size (px) <input type="number" min={128} max={1024} step={32} value={settings.inputSize} onChange={set("inputSize")} />
        </label>
        <label>
          Epochs <input type="number" min={1} max={500} value={settings.epochs} onChange={set("epochs")} />
        </label>
        <label>
          Time budget (min, optional) <input type="number" min={1} value={settings.minutes} onChange={set("minutes")} />
        </label>
        <label>
          Batch size <input type="number" min={1} max={128} value={settings.batchSize} onChange={set("batchSize")} />
        </label>
        <label>
          Peak learning rate <input type="number" min={0.00001} max={1} step="any" value={settings.learningRate} onChange={set("learningRate")} />
        </label>
        <label>
          <input type="checkbox" checked={settings.flip} onChange={set("flip")} /> Horizontal flips
        </label>
      </div>
      <p className="muted small">Schedule: linear warm-up, then cosine decay. Trains on the train split, picks the epoch with the best val mAP50; the test split is left for evaluation.</p>
      <button type="submit" disabled={pending || !datasetId}>
        {pending ? "Queuing…" : "Start training"}
      </button>
      <FormError error={error} />
    </form>
  );
}
