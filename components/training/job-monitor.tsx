"use client";

import Link from "next/link";
import { useState } from "react";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { epochMetricsSchema } from "@/lib/contracts/stored/training";
import { cancelTraining, useTrainingJob } from "../api-hooks";

const FINISHED = new Set(["succeeded", "failed", "cancelled"]);

/** A training job as it runs: status, progress, ETA, loss and validation curves, log, cancel. */
export function TrainingJobMonitor({ jobId, canManage }: { jobId: string; canManage: boolean }) {
  const { data, error } = useTrainingJob(jobId);
  const [cancelState, setCancelState] = useState<string | null>(null);
  if (error) return <p className="error">could not load the job: {error.message}</p>;
  if (!data) return <p className="muted">loading…</p>;
  const { job, logs } = data;
  const epochs = logs.filter((l) => l.level === "metric" && l.metrics).map((l) => epochMetricsSchema.parse(l.metrics));
  const last = epochs.at(-1);
  return (
    <>
      <div className="stats">
        <div>
          <div className="muted small">Status</div>
          <strong data-testid="job-status">{job.status}</strong>
        </div>
        <div>
          <div className="muted small">Progress</div>
          <progress max={1} value={job.progress} aria-label="Training progress" /> {Math.round(job.progress * 100)} %
        </div>
        {last && !FINISHED.has(job.status) ? (
          <div>
            <div className="muted small">ETA</div>
            {Math.ceil(last.etaSeconds / 60)} min
          </div>
        ) : null}
        {last ? (
          <div>
            <div className="muted small">Throughput</div>
            {last.imagesPerSecond.toFixed(1)} img/s
          </div>
        ) : null}
        <div>
          <div className="muted small">Backend</div>
          {job.backend ?? "—"}
        </div>
      </div>
      {job.error ? <p className="error">{job.error}</p> : null}
      {job.evaluations[0] ? (
        <p role="status">
          Label audit: <Link href={`/models/evaluations/${job.evaluations[0].id}/label-issues`}>suspected label issues over every labelled image</Link>
        </p>
      ) : null}
      {job.modelVersion ? (
        <p role="status">
          Model version: <Link href="/models">{`${job.modelVersion.name} v${job.modelVersion.version}`}</Link>
        </p>
      ) : null}
      {canManage && !FINISHED.has(job.status) ? (
        <button
          type="button"
          className="secondary"
          onClick={async () => setCancelState((await cancelTraining(jobId).catch((e: Error) => ({ result: e.message }))).result)}
        >
          Cancel job
        </button>
      ) : null}
      {cancelState ? <span className="muted small"> {cancelState.replace("_", " ")}</span> : null}
      {epochs.length > 0 ? (
        <div className="cards">
          <figure className="chart">
            <figcaption>Training loss</figcaption>
            <ResponsiveContainer width="100%" height={220}>
              <LineChart data={epochs} margin={{ top: 8, right: 8, bottom: 8, left: 0 }}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="epoch" fontSize={11} />
                <YAxis fontSize={11} />
                <Tooltip />
                <Legend />
                <Line dataKey="loss" name="total" stroke="#2457c5" isAnimationActive={false} />
                <Line dataKey="classificationLoss" name="classification" stroke="#8a5cf5" isAnimationActive={false} />
                <Line dataKey="boxLoss" name="box" stroke="#d9822b" isAnimationActive={false} />
              </LineChart>
            </ResponsiveContainer>
          </figure>
          <figure className="chart">
            <figcaption>Validation mAP (val split)</figcaption>
            <ResponsiveContainer width="100%" height={220}>
              <LineChart data={epochs} margin={{ top: 8, right: 8, bottom: 8, left: 0 }}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="epoch" fontSize={11} />
                <YAxis domain={[0, 1]} fontSize={11} />
                <Tooltip />
                <Legend />
                <Line dataKey="valMAP50" name="mAP50" stroke="#1f9d55" isAnimationActive={false} />
                <Line dataKey="valMAP50to95" name="mAP50-95" stroke="#0f6b3a" isAnimationActive={false} />
              </LineChart>
            </ResponsiveContainer>
          </figure>
        </div>
      ) : null}
      <h2>Log</h2>
      <ol className="plain small" data-testid="job-log">
        {logs.map((line) => (
          <li key={line.id}>
            <span className="muted">{new Date(line.at).toLocaleTimeString("en-GB")}</span> <span className={`sev sev-${line.level === "error" ? "error" : line.level === "warn" ? "warning" : "info"}`}>{line.level}</span> {line.message}
          </li>
        ))}
      </ol>
    </>
  );
}
