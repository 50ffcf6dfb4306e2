"use client";

import Link from "next/link";
import { useState } from "react";
import { ALERT_SEVERITIES, ALERT_STATUSES } from "@/lib/domain/drift/alerts";
import { MONITORED_FEATURES, EMBEDDING_FEATURE } from "@/lib/domain/drift/features";
import { useAlerts } from "../api-hooks";
import { EmptyState } from "../empty-state";
import { StatusBadge } from "./drift-dashboard";

export const featureLabel = (feature: string) => MONITORED_FEATURES.find((f) => f.name === feature)?.label ?? (feature === EMBEDDING_FEATURE ? "Embedding" : feature);
const when = (iso: string) => new Date(iso).toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });

/** The alert inbox: filters by state, severity, feature and assignee (“mine”). */
export function AlertInbox({ userId }: { userId: string }) {
  const [status, setStatus] = useState("unresolved");
  const [severity, setSeverity] = useState("");
  const [feature, setFeature] = useState("");
  const [mine, setMine] = useState(false);
  const { data, isLoading, error } = useAlerts({ status, severity, feature, assigneeId: mine ? userId : "" });
  return (
    <>
      <div className="filters" role="search">
        <label>
          State
          <select aria-label="State" value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="unresolved">unresolved</option>
            {ALERT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
            <option value="">all</option>
          </select>
        </label>
        <label>
          Severity
          <select aria-label="Severity" value={severity} onChange={(e) => setSeverity(e.target.value)}>
            <option value="">any</option>
            {ALERT_SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Feature
          <select aria-label="Feature" value={feature} onChange={(e) => setFeature(e.target.value)}>
            <option value="">any</option>
            {[...MONITORED_FEATURES.map((f) => f.name as string), EMBEDDING_FEATURE].map((f) => (
              <option key={f} value={f}>
                {featureLabel(f)}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input type="checkbox" checked={mine} onChange={(e) => setMine(e.target.checked)} /> assigned to me
        </label>
      </div>
      {error ? <p className="error">{(error as Error).message}</p> : null}
      {isLoading ? <p className="muted">Loading…</p> : null}
      {data && data.length === 0 ? <EmptyState title="No alerts match">Alerts appear when a feature of the production model&apos;s window crosses its threshold.</EmptyState> : null}
      {data && data.length > 0 ? (
        <table className="table" aria-label="Drift alerts">
          <thead>
            <tr>
              <th>Raised</th>
              <th>Feature</th>
              <th>Severity</th>
              <th>State</th>
              <th className="num">Value / threshold</th>
              <th className="num">Peak</th>
              <th>Model</th>
              <th>Assignee</th>
            </tr>
          </thead>
          <tbody>
            {data.map((a) => (
              <tr key={a.id}>
                <td>
                  <Link href={`/monitor/alerts/${a.id}`}>{when(a.createdAt)}</Link>
                </td>
                <td>
                  <Link href={`/monitor/alerts/${a.id}`}>
                    {featureLabel(a.feature)} ({a.metric})
                  </Link>
                </td>
                <td>
                  <StatusBadge status={a.severity} />
                </td>
                <td>{a.status === "snoozed" && a.snoozedUntil ? `snoozed until ${when(a.snoozedUntil)}` : a.status}</td>
                <td className="num">
                  {a.value.toPrecision(3)} / {a.threshold.toPrecision(3)}
                </td>
                <td className="num">{a.peakValue.toPrecision(3)}</td>
                <td>
                  {a.baseline.modelVersion.name} v{a.baseline.modelVersion.version}
                </td>
                <td>{a.assignee?.name ?? <span className="muted">–</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </>
  );
}
