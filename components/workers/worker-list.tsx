"use client";

import Link from "next/link";
import type { HealthReport, WorkerView } from "@/lib/contracts/http/health";
import { DETECTOR_FAMILY_CATALOGUE, DETECTOR_FAMILY_IDS } from "@/lib/domain/detector-families";
import { isOneOf } from "@/lib/domain/states";
import { formatCount, formatPercent } from "@/lib/presentation/format";
import { WORKER_KIND_WORDS, WORKER_STATUS_WORDS } from "@/lib/presentation/status-words";
import { wordOf } from "@/lib/presentation/word-of";
import { useWorkers } from "../api-hooks";
import { EmptyState } from "../empty-state";
import { StatePill } from "../ui/state-pill";
import { Time } from "../ui/time";
import styles from "./workers.module.css";

const familyName = (kind: string) => (isOneOf(DETECTOR_FAMILY_IDS, kind) ? DETECTOR_FAMILY_CATALOGUE[kind].name : kind);

/**
 * The training and monitor workers that reported in the last day, refreshed every 5 s: where each
 * runs, how it reaches Masklab, what it computes on, and what it is doing. A worker whose
 * heartbeats stopped arriving is "not responding" (its job goes back to the queue when its lease ends).
 */
export function WorkerList({ initial, canManageTokens }: { initial: HealthReport; canManageTokens: boolean }) {
  const { data: workers = [] } = useWorkers(initial);
  if (workers.length === 0) {
    return (
      <EmptyState title="No worker has reported in the last day">
        <code>npm start</code> runs a training worker beside the web server. A GPU machine elsewhere runs one with <code>npm run worker -- --server … --token …</code>
        {canManageTokens ? ", with a worker token made below." : ", with a worker token an ML lead or admin makes on this page."}
      </EmptyState>
    );
  }
  const alive = workers.filter((w) => w.alive).length;
  return (
    <>
      <p className={`muted ${styles.summary}`} data-testid="worker-summary">
        {formatCount(alive, "worker")} alive{workers.length > alive ? `, ${formatCount(workers.length - alive, "worker")} not responding` : ""}.
      </p>
      <div className="table-scroll">
        <table className={`table ${styles.table}`} aria-label="Workers">
          <thead>
            <tr>
              <th scope="col">Worker</th>
              <th scope="col">Machine</th>
              <th scope="col">Connects</th>
              <th scope="col">Backend and GPU</th>
              <th scope="col">Job kinds</th>
              <th scope="col">Status</th>
              <th scope="col">Last heartbeat</th>
            </tr>
          </thead>
          <tbody>
            {workers.map((worker) => (
              <WorkerRow key={worker.id} worker={worker} />
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function WorkerRow({ worker }: { worker: WorkerView }) {
  const { capabilities, token, currentJob } = worker;
  const status = worker.alive ? wordOf(WORKER_STATUS_WORDS, worker.status) : WORKER_STATUS_WORDS.gone;
  return (
    <tr className={worker.alive ? undefined : styles.gone}>
      <th scope="row">
        <span className={styles.id}>{worker.id}</span>
        <span className={styles.sub}>
          {wordOf(WORKER_KIND_WORDS, worker.kind).label}
          {capabilities.via ? ` · ${capabilities.via}` : ""}
        </span>
      </th>
      <td>
        <span className={styles.wrap}>{worker.hostname}</span>
        <span className={styles.sub}>
          pid {worker.pid}
          {capabilities.runtime ? ` · ${capabilities.runtime}` : ""}
        </span>
      </td>
      <td>
        {token ? (
          <span className={styles.wrap}>
            remote, token {token.name} <code className={styles.nowrap}>mk_{token.prefix}…</code>
            {token.revoked ? <span className={styles.sub}>token revoked</span> : null}
          </span>
        ) : (
          "on the database directly"
        )}
      </td>
      <td>
        {capabilities.backend ?? <span className="muted">—</span>}
        <span className={styles.line}>GPU: {capabilities.gpu ?? (capabilities.gpu === null ? "none" : "not reported")}</span>
        {capabilities.backendReason ? (
          <span className={`${styles.sub} ${styles.reason}`} title={capabilities.backendReason}>
            {capabilities.backendReason}
          </span>
        ) : null}
      </td>
      <td>
        {capabilities.jobKinds && capabilities.jobKinds.length > 0 ? (
          <ul className={styles.cellList}>
            {capabilities.jobKinds.map((kind) => (
              <li key={kind}>{familyName(kind)}</li>
            ))}
          </ul>
        ) : (
          <span className="muted">none</span>
        )}
      </td>
      <td>
        <span data-testid="worker-status">
          <StatePill word={status} />
        </span>
        {currentJob ? (
          <span className={styles.line}>
            <Link href={`/train/${currentJob.id}`}>
              {familyName(currentJob.kind)} on {currentJob.datasetName}
            </Link>{" "}
            <span className="muted small">{formatPercent(currentJob.progress, 0)}</span>
          </span>
        ) : null}
      </td>
      <td>
        <span className={styles.nowrap}>
          <Time value={worker.lastHeartbeatAt} relative />
        </span>
        <span className={styles.sub}>
          started <Time value={worker.startedAt} relative />
        </span>
      </td>
    </tr>
  );
}
