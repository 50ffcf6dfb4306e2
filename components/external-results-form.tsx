"use client";

import Link from "next/link";
import { useState } from "react";
import { RESULTS_SPLITS } from "@/lib/contracts/http/coco-results";
import { classLabel } from "@/lib/domain/classes";
import { IMAGE_ID_SCHEME_LABELS, IMAGE_ID_SCHEMES, type ImageIdScheme } from "@/lib/domain/evaluation/external-results";
import { formatBytes, formatCount, formatNumber } from "@/lib/presentation/format";
import { SPLIT_WORDS } from "@/lib/presentation/status-words";
import { ResultsRejected, useEvaluateCocoResults } from "./api-hooks";
import { Checkbox } from "./ui/checkbox";
import { ProgressBar } from "./ui/progress-bar";
import { Select } from "./ui/select";

/**
 * "Evaluate predictions from elsewhere": a COCO results file made by any model (Ultralytics YOLO,
 * torchvision, …) on a split of this dataset, scored by Masklab's own evaluation and added to
 * the benchmark table as an external model. Category ids follow the dataset's COCO export unless
 * the user maps them; the refusal lists the results that do not fit.
 */
export function ExternalResultsForm({
  datasetId,
  categories,
  imagesPerSplit,
}: {
  datasetId: string;
  /** the COCO export's categories (id 1-based in the dataset's class order) */
  categories: ReadonlyArray<{ id: number; name: string }>;
  imagesPerSplit: Readonly<Record<string, number>>;
}) {
  const [sent, setSent] = useState<{ done: number; total: number | null } | null>(null);
  const mutation = useEvaluateCocoResults(datasetId, setSent);
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState("");
  const [source, setSource] = useState("");
  const [split, setSplit] = useState<string>(RESULTS_SPLITS.find((s) => (imagesPerSplit[s] ?? 0) > 0) ?? "test");
  const [imageIds, setImageIds] = useState<ImageIdScheme>("split-export");
  const [byExportCategories, setByExportCategories] = useState(true);
  const [classMap, setClassMap] = useState("");

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    if (!file) return;
    setSent({ done: 0, total: file.size });
    mutation.mutate({ file, name, source, split, imageIds, classMap: byExportCategories ? "" : classMap });
  };
  const uploaded = sent !== null && sent.total !== null && sent.done >= sent.total;
  const error = mutation.error;
  const result = mutation.data;

  return (
    <form className="import-form" onSubmit={submit} aria-label="Evaluate predictions from elsewhere">
      <p className="muted small">
        Score a model trained anywhere on this dataset: upload its predictions as a COCO results file (<code>[{"{"}image_id, category_id, bbox: [x, y, w, h], score{"}"}]</code>, what{" "}
        <code>yolo val save_json=True</code> writes). It joins the benchmark table as an external model (how to make one: docs/bring-your-own-model.md).
      </p>
      <label>
        Results file (.json)
        <input type="file" accept=".json,application/json" required onChange={(e) => setFile(e.target.files?.[0] ?? null)} data-testid="results-input" />
      </label>
      {file ? <p className="muted small">{`${file.name}, ${formatBytes(file.size)}`}</p> : null}
      <label>
        Model name
        <input required value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. yolo11s-gpu-run7" maxLength={80} />
      </label>
      <label>
        Source (optional)
        <input value={source} onChange={(e) => setSource(e.target.value)} placeholder="e.g. Ultralytics 8.3, run 7 on the GPU box, commit 1a2b3c" maxLength={500} />
      </label>
      <Select
        label="Split the predictions were made on"
        value={split}
        onValueChange={setSplit}
        options={RESULTS_SPLITS.map((s) => ({ value: s, label: `${SPLIT_WORDS[s].label} (${formatCount(imagesPerSplit[s] ?? 0, "image")})`, disabled: (imagesPerSplit[s] ?? 0) === 0 }))}
      />
      <Select label="Numeric image ids are" value={imageIds} onValueChange={(value) => setImageIds(value as ImageIdScheme)} options={IMAGE_ID_SCHEMES.map((s) => ({ value: s, label: IMAGE_ID_SCHEME_LABELS[s] }))} />
      <p className="muted small">Text image ids (and a <code>file_name</code> field) are file names, with or without their extension.</p>
      <fieldset>
        <legend>Classes</legend>
        <Checkbox checked={byExportCategories} onCheckedChange={setByExportCategories} label="Category ids are the COCO export's categories (what Ultralytics writes for this dataset's YOLO export)" />
        {byExportCategories ? (
          <ul className="muted small" aria-label="Export categories">
            {categories.map((c) => (
              <li key={c.id}>
                {c.id} → {classLabel(c.name)} (<code>{c.name}</code>)
              </li>
            ))}
          </ul>
        ) : (
          <label>
            Class mapping: category id (or label) = class, one per line or comma-separated
            <textarea value={classMap} onChange={(e) => setClassMap(e.target.value)} rows={3} required placeholder={categories.map((c, i) => `${i}=${c.name}`).join("\n")} />
          </label>
        )}
      </fieldset>
      <button type="submit" disabled={!file || !name.trim() || mutation.isPending}>
        {mutation.isPending ? "Scoring…" : "Evaluate"}
      </button>
      {mutation.isPending && sent ? (
        <ProgressBar
          ratio={uploaded ? null : sent.total ? sent.done / sent.total : null}
          caption={uploaded ? "Uploaded; scoring the predictions…" : `Uploading ${formatBytes(sent.done)}${sent.total ? ` of ${formatBytes(sent.total)}` : ""}`}
          label="Upload progress"
          testId="results-progress"
        />
      ) : null}
      {result ? (
        <div role="status">
          <p>
            <strong>{result.model}</strong> on the {result.split} split ({formatCount(result.images, "image")}, {formatCount(result.detections, "detection")}): mAP50 {formatNumber(result.mAP50, 3)}, mAP50-95{" "}
            {formatNumber(result.mAP50to95, 3)}.
          </p>
          <p>
            <Link href={`/models/evaluations/${result.evaluationId}`}>Open its evaluation</Link> · <Link href={`/models?dataset=${datasetId}`}>See it in the benchmark table</Link>
          </p>
        </div>
      ) : null}
      {error ? (
        <div className="error" role="alert">
          {error instanceof ResultsRejected && error.problems.length > 0 ? (
            <p>Not evaluated: {formatCount(error.problemCount, "result")} cannot be scored.</p>
          ) : (
            <p>Not evaluated: {error.message}</p>
          )}
          {error instanceof ResultsRejected && error.problems.length > 0 ? (
            <ul>
              {error.problems.map((problem, i) => (
                <li key={i}>{problem}</li>
              ))}
              {error.problemCount > error.problems.length ? <li>… and {formatCount(error.problemCount - error.problems.length, "more problem")}</li> : null}
            </ul>
          ) : null}
        </div>
      ) : null}
    </form>
  );
}
