import { BenchmarkBoard } from "@/components/benchmarks/benchmark-board";
import { OnnxUploadForm } from "@/components/benchmarks/onnx-upload-form";
import { PromotionHistory } from "@/components/benchmarks/promotion-history";
import { EmptyState } from "@/components/empty-state";
import { can } from "@/lib/domain/permissions";
import { requirePageUser } from "@/app/_server/page-auth";
import Link from "next/link";
import { DataTable } from "@/components/data-table";
import { Time } from "@/components/ui/time";
import { formatNumber } from "@/lib/presentation/format";
import { listDatasetSummaries } from "@/lib/server/datasets/datasets";
import { benchmarkRows, benchmarkScopes, listLabelAudits } from "@/lib/server/models/benchmarks";
import { listPromotions, productionModel, rollBackTarget } from "@/lib/server/models/model-registry";

export const dynamic = "force-dynamic";

const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export default async function ModelsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePageUser();
  const params = await searchParams;
  const filter = { datasetId: one(params.dataset) || undefined, split: one(params.split) || undefined };
  const [rows, scopes, promotions, production, rollBack, audits, datasets] = await Promise.all([benchmarkRows(filter), benchmarkScopes(), listPromotions(), productionModel(), rollBackTarget(), listLabelAudits(), listDatasetSummaries()]);
  const canPromote = can(user.role, "models.promote");
  const canBringModels = can(user.role, "training.manage");
  return (
    <>
      <h1>Models</h1>
      <details className="definitions">
        <summary className="small">How these figures are computed</summary>
        <ul className="muted small">
          <li>Every model version is scored on its dataset&apos;s <b>test</b> split: it neither trained the model nor picked its epoch. Detections are post-processed for evaluation (every class with score ≥ 0.001, NMS per class, 100 per image).</li>
          <li>mAP50 and mAP50-95: COCO AP (pycocotools&apos; rules, 101-point interpolated precision), averaged over classes; AP50 per class likewise. A dash: the split has no box of that class.</li>
          <li>Mask judge: <b>on</b> when the model finds faces and a judge trained on face crops gives each face its class (and turns down finds that are not faces); <b>left out</b> when training dropped the judge because it lowered val mAP50 (the detector&apos;s own classes serve); a dash when none was trained.</li>
          <li>P / R / F1 @ op: all classes pooled at the <b>operating threshold</b>, serving&apos;s score threshold 0.25, matching at IoU 0.5. Best F1 and its confidence: the same at the threshold that maximises F1 on this split (optimistic: it is chosen on the data it is measured on).</li>
          <li>Image acc: share of test images where &quot;contains a face without a mask or with a mask worn incorrectly&quot; is answered right at the operating threshold.</li>
          <li>Latency: per image at batch 1 after warm-up, p50 and p95, on the backend and machine named in the column; img/s is the best throughput over the batch sizes tried. Size: the artifact on disk. Train min: the training job&apos;s wall time, start to end (data, backbone features, epochs, evaluation), the same figure as on its job page.</li>
          <li>Green: the best value of the column (ties all marked).</li>
        </ul>
      </details>
      {rows.length === 0 ? (
        <EmptyState title="No model versions yet">
          Trained models appear here with their test-split benchmarks. <Link href="/train">Train one on the Train page</Link>.
        </EmptyState>
      ) : (
        <BenchmarkBoard rows={rows} scopes={scopes} filter={filter} canPromote={canPromote} />
      )}
      {canBringModels && datasets.length > 0 ? (
        <details>
          <summary>Bring an ONNX model (Ultralytics YOLO, torchvision Faster R-CNN)</summary>
          <OnnxUploadForm datasets={datasets.map((d) => ({ id: d.id, name: d.name, classes: d.classes }))} />
        </details>
      ) : null}
      <h2>Label audits</h2>
      {audits.length === 0 ? (
        <p className="muted small">
          A label audit (a training job with cross-validation folds) predicts every labelled image with a model that did not train on it, so the label-issue finder can check the whole dataset, not only the test split. Each model&apos;s own page has its test-split label issues.
        </p>
      ) : (
        <DataTable
          label="Label audits"
          rows={audits}
          rowKey={(a) => a.id}
          columns={[
            { header: "Audit", cell: (a) => <Link href={`/models/evaluations/${a.id}/label-issues`}>{`${a.folds}-fold cross-validation, ${a.kind ?? "detector"}`}</Link> },
            { header: "Dataset", cell: (a) => a.dataset },
            { header: "Images", numeric: true, cell: (a) => formatNumber(a.images) },
            { header: "Out-of-fold mAP50", numeric: true, cell: (a) => (a.mAP50 < 0 ? "–" : a.mAP50.toFixed(3)) },
            { header: "When", cell: (a) => <Time value={a.createdAt} /> },
          ]}
        />
      )}
      <PromotionHistory
        production={production ? `${production.name} v${production.version}` : null}
        rollBackTo={rollBack ? `${rollBack.name} v${rollBack.version}` : null}
        canRollBack={canPromote && promotions.length > 0}
        promotions={promotions.map((p) => ({
          id: p.id,
          action: p.action,
          at: p.createdAt.toISOString(),
          by: p.actor?.name ?? "a deleted user or API key",
          model: `${p.modelVersion.name} v${p.modelVersion.version}`,
          previous: p.previousVersion ? `${p.previousVersion.name} v${p.previousVersion.version}` : null,
        }))}
      />
    </>
  );
}
