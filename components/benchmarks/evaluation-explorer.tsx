"use client";

import Link from "next/link";
import { useMemo } from "react";
import type { EvaluationView } from "@/lib/contracts/http/evaluation";
import { classColor, classLabel, isFacemaskClass } from "@/lib/domain/classes";
import { isOneOf, MODEL_STAGES } from "@/lib/domain/states";
import { formatCount } from "@/lib/presentation/format";
import { MODEL_STAGE_WORDS } from "@/lib/presentation/status-words";
import { Time } from "../ui/time";
import { evaluateCoco, interpolatedPrCurve } from "@/lib/domain/evaluation/coco-eval";
import { confusionMatrix } from "@/lib/domain/evaluation/confusion";
import { imageAccuracy } from "@/lib/domain/evaluation/image-accuracy";
import { operatingPoints, type OperatingPoint } from "@/lib/domain/evaluation/operating-point";
import { prepareEvaluation } from "@/lib/domain/evaluation/prepared";
import { useEvaluation } from "../api-hooks";
import { CurveChart, mergeSeries } from "./compare-curves";

const fixed = (value: number) => (value < 0 ? "–" : value.toFixed(3));

/** Loads an evaluation and renders its header and tabs; children get the loaded view. */
export function EvaluationFrame({ id, tab, confidence, children }: { id: string; tab: "metrics" | "errors" | "label-issues"; confidence: number; children: (view: EvaluationView) => React.ReactNode }) {
  const query = useEvaluation(id);
  if (query.isError) return <p className="error">Could not load the evaluation: {(query.error as Error).message}</p>;
  if (!query.data) return <p className="muted">Loading the evaluation…</p>;
  const view = query.data;
  const suffix = `?conf=${confidence.toFixed(2)}`;
  return (
    <>
      <p className="crumbs">
        <Link href="/models">← Models</Link>
      </p>
      <h1>
        {view.source}{" "}
        <span className="muted small">
          on {view.dataset.name}, {view.model ? `${view.split} split` : "every labelled image, each predicted by the fold model that did not train on it"} ({formatCount(view.imageCount, "image")}){view.model ? `, ${modelDescription(view.model)}` : ""}; evaluated{" "}
          <Time value={view.createdAt} />
          {view.jobId ? (
            <>
              {" "}
              by <Link href={`/train/${view.jobId}`}>its job</Link>
            </>
          ) : null}
        </span>
      </h1>
      <nav className="tabs" aria-label="Evaluation views">
        <Link href={`/models/evaluations/${id}${suffix}`} aria-current={tab === "metrics" ? "page" : undefined}>
          Metrics
        </Link>
        <Link href={`/models/evaluations/${id}/errors${suffix}`} aria-current={tab === "errors" ? "page" : undefined}>
          Error browser
        </Link>
        <Link href={`/models/evaluations/${id}/label-issues`} aria-current={tab === "label-issues" ? "page" : undefined}>
          Label issues
        </Link>
      </nav>
      {view.snapshot ? children(view) : <p className="muted">This evaluation was stored before detections were kept: run <code>npm run evaluate-model -- --model {view.model ? `${view.model.name}@${view.model.version}` : "NAME@VERSION"}</code> to browse it.</p>}
    </>
  );
}

export function ConfidenceSlider({ value, onChange, operating, bestF1 }: { value: number; onChange: (value: number) => void; operating: number; bestF1: number | null }) {
  return (
    <div className="slider">
      <label htmlFor="confidence">Confidence threshold</label>
      <input id="confidence" type="range" min={0} max={1} step={0.01} value={value} onChange={(e) => onChange(Number(e.target.value))} />
      <output htmlFor="confidence" data-testid="confidence-value">
        {value.toFixed(2)}
      </output>
      <button type="button" className="secondary" onClick={() => onChange(operating)}>
        Operating ({operating.toFixed(2)})
      </button>
      {bestF1 !== null ? (
        <button type="button" className="secondary" onClick={() => onChange(Math.floor(bestF1 * 100) / 100)} title="the pooled best-F1 confidence, rounded down to the slider's step">
          Best F1 (at {bestF1.toFixed(2)})
        </button>
      ) : null}
    </div>
  );
}

/**
 * Metrics of one evaluation, recomputed in the browser from what it scored: COCO matching once,
 * then P/R/F1, the confusion matrix and image accuracy at whatever confidence the slider says.
 */
export function EvaluationMetrics({ view, confidence, onConfidence }: { view: EvaluationView; confidence: number; onConfidence: (value: number) => void }) {
  const snapshot = view.snapshot!;
  const scored = useMemo(() => {
    const prepared = prepareEvaluation(snapshot);
    const coco = evaluateCoco(prepared);
    return { prepared, coco, best: operatingPoints(coco.matches50, view.operatingConfidence) };
  }, [snapshot, view.operatingConfidence]);
  const points = useMemo(() => operatingPoints(scored.coco.matches50, confidence), [scored, confidence]);
  const confusion = useMemo(() => confusionMatrix(scored.prepared, { confidence }), [scored, confidence]);
  const accuracy = useMemo(() => imageAccuracy(scored.prepared, { threshold: confidence }), [scored, confidence]);
  const classes = snapshot.classes;

  return (
    <>
      <p>
        mAP50 <b>{fixed(view.metrics.AP50)}</b> · mAP50-95 <b>{fixed(view.metrics.AP)}</b> · AP75 {fixed(view.metrics.AP75)} · VOC mAP50 {fixed(view.metrics.vocMAP50)} · AR100 {fixed(view.metrics.AR100)}{" "}
        <span className="muted small">(COCO rules; these do not depend on the threshold)</span>
      </p>
      <ConfidenceSlider value={confidence} onChange={onConfidence} operating={view.operatingConfidence} bestF1={scored.best.micro.best?.threshold ?? null} />
      <p className="muted small">
        Precision, recall, F1, the confusion matrix and image accuracy below are at confidence <b>{confidence.toFixed(2)}</b>
        {Math.abs(confidence - view.operatingConfidence) < 1e-9 ? " (the operating threshold)" : ` (the operating threshold is ${view.operatingConfidence.toFixed(2)})`}; detections match labels of their class at IoU ≥ 0.5, highest score first. &quot;Best F1&quot;
        is at each class&apos;s own best threshold, chosen on this split.
      </p>
      <table className="table" aria-label="Per-class metrics">
        <thead>
          <tr>
            <th scope="col">Class</th>
            {["Labels", "AP50", "AP50-95", "VOC AP50", "Precision", "Recall", "F1", "TP", "FP", "FN", "Best F1", "at conf"].map((h) => (
              <th key={h} scope="col" className="num">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {points.perClass.map((c, k) => {
            const stored = view.perClass[k]!;
            return <MetricRow key={c.className} name={c.className} numGt={c.numGt} ap={[stored.AP50, stored.AP, stored.vocAP50]} at={c.atThreshold} best={c.best} />;
          })}
          <MetricRow name="all classes (AP: mean over classes; P/R/F1: pooled)" numGt={points.micro.numGt} ap={[view.metrics.AP50, view.metrics.AP, view.metrics.vocMAP50]} at={points.micro.atThreshold} best={points.micro.best} />
        </tbody>
      </table>
      <p data-testid="image-accuracy">
        Image accuracy (&quot;has a face without a mask or with a mask worn incorrectly&quot;): <b>{fixed(accuracy.accuracy)}</b>{" "}
        <span className="muted small">
          ({accuracy.tp + accuracy.tn} of {accuracy.images} images right; precision {fixed(accuracy.precision)}, recall {fixed(accuracy.recall)})
        </span>
      </p>
      <h2>Confusion matrix</h2>
      <p className="muted small">
        Rows: labels; columns: predictions with score ≥ {confidence.toFixed(2)}, matched at IoU ≥ 0.5 to a label of any class, highest score first. Background column: missed labels; background row: detections that matched no label. Shade: share of the row.
      </p>
      <table className="table heatmap" aria-label="Confusion matrix">
        <thead>
          <tr>
            <th scope="col">label ↓ / predicted →</th>
            {confusion.labels.map((l) => (
              <th key={l} scope="col" className="num">
                {classLabel(l)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {confusion.counts.map((row, t) => {
            const total = row.reduce((a, b) => a + b, 0);
            return (
              <tr key={confusion.labels[t]}>
                <th scope="row">{classLabel(confusion.labels[t]!)}</th>
                {row.map((count, p) => {
                  const share = total > 0 ? count / total : 0;
                  return (
                    <td key={p} className="cell" style={{ background: `rgba(36, 87, 197, ${(share * 0.85).toFixed(3)})`, color: share > 0.5 ? "white" : undefined }} title={`${count} (${(share * 100).toFixed(0)}% of the row)`}>
                      {count}
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="chart-grid">
        <CurveChart
          title="Precision–recall per class (COCO interpolated, IoU 0.5)"
          xLabel="recall"
          yLabel="precision"
          names={[...classes]}
          colorOf={classSeriesColor}
          labelOf={classLabel}
          data={mergeSeries(classes.map((c, k) => ({ name: c, ...xy(interpolatedPrCurve(scored.coco, k)) })))}
        />
        <CurveChart
          title="F1 against confidence per class"
          xLabel="confidence"
          yLabel="F1"
          names={[...classes, "all classes"]}
          colorOf={classSeriesColor}
          labelOf={classLabel}
          marker={confidence}
          data={mergeSeries([...scored.best.perClass.map((c) => ({ name: c.className, x: c.f1Curve.confidence, y: c.f1Curve.f1 })), { name: "all classes", x: scored.best.micro.f1Curve.confidence, y: scored.best.micro.f1Curve.f1 }])}
        />
      </div>
    </>
  );
}

/** Classes draw in their catalogue colour; the pooled "all classes" line in the text colour. */
const classSeriesColor = (name: string) => (name === "all classes" ? "#1d232b" : classColor(name));

/** "one_stage, candidate"; a model known only by its results is "external results" (its kind and stage are both "external"). */
function modelDescription(model: { kind: string; stage: string }): string {
  const stage = isOneOf(MODEL_STAGES, model.stage) ? MODEL_STAGE_WORDS[model.stage].label.toLowerCase() : model.stage;
  return model.stage === "external" ? "external results" : `${model.kind}, ${stage}`;
}

const xy = (curve: { recall: number[]; precision: number[] }) => ({ x: curve.recall, y: curve.precision });

function MetricRow({ name, numGt, ap, at, best }: { name: string; numGt: number; ap: number[]; at: OperatingPoint; best: OperatingPoint | null }) {
  return (
    <tr>
      <th scope="row">
        {isFacemaskClass(name) ? <span className="swatch" style={{ background: classColor(name) }} /> : null} {classLabel(name)}
      </th>
      <td className="num">{numGt}</td>
      {ap.map((v, i) => (
        <td key={i} className="num">
          {fixed(v)}
        </td>
      ))}
      <td className="num">{fixed(at.precision)}</td>
      <td className="num">{fixed(at.recall)}</td>
      <td className="num">{fixed(at.f1)}</td>
      <td className="num">{at.tp}</td>
      <td className="num">{at.fp}</td>
      <td className="num">{at.fn}</td>
      <td className="num">{best ? fixed(best.f1) : "–"}</td>
      <td className="num">{best ? best.threshold.toFixed(3) : "–"}</td>
    </tr>
  );
}
