"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import type { ImportProgress } from "@/lib/domain/import-progress";
import { formatBytes, formatCount } from "@/lib/presentation/format";
import { describeImportProgress } from "@/lib/presentation/progress-words";
import { ImportRejected, useImportDataset } from "./api-hooks";
import { ProgressBar } from "./ui/progress-bar";

type Picked = Array<{ file: File; path: string }>;

/**
 * Upload a VOC dataset as a .zip or loose files, or pick its folder (files keep their relative
 * paths); while it runs, how far the upload and then the server's phases are.
 */
export function ImportForm() {
  const router = useRouter();
  const [progress, setProgress] = useState<ImportProgress | null>(null);
  const mutation = useImportDataset(setProgress);
  const [name, setName] = useState("");
  const [classMap, setClassMap] = useState("");
  const [picked, setPicked] = useState<Picked>([]);

  const pickFiles = (files: FileList | null) => setPicked(files ? [...files].map((file) => ({ file, path: file.name })) : []);
  const pickFolder = (files: FileList | null) => {
    const list = files ? [...files].map((file) => ({ file, path: file.webkitRelativePath || file.name })) : [];
    setPicked(list);
    const top = list[0]?.path.split("/")[0];
    if (top && !name) setName(top);
  };

  const bytes = picked.reduce((sum, p) => sum + p.file.size, 0);
  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    setProgress({ phase: "uploading", done: 0, total: bytes });
    mutation.mutate(
      { name, classMap, files: picked },
      { onSuccess: (result) => router.push(`/datasets/${result.datasetId}/imports/${result.importRunId}`) },
    );
  };

  const error = mutation.error;
  return (
    <form className="import-form" onSubmit={submit} aria-label="Import a dataset">
      <label>
        Dataset name
        <input required value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. face-mask-2026" maxLength={100} />
      </label>
      <fieldset>
        <legend>Files</legend>
        <label>
          A .zip of a Pascal VOC folder, or image and .xml files
          <input type="file" multiple accept=".zip,application/zip,.xml,image/*" onChange={(e) => pickFiles(e.target.files)} data-testid="zip-input" />
        </label>
        <label>
          or a VOC folder
          <input type="file" multiple onChange={(e) => pickFolder(e.target.files)} {...{ webkitdirectory: "", directory: "" }} />
        </label>
        <p className="muted small">
          {picked.length === 0 ? "Nothing chosen yet." : `${formatCount(picked.length, "file")}, ${formatBytes(bytes)}`}
        </p>
      </fieldset>
      <label>
        Class mapping (optional)
        <textarea value={classMap} onChange={(e) => setClassMap(e.target.value)} rows={2} placeholder={"mask=with_mask\nno_mask=without_mask"} />
      </label>
      <button type="submit" disabled={picked.length === 0 || !name.trim() || mutation.isPending}>
        {mutation.isPending ? "Importing…" : "Import"}
      </button>
      {mutation.isPending && progress ? <ImportProgressBar progress={progress} /> : null}
      {mutation.isSuccess ? (
        <p role="status" className="muted">
          Imported {formatCount(mutation.data.imagesAdded, "image")}; opening the report…
        </p>
      ) : null}
      {error ? (
        <div className="error" role="alert">
          <p>Import failed: {error.message}</p>
          {error instanceof ImportRejected && error.issues.length > 0 ? (
            <ul>
              {error.issues.slice(0, 20).map((issue, i) => (
                <li key={i}>
                  {issue.file}: {issue.message} ({issue.code})
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </form>
  );
}

function ImportProgressBar({ progress }: { progress: ImportProgress }) {
  const view = describeImportProgress(progress);
  return (
    <div className="import-progress" role="group" aria-label="Import progress">
      <p className="muted small">
        Step {view.step} of {view.steps}
      </p>
      <ProgressBar ratio={view.ratio} caption={view.text} label="Import progress" testId="import-progress" />
    </div>
  );
}
