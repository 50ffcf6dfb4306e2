"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { ONNX_MODEL_KINDS, type OnnxModelKind } from "@/lib/contracts/artifact";
import { formatBytes, formatNumber } from "@/lib/presentation/format";
import { useRegisterOnnxModel } from "../api-hooks";
import { ProgressBar } from "../ui/progress-bar";
import { Select } from "../ui/select";

const KIND_LABELS: Record<OnnxModelKind, string> = {
  yolo: "Ultralytics YOLO (v5, v8, 11): yolo export format=onnx",
  "torchvision-frcnn": "torchvision Faster R-CNN: torch.onnx.export",
};

/**
 * "Bring an ONNX model": a detector trained elsewhere, verified by the server (graph signature,
 * class count, one test inference) and registered as a candidate judged on a dataset; it then
 * works like a model trained here (evaluate, benchmark, promote, serve, monitor).
 */
export function OnnxUploadForm({ datasets }: { datasets: ReadonlyArray<{ id: string; name: string; classes: string[] }> }) {
  const router = useRouter();
  const [sent, setSent] = useState<{ done: number; total: number | null } | null>(null);
  const mutation = useRegisterOnnxModel(setSent);
  const [file, setFile] = useState<File | null>(null);
  const [kind, setKind] = useState<OnnxModelKind>("yolo");
  const [datasetId, setDatasetId] = useState(datasets[0]?.id ?? "");
  const [classes, setClasses] = useState("");
  const [inputSize, setInputSize] = useState("");
  const [name, setName] = useState("");
  const dataset = datasets.find((d) => d.id === datasetId);

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    if (!file) return;
    setSent({ done: 0, total: file.size });
    mutation.mutate({ file, kind, dataset: datasetId, classes, inputSize, name }, { onSuccess: () => router.refresh() });
  };
  const uploaded = sent !== null && sent.total !== null && sent.done >= sent.total;
  const result = mutation.data;

  return (
    <form className="import-form" onSubmit={submit} aria-label="Bring an ONNX model">
      <p className="muted small">
        Upload a detector exported to ONNX elsewhere. It is verified before it is accepted (opset, input and output shapes, class count, a test inference on one of the dataset&apos;s images), then evaluated, benchmarked, promoted, served and monitored like a model trained here.
      </p>
      <details className="small">
        <summary>How to export</summary>
        <p>Ultralytics (square input; no <code>nms=True</code>, no <code>half=True</code>):</p>
        <pre className="code">
          <code>yolo export model=runs/detect/train/weights/best.pt format=onnx imgsz=640 opset=17</code>
        </pre>
        <p>torchvision Faster R-CNN (a list of one [3, H, W] image; outputs boxes, labels, scores):</p>
        <pre className="code">
          <code>{`model.eval(); model.roi_heads.score_thresh = 0.001
torch.onnx.export(model, ([torch.rand(3, 640, 640)],), "frcnn.onnx", opset_version=17,
    input_names=["images"], output_names=["boxes", "labels", "scores"],
    dynamic_axes={"images": {1: "height", 2: "width"}, "boxes": {0: "n"}, "labels": {0: "n"}, "scores": {0: "n"}},
    dynamo=False)`}</code>
        </pre>
        <p>The full guide is docs/bring-your-own-model.md in Masklab&apos;s repository.</p>
      </details>
      <label>
        Model file (.onnx)
        <input type="file" accept=".onnx" required onChange={(e) => setFile(e.target.files?.[0] ?? null)} data-testid="onnx-input" />
      </label>
      {file ? <p className="muted small">{`${file.name}, ${formatBytes(file.size)}`}</p> : null}
      <Select label="Exported by" value={kind} onValueChange={(value) => setKind(value as OnnxModelKind)} options={ONNX_MODEL_KINDS.map((k) => ({ value: k, label: KIND_LABELS[k] }))} />
      <Select label="Judged on dataset" value={datasetId} onValueChange={setDatasetId} options={datasets.map((d) => ({ value: d.id, label: d.name }))} />
      <label>
        Classes, in the order of the model&apos;s class ids (optional)
        <input value={classes} onChange={(e) => setClasses(e.target.value)} placeholder={dataset?.classes.join(",") ?? ""} />
      </label>
      <label>
        Input size (only for a model exported with a dynamic size)
        <input value={inputSize} onChange={(e) => setInputSize(e.target.value)} inputMode="numeric" placeholder={kind === "yolo" ? "640" : "1333"} pattern="\d*" />
      </label>
      <label>
        Model name (optional: the file name)
        <input value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. yolo11s-gpu-run7" maxLength={100} />
      </label>
      <button type="submit" disabled={!file || !datasetId || mutation.isPending}>
        {mutation.isPending ? "Verifying…" : "Upload and verify"}
      </button>
      {mutation.isPending && sent ? (
        <ProgressBar
          ratio={uploaded ? null : sent.total ? sent.done / sent.total : null}
          caption={uploaded ? "Uploaded; verifying the model…" : `Uploading ${formatBytes(sent.done)}${sent.total ? ` of ${formatBytes(sent.total)}` : ""}`}
          label="Upload progress"
          testId="onnx-progress"
        />
      ) : null}
      {result ? (
        <div role="status">
          <p>
            <strong>
              {result.name} v{result.version}
            </strong>{" "}
            registered as a candidate ({result.classes.join(", ")}; {result.inputSize} px; opset {result.verification.opset}; {formatNumber(result.verification.parameterCount)} parameters). Test inference on {result.verification.testImage}: {result.verification.testDetections}{" "}
            detections. Evaluate it with <code>npm run evaluate-model -- --model {result.name}@{result.version}</code>.
          </p>
        </div>
      ) : null}
      {mutation.error ? (
        <div className="error" role="alert">
          <p>Not registered: {mutation.error.message}</p>
        </div>
      ) : null}
    </form>
  );
}
