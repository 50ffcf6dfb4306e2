"use client";

import Link from "next/link";
import { memo, useEffect, useMemo, useState } from "react";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { TrainingJobView, TrainingLogLine } from "@/lib/contracts/http/training";
import { epochMetricsSchema, phaseFiguresSchema, type EpochMetrics } from "@/lib/contracts/stored/training";
import { classColor, classLabel } from "@/lib/domain/classes";
import { budgetMs, currentPhase, jobDurationMs, overtakenProgressLines, TRAINING_PHASES, type PhaseMark, type TrainingPhase } from "@/lib/domain/training-phases";
import { formatDateTime, formatDuration, formatNumber, formatPercent } from "@/lib/presentation/format";
import { describePhaseCount, TRAINING_PHASE_WORDS } from "@/lib/presentation/progress-words";
import { cancelTraining, useTrainingJob } from "../api-hooks";
import { ProgressBar } from "../ui/progress-bar";
import { Time } from "../ui/time";
import { JobStatusPill } from "./job-status-pill";
import { isFinishedJobStatus } from "@/lib/domain/states";

/** A training job as it runs: status, phase and ETA, time against its budget, curves, log, cancel. */
export function TrainingJobMonitor({ jobId, canManage }: { jobId: string; canManage: boolean }) {
  const { data, error } = useTrainingJob(jobId);
  const [cancelState, setCancelState] = useState<string | null>(null);
  const running = data !== undefined && !isFinishedJobStatus(data.job.status);
  const now = useNow(running);
  // Read once per poll, not per tick of the clock (the charts stay put while the time counts).
  const logs = data?.logs;
  const epochs = useMemo(() => (logs ?? []).filter((l) => l.level === "metric" && l.metrics).map((l) => epochMetricsSchema.parse(l.metrics)), [logs]);
  const marks = useMemo(() => phaseMarksOf(logs ?? []), [logs]);
  if (error) return <p className="error">could not load the job: {error.message}</p>;
  if (!data) return <p className="muted">loading…</p>;
  const { job } = data;
  const last = epochs.at(-1);
  const phase = job.status === "running" ? currentPhase(marks, now) : null;
  return (
    <>
      <div className="stats job-stats">
        <div>
          <div className="muted small">Status</div>
          <JobStatusPill status={job.status} testId="job-status" />
        </div>
        <div>
          <div className="muted small">Phase</div>
          <span data-testid="job-phase">{phaseText(job, phase)}</span>
        </div>
        <div>
          <div className="muted small">Time left</div>
          <span data-testid="job-eta">{phase?.remainingMs != null ? `about ${formatDuration(phase.remainingMs)} in this phase` : "—"}</span>
        </div>
        <div>
          <div className="muted small">Progress</div>
          <ProgressBar ratio={job.progress} caption={formatPercent(job.progress, 0)} label="Training progress" testId="job-progress" />
        </div>
      </div>
      <div className="stats job-stats">
        <div>
          <div className="muted small">Started</div>
          <Time value={job.startedAt} />
        </div>
        <div>
          <div className="muted small">Finished</div>
          <Time value={job.finishedAt} />
        </div>
        <div>
          <div className="muted small">{job.finishedAt ? "Duration" : "Elapsed"}</div>
          <DurationAgainstBudget job={job} now={now} />
        </div>
        {last ? (
          <div>
            <div className="muted small">Throughput</div>
            {formatNumber(last.imagesPerSecond, 1)} img/s
          </div>
        ) : null}
        <div>
          <div className="muted small">Backend</div>
          {job.backend ?? "—"}
        </div>
      </div>
      <PhaseTimes marks={marks} />
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
      {canManage && !isFinishedJobStatus(job.status) ? (
        <button
          type="button"
          className="secondary"
          onClick={async () => setCancelState((await cancelTraining(jobId).catch((e: Error) => ({ result: e.message }))).result)}
        >
          Cancel job
        </button>
      ) : null}
      {cancelState ? <span className="muted small"> {cancelState.replace("_", " ")}</span> : null}
      {epochs.length > 0 ? <EpochCharts epochs={epochs} /> : null}
      <JobLog job={job} logs={data.logs} />
    </>
  );
}

/**
 * The job's log. A phase logs its count every 15 s, so by default each phase run shows only its
 * latest count (or none once its end line says how long it took); every line is a click away.
 */
const JobLog = memo(function JobLog({ job, logs }: { job: TrainingJobView; logs: TrainingLogLine[] }) {
  const [everyLine, setEveryLine] = useState(false);
  const overtaken = useMemo(() => overtakenProgressLines(logs.map((line) => phaseMarkOf(line))), [logs]);
  const shown = everyLine ? logs : logs.filter((_, i) => !overtaken.has(i));
  return (
    <>
      <h2>Log</h2>
      {overtaken.size > 0 ? (
        <label className="small">
          <input type="checkbox" checked={everyLine} onChange={(e) => setEveryLine(e.target.checked)} /> Show every progress line ({overtaken.size} folded into the latest)
        </label>
      ) : null}
      <ol className="plain small" data-testid="job-log">
        {shown.map((line) => (
          <li key={line.id}>
            <span className="muted" title={formatDateTime(line.at)}>
              {logOffset(job, line)}
            </span>{" "}
            <span className={`sev sev-${line.level === "error" ? "error" : line.level === "warn" ? "warning" : "info"}`}>{line.level}</span> {line.message}
          </li>
        ))}
      </ol>
    </>
  );
});

/** The current time, ticking each second while the job runs (elapsed time and ETA count live). */
function useNow(ticking: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    setNow(Date.now());
    if (!ticking) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ticking]);
  return now;
}

function phaseMarksOf(logs: readonly TrainingLogLine[]): PhaseMark[] {
  return logs.flatMap((line) => phaseMarkOf(line) ?? []);
}

/** The phase mark a log line carries in its figures; null for any other line. */
function phaseMarkOf(line: TrainingLogLine): PhaseMark | null {
  const figures = phaseFiguresSchema.safeParse(line.metrics);
  return figures.success ? { at: Date.parse(line.at), phase: figures.data.phase, step: figures.data.step, done: figures.data.done, total: figures.data.total } : null;
}

function phaseText(job: TrainingJobView, phase: ReturnType<typeof currentPhase>): string {
  if (job.status === "queued") return "Waiting for a worker";
  if (!phase) return job.status === "running" ? "Starting" : "—";
  const count = describePhaseCount(phase.phase, phase.done, phase.total);
  return count ? `${TRAINING_PHASE_WORDS[phase.phase].label} · ${count}` : TRAINING_PHASE_WORDS[phase.phase].label;
}

/** Elapsed (or total) time, with the job's time budget beside it when it has one. */
function DurationAgainstBudget({ job, now }: { job: TrainingJobView; now: number }) {
  const elapsed = jobDurationMs(job, now);
  const budget = budgetMs(job.config);
  if (elapsed === null) return <span data-testid="job-duration">—</span>;
  return (
    <span data-testid="job-duration">
      {formatDuration(elapsed)}
      {budget !== null ? <span className="muted"> of a {formatDuration(budget)} budget</span> : null}
      {budget !== null && elapsed > budget ? <span className="sev sev-warning">over budget</span> : null}
    </span>
  );
}

/** How long each phase took so far (a cross-validation job's folds summed), in the order they ran. */
function PhaseTimes({ marks }: { marks: PhaseMark[] }) {
  const seconds = new Map<TrainingPhase, number>();
  let previousStart: PhaseMark | null = null;
  for (const mark of marks) {
    if (mark.step === "start") previousStart = mark;
    if (mark.step === "end" && previousStart?.phase === mark.phase) seconds.set(mark.phase, (seconds.get(mark.phase) ?? 0) + (mark.at - previousStart.at) / 1000);
  }
  const ended = TRAINING_PHASES.filter((phase) => seconds.has(phase));
  if (ended.length === 0) return null;
  return (
    <p className="muted small" data-testid="phase-times">
      {ended.map((phase) => `${TRAINING_PHASE_WORDS[phase].label} ${formatDuration(seconds.get(phase)! * 1000)}`).join(" · ")}
    </p>
  );
}

/** A log line's time from the job's start ("+3 min 12 s"); its date and time in the tooltip. */
function logOffset(job: TrainingJobView, line: TrainingLogLine): string {
  const origin = Date.parse(job.startedAt ?? job.createdAt);
  return `+${formatDuration(Math.max(0, Date.parse(line.at) - origin))}`;
}

const EpochCharts = memo(function EpochCharts({ epochs }: { epochs: EpochMetrics[] }) {
  const classes = Object.keys(epochs[0]?.valPerClassAP50 ?? {});
  const perClass = epochs.map((e) => ({ epoch: e.epoch, ...e.valPerClassAP50 }));
  return (
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
      {classes.length > 0 ? (
        <figure className="chart">
          <figcaption>Validation AP50 per class</figcaption>
          <ResponsiveContainer width="100%" height={220}>
            <LineChart data={perClass} margin={{ top: 8, right: 8, bottom: 8, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="epoch" fontSize={11} />
              <YAxis domain={[0, 1]} fontSize={11} />
              <Tooltip />
              <Legend />
              {classes.map((name) => (
                <Line key={name} dataKey={name} name={classLabel(name)} stroke={classColor(name)} isAnimationActive={false} />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </figure>
      ) : null}
    </div>
  );
});
